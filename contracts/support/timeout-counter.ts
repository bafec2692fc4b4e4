/**
 * Counts the requests of a client that ended in a timeout (error code
 * MAAS_REQUEST_TIMEOUT), so the message of a spent time budget can give
 * the number of requests the region left without a response.
 */
import type { MaasClient } from "../../src/client/index.ts";
import { isMaasError } from "../../src/errors.ts";

export interface TimeoutCounter {
	/** The client to use; it behaves exactly like the one given. */
	readonly client: MaasClient;
	/** Requests through `client` that timed out so far. */
	count(): number;
}

export function isRequestTimeout(error: unknown): boolean {
	return isMaasError(error) && error.code === "MAAS_REQUEST_TIMEOUT";
}

/**
 * Wraps every method of `client`: a call whose promise rejects with a
 * request timeout adds one to the count. Methods run on the client itself
 * (its private fields need that), so a method calling another counts once.
 */
export function countTimeouts(client: MaasClient): TimeoutCounter {
	let timedOut = 0;
	const counted = new Proxy(client, {
		get(target, property) {
			const value: unknown = Reflect.get(target, property, target);
			if (typeof value !== "function") return value;
			return (...args: unknown[]) => {
				const result: unknown = value.apply(target, args);
				if (!(result instanceof Promise)) return result;
				return result.catch((error: unknown) => {
					if (isRequestTimeout(error)) timedOut += 1;
					throw error;
				});
			};
		},
	});
	return { client: counted, count: () => timedOut };
}
