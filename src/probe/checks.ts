/**
 * Exchange checks: each judges one observation and returns every violation
 * it finds, so a failure names all that is wrong with an exchange at once.
 */

import { validateErrorBody } from "../schemas/index.ts";
import type { Observation } from "./observation.ts";

/** A documented response: a status and, where documented, an error code. */
export interface Alternative {
	status: number;
	errorCode?: string;
	/** The name reports use, e.g. "400 ModelArts.6291". */
	label: string;
}

/** The judgement of one exchange. */
export interface Verdict {
	observation: Observation;
	/** The expectation of the rule, in words. */
	expected: string;
	violations: string[];
	/** The documented alternative the region chose, when one matched. */
	alternative?: string;
}

/**
 * Unknown endpoint id: 400 ModelArts.6291 in the error table
 * (https://support.huaweicloud.com/intl/en-us/api-maas/ErrorCode.html), 404
 * on the Enable/Disable page (api-maas-0017) and in the Delete example.
 */
export const NOT_FOUND: readonly Alternative[] = [
	{ status: 400, errorCode: "ModelArts.6291", label: "400 ModelArts.6291" },
	{ status: 404, label: "404" },
];

/**
 * Missing or invalid token: API Gateway returns 401 APIGW.0301; the Delete
 * page's own example (api-maas-0016) shows 404 ModelArts.0104 "Invalid token.".
 */
export const TOKEN_REJECTED: readonly Alternative[] = [
	{ status: 401, errorCode: "APIGW.0301", label: "401 APIGW.0301" },
	{ status: 404, errorCode: "ModelArts.0104", label: "404 ModelArts.0104" },
];

export interface ErrorExpectation {
	/** The documented responses. */
	alternatives?: readonly Alternative[];
	/**
	 * When true, any 4xx passes and `alternatives` only name the response;
	 * when false (default) the response must be one of `alternatives`.
	 */
	anyClientError?: boolean;
	/** Check the error body schema; default true. */
	body?: boolean;
	/** Check that the content type is application/json; default false. */
	contentType?: boolean;
	/** Words for the expectation; default derived from the options. */
	expected?: string;
}

/** Judges a response that must be a client error. */
export function checkClientError(
	observation: Observation,
	expectation: ErrorExpectation = {},
): Verdict {
	const alternatives = expectation.alternatives ?? [];
	const anyClientError =
		expectation.anyClientError === true || alternatives.length === 0;
	const expected = expectation.expected ?? describeExpectation(expectation);
	const violations: string[] = [];
	const transport = transportViolation(observation);
	if (transport) return { observation, expected, violations: [transport] };
	const status = observation.status as number;
	let alternative: string | undefined;
	if (status < 400 || status > 499) {
		violations.push(
			status >= 500
				? `status ${status} is a server error; expected a 4xx client error`
				: status >= 200 && status <= 299
					? `status ${status} is a success; the request must be rejected with a 4xx`
					: `status ${status} is not a 4xx client error`,
		);
	} else {
		const match = alternatives.find((candidate) =>
			matches(candidate, observation),
		);
		if (match) {
			alternative = match.label;
		} else if (anyClientError) {
			alternative = `${status} ${observation.errorCode ?? "(no error_code)"}`;
		} else {
			violations.push(
				`status ${status} with error_code ${observation.errorCode ?? "(none)"} is none of the documented responses: ${alternatives.map((candidate) => candidate.label).join(", ")}`,
			);
		}
	}
	if (expectation.body !== false && status >= 400) {
		violations.push(...errorBodyViolations(observation));
	}
	if (expectation.contentType === true && status >= 400) {
		violations.push(...contentTypeViolations(observation));
	}
	return {
		observation,
		expected,
		violations,
		...(alternative === undefined ? {} : { alternative }),
	};
}

/**
 * Judges a success that must carry no body: status `status` (204), zero
 * body bytes on the wire, Content-Length absent or 0, no Transfer-Encoding.
 * Needs an observation from `sendWire`.
 */
