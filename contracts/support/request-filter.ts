/**
 * The verifier's request filter: it turns a recorded request into one the
 * target accepts, changing only the two placeholders the pact file carries.
 * - `X-Auth-Token: pact-placeholder-token` becomes the run's real token;
 *   any other value (the invalid-token interaction) is sent as recorded.
 * - The placeholder project id at the start of the path becomes the
 *   target's project id.
 * The real token therefore exists only in this process's memory.
 *
 * It also keeps example values away from the region. pact-js carries on
 * with the pact's example values when a provider-state setup fails, which
 * on a live account would create an endpoint under the example name (no
 * one could ever use that name again) or delete by the example id. So the
 * filter responds to such a request itself with 500 and does not forward
 * it: when a state setup failed, or when the request still contains the
 * example endpoint id or name.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import {
	EXAMPLE_ENDPOINT_ID,
	EXAMPLE_ENDPOINT_NAME,
	PLACEHOLDER_PROJECT_ID,
	PLACEHOLDER_TOKEN,
} from "./contract.ts";

/** The parts of an Express request the filter reads and changes. */
export interface FilteredRequest {
	url: string;
	headers: IncomingHttpHeaders;
	/** Set by the verifier proxy's JSON body parser. */
	body?: unknown;
}

export type RequestFilter = (
	request: FilteredRequest,
	response: Pick<ServerResponse, "statusCode" | "setHeader" | "end">,
	next: () => void,
) => void;

export interface RequestFilterOptions {
	token: string;
	projectId: string;
	/** Returns the reason requests must not reach the region now (a failed state setup). */
	blockedBecause?: () => string | undefined;
}

/** error_code of the filter's own 500 response. */
export const NOT_SENT_ERROR_CODE = "VERIFY.NOT-SENT";

const PLACEHOLDER_PATH_PREFIX = `/v1/${PLACEHOLDER_PROJECT_ID}/`;

export function createRequestFilter(
	options: RequestFilterOptions,
): RequestFilter {
	const realPrefix = `/v1/${encodeURIComponent(options.projectId)}/`;
	return (request, response, next) => {
		if (request.url.startsWith("/_")) {
			// The verifier's own state-change and message calls.
			next();
			return;
		}
		const reason = options.blockedBecause?.() ?? exampleValueIn(request);
		if (reason !== undefined) {
			response.statusCode = 500;
			response.setHeader("Content-Type", "application/json");
			response.end(
				JSON.stringify({
					error_code: NOT_SENT_ERROR_CODE,
					error_msg: `the request was not sent to the region: ${reason}`,
				}),
			);
			return;
		}
		if (request.headers["x-auth-token"] === PLACEHOLDER_TOKEN) {
			request.headers["x-auth-token"] = options.token;
		}
		if (request.url.startsWith(PLACEHOLDER_PATH_PREFIX)) {
			request.url =
				realPrefix + request.url.slice(PLACEHOLDER_PATH_PREFIX.length);
		}
		next();
	};
}

function exampleValueIn(request: FilteredRequest): string | undefined {
	if (request.url.includes(EXAMPLE_ENDPOINT_ID)) {
		return `its path holds the example endpoint id ${EXAMPLE_ENDPOINT_ID}, so no provider state supplied a real one`;
	}
	const name = (request.body as { endpoint_name?: unknown } | undefined)
		?.endpoint_name;
	if (name === EXAMPLE_ENDPOINT_NAME) {
		return `its body holds the example endpoint name ${EXAMPLE_ENDPOINT_NAME}, so no provider state supplied a real one`;
	}
	return undefined;
}
