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
 *
 * Each request it forwards is recorded in the run's request log, in the
 * flow of the interaction being verified, once its response is sent back.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { trackRequest } from "../../src/client/request-flow.ts";
import {
	EXAMPLE_ENDPOINT_ID,
	EXAMPLE_ENDPOINT_NAME,
	PLACEHOLDER_PROJECT_ID,
	PLACEHOLDER_TOKEN,
} from "./contract.ts";
import {
	type VerificationFlows,
	verificationFlows,
} from "./verification-flows.ts";

/** The parts of an Express request the filter reads and changes. */
export interface FilteredRequest {
	/** Set by Express; absent in a bare request. */
	method?: string;
	url: string;
	headers: IncomingHttpHeaders;
	/** Set by the verifier proxy's JSON body parser. */
	body?: unknown;
}

/** The parts of the response the filter uses; `once` only to log the exchange. */
export type FilteredResponse = Pick<
	ServerResponse,
	"statusCode" | "setHeader" | "end"
> &
	Partial<Pick<ServerResponse, "once" | "writableFinished">>;

export type RequestFilter = (
	request: FilteredRequest,
	response: FilteredResponse,
	next: () => void,
) => void;

export interface RequestFilterOptions {
	token: string;
	projectId: string;
	/** Returns the reason requests must not reach the region now (a failed state setup). */
	blockedBecause?: () => string | undefined;
	/** The request flows forwarded requests are logged in; default this process's. */
	flows?: VerificationFlows;
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
		logForwarded(request, response, options.flows ?? verificationFlows);
		next();
	};
}

/** Records the forwarded request when the verifier's proxy has sent its response back. */
function logForwarded(
	request: FilteredRequest,
	response: FilteredResponse,
	flows: VerificationFlows,
): void {
	if (typeof response.once !== "function") return;
	const method = (request.method ?? "GET").toUpperCase();
	// The API prefix with the project id is the same in every request.
	const shortPath = request.url.replace(
		/^\/v1\/[^/]+\/maas\/services\/custom-endpoint\//,
		"",
	);
	// No origin: the verifier's proxy forwards to the region only.
	const logged = trackRequest(
		method,
		{ path: request.url },
		flows.forRequest(`${method} ${shortPath}`),
	);
	response.once("finish", () => logged({ status: response.statusCode }));
	response.once("close", () => {
		if (response.writableFinished) logged({ status: response.statusCode });
		else logged({ error: "RESPONSE_INCOMPLETE" });
	});
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