export function checkEmptySuccess(
	observation: Observation,
	status = 204,
): Verdict {
	const expected = `${status} with zero body bytes, Content-Length absent or 0 and no Transfer-Encoding`;
	const transport = transportViolation(observation);
	if (transport) return { observation, expected, violations: [transport] };
	const violations: string[] = [];
	if (observation.status !== status) {
		violations.push(`status is ${observation.status}, expected ${status}`);
	}
	const wire = observation.wire;
	if (!wire) {
		violations.push(
			"the exchange was not read from the wire, so its body bytes are unknown",
		);
		return { observation, expected, violations };
	}
	if (wire.bodyBytes.length > 0) {
		violations.push(
			`${wire.bodyBytes.length} body bytes followed the header block`,
		);
	}
	const length = wire.contentLength;
	if (length !== undefined && length.trim() !== "0") {
		violations.push(`Content-Length is ${JSON.stringify(length)}, not 0`);
	}
	const encoding = wire.header("transfer-encoding");
	if (encoding !== undefined || wire.chunked) {
		violations.push(
			`Transfer-Encoding ${JSON.stringify(encoding ?? "chunked")} is present`,
		);
	}
	return { observation, expected, violations };
}

/**
 * Judges the response to input the region must reject safely: anything but a
 * 2xx or a 5xx passes, and no response at all fails.
 */
export function checkRejectedSafely(observation: Observation): Verdict {
	const expected = "neither a 2xx nor a 5xx (any other status, ideally a 4xx)";
	const transport = transportViolation(observation);
	if (transport) return { observation, expected, violations: [transport] };
	const status = observation.status as number;
	const violations: string[] = [];
	if (status >= 200 && status <= 299) {
		violations.push(`status ${status} is a success for a malformed id`);
	} else if (status >= 500) {
		violations.push(`status ${status} is a server error`);
	}
	return { observation, expected, violations };
}

/** Judges a success whose status must be one of `allowed`. */
export function checkSuccessStatus(
	observation: Observation,
	allowed: readonly number[],
	expected = `status ${allowed.join(" or ")}`,
): Verdict {
	const transport = transportViolation(observation);
	if (transport) return { observation, expected, violations: [transport] };
	const status = observation.status as number;
	const violations = allowed.includes(status)
		? []
		: [`status is ${status}, expected ${allowed.join(" or ")}`];
	return {
		observation,
		expected,
		violations,
		...(violations.length === 0 ? { alternative: String(status) } : {}),
	};
}

/** Violations of the documented error body: a JSON object with error_msg and error_code. */
export function errorBodyViolations(observation: Observation): string[] {
	if (observation.body.length === 0) return ["the error body is empty"];
	if (observation.json === undefined) {
		return [`the error body is not JSON (${observation.jsonError})`];
	}
	const result = validateErrorBody(observation.json);
	return result.errors.map((error) => `error body: ${error}`);
}

/** Violations of the JSON content type; a charset or other parameter is allowed. */
export function contentTypeViolations(observation: Observation): string[] {
	const value = observation.contentType;
	if (value === undefined) return ["the response has no Content-Type"];
	const mediaType = value.split(";")[0]?.trim().toLowerCase();
	if (mediaType === "application/json") return [];
	return [`Content-Type is ${JSON.stringify(value)}, not application/json`];
}

/** Returns the violation of an exchange that got no response, if it got none. */
export function transportViolation(
	observation: Observation,
): string | undefined {
	if (observation.failure !== undefined) return observation.failure;
	if (observation.status === undefined) return "no status was received";
	return undefined;
}

function matches(alternative: Alternative, observation: Observation): boolean {
	if (alternative.status !== observation.status) return false;
	return (
		alternative.errorCode === undefined ||
		alternative.errorCode === observation.errorCode
	);
}

function describeExpectation(expectation: ErrorExpectation): string {
	const alternatives = expectation.alternatives ?? [];
	const labels = alternatives.map((alternative) => alternative.label);
	const summary =
		alternatives.length === 0
			? "a 4xx client error"
			: expectation.anyClientError
				? `a 4xx client error (documented: ${labels.join(" or ")})`
				: labels.join(" or ");
	const parts = [summary];
	if (expectation.body !== false) {
		parts.push("a JSON error body with non-empty error_msg and error_code");
	}
	if (expectation.contentType) parts.push("Content-Type application/json");
	return parts.join(", ");
}
