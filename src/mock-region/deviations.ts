/**
 * Named deviations: each makes the mock break exactly one documented rule,
 * so a detection test can check that the gate notices that rule failing.
 */

export const DEVIATIONS = Object.freeze({
	"delete-200-json":
		'a successful delete returns 200 with {"result":"deleted"} and deletes',
	"delete-204-body":
		"a successful delete returns 204 with Content-Length: 2 and the body {}",
	"delete-204-chunked":
		"a successful delete returns 204 with Transfer-Encoding: chunked and an empty chunked body",
	"delete-204-wrong-length":
		"a successful delete returns 204 with Content-Length: 5 and no body bytes",
	"delete-keeps-endpoint": "a delete returns 204 but deletes nothing",
	"delete-repeat-accepted": "deleting an already deleted id returns 204 again",
	"delete-unknown-accepted": "deleting an id that never existed returns 204",
	"delete-unknown-500":
		"deleting an id that never existed returns 500 with a JSON error body",
	"delete-without-token":
		"a DELETE without X-Auth-Token is processed as if authorised",
	"delete-any-token":
		"a DELETE with an unknown token is processed as if authorised",
	"delete-ignores-project":
		"a DELETE with a valid token and another project_id in the path deletes the endpoint of the token's project",
	"delete-malformed-id-500": "a DELETE whose id is not a UUID returns 500",
	"delete-reset":
		"a DELETE of an existing endpoint deletes it, then resets the connection without a response",
	"delete-never-responds":
		"a DELETE of an existing endpoint deletes it and never sends a response until close()",
	"error-no-error-code": "every error body lacks error_code",
	"error-code-not-string":
		"every error body has error_code as a number, for example 6291",
	"error-html": "every 4xx error is an HTML page labelled text/html",
	"error-text-plain":
		"every error body is the documented JSON labelled Content-Type: text/plain",
	"error-truncated-json":
		"every error body is cut in the middle of the JSON, with a Content-Length that matches the cut",
	"name-reusable-after-delete":
		"the name of a deleted endpoint can be used again",
	"name-duplicate-allowed": "the name of a live endpoint can be used again",
	"create-missing-name-accepted":
		"a create without endpoint_name succeeds with a generated name",
	"create-invalid-name-accepted": "a create with an invalid name succeeds",
	"create-not-listed":
		"a create succeeds but the endpoint never appears in the list",
	"list-count-missing": "the list body lacks quantity_limit and count",
	"list-oversized":
		"the list body is valid JSON padded with whitespace to 64 MiB",
	"edit-ignored": "an edit returns success but changes nothing",
	"edit-unknown-accepted": "an edit of an unknown id returns 200",
	"control-200-json": "enable/disable returns 200 with a JSON body",
	"control-unknown-accepted": "enable/disable of an unknown id returns 204",
	"control-any-action": "enable/disable accepts any action value with 204",
	"iam-token-in-body":
		"IAM returns 200 with the token only in the body and no X-Subject-Token header",
	"iam-any-password": "IAM issues a token for a wrong password",
} as const);

export type DeviationName = keyof typeof DEVIATIONS;

export function isDeviationName(value: string): value is DeviationName {
	return Object.hasOwn(DEVIATIONS, value);
}

/**
 * Checks a list of deviation names and returns them as a set.
 * Throws a TypeError that lists the valid names when one is unknown.
 */
export function parseDeviations(
	names: readonly string[] | undefined,
): ReadonlySet<DeviationName> {
	const result = new Set<DeviationName>();
	for (const name of names ?? []) {
		if (!isDeviationName(name)) {
			throw new TypeError(
				`unknown mock region deviation ${JSON.stringify(name)}; valid names: ${Object.keys(DEVIATIONS).join(", ")}`,
			);
		}
		result.add(name);
	}
	return result;
}
