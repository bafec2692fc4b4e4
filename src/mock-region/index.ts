/**
 * An in-process mock of one Huawei Cloud MaaS region: IAM token issue and
 * the five custom-endpoint operations, stateful in memory. The gate runs
 * against it when no real region is configured, and the named deviations
 * turn it into a region that breaks exactly one documented rule.
 */

import { newEndpointInfo } from "./endpoint-info.ts";
import { EndpointStore } from "./endpoint-store.ts";
import { startHttpServer } from "./http-server.ts";
import { type MockRegionOptions, resolveOptions } from "./options.ts";
import type { RegionContext } from "./region-context.ts";
import { createRequestHandler } from "./request-handler.ts";
import { TokenRegistry } from "./tokens.ts";
import type {
	CustomEndpointInfo,
	MockRegionUser,
	RequestLogEntry,
} from "./types.ts";

export { DEVIATIONS, type DeviationName } from "./deviations.ts";
export type { MockRegionOptions } from "./options.ts";
export type {
	CustomEndpointInfo,
	EndpointSource,
	MockRegionUser,
	RequestLogEntry,
	SeedEndpoint,
} from "./types.ts";

export interface MockRegion {
	/** Base URL of the MaaS API, for example "http://127.0.0.1:PORT". */
	readonly url: string;
	/** The same server; IAM is served at /v3/auth/tokens. */
	readonly iamUrl: string;
	readonly projectId: string;
	readonly region: string;
	/** A valid token for projectId, issued at start. */
	readonly token: string;
	readonly users: readonly MockRegionUser[];
	/** A copy of the live endpoints, hidden ones included. */
	endpoints(): CustomEndpointInfo[];
	/** Every name ever used in the project, live or deleted. */
	burnedNames(): string[];
	/** Finished exchanges, in the order they ended. */
	requests(): RequestLogEntry[];
	/**
	 * Closes the server and destroys every open socket, hanging ones
	 * included, so it resolves without waiting for clients.
	 */
	close(): Promise<void>;
}

/**
 * Starts a mock region on a loopback address. Throws a ConfigError for an
 * invalid option and a TypeError for an unknown deviation name.
 */
export async function startMockRegion(
	options: MockRegionOptions = {},
): Promise<MockRegion> {
	const resolved = resolveOptions(options);
	const context: RegionContext = {
		options: resolved,
		store: new EndpointStore(),
		tokens: new TokenRegistry(),
		iamIds: new Map(),
	};
	for (const seed of resolved.seed) {
		const fields = {
			endpoint_name: seed.endpoint_name,
			...(seed.model_name === undefined ? {} : { model_name: seed.model_name }),
		};
		context.store.add(newEndpointInfo(fields), true);
	}
	const { token } = context.tokens.issue(resolved.projectId);

	const server = await startHttpServer({
		host: resolved.host,
		port: resolved.port,
		delayMs: resolved.delayMs,
		maxBodyBytes: resolved.maxBodyBytes,
		format: {
			deviations: resolved.deviations,
			extraFields: resolved.extraFields,
		},
		handle: createRequestHandler(context),
	});

	const users = Object.freeze(
		resolved.users.map((user) => Object.freeze({ ...user })),
	);
	return {
		url: server.url,
		iamUrl: server.url,
		projectId: resolved.projectId,
		region: resolved.region,
		token,
		users,
		endpoints: () => context.store.all(),
		burnedNames: () => context.store.burnedNames(),
		requests: () => server.requests(),
		close: () => server.close(),
	};
}
