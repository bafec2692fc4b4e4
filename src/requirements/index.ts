/**
 * The catalogue of documented rules the probes check. Each entry is one
 * requirement with a stable ID. Reports, JUnit properties and comparisons
 * between runs key on the ID, so an ID is never renamed: retire it and add a
 * new one instead. `rule` is written in our own words from the public pages.
 */

export type RequirementLevel = "MUST" | "SHOULD";

export interface Requirement {
	/** Stable ID, upper case words joined by "-". */
	readonly id: string;
	/** Short phrase shown after the ID in the test name. */
	readonly title: string;
	/** The rule in one or two sentences. */
	readonly rule: string;
	readonly level: RequirementLevel;
	/** The public page the rule comes from. */
	readonly source: string;
	/** Further public pages the rule relies on. */
	readonly seeAlso?: readonly string[];
	/** Documented alternatives, where the public pages disagree. */
	readonly alternatives?: readonly string[];
}

const PAGES = "https://support.huaweicloud.com/intl/en-us/api-maas";
const CREATE_PAGE = `${PAGES}/api-maas-0013.html`;
const EDIT_PAGE = `${PAGES}/api-maas-0014.html`;
const QUERY_PAGE = `${PAGES}/api-maas-0015.html`;
const DELETE_PAGE = `${PAGES}/api-maas-0016.html`;
const CONTROL_PAGE = `${PAGES}/api-maas-0017.html`;
const ERROR_CODE_PAGE = `${PAGES}/ErrorCode.html`;
const IAM_TOKEN_PAGE =
	"https://support.huaweicloud.com/intl/en-us/api-iam/iam_30_0001.html";

/** The two documented responses for an endpoint id that does not exist. */
const NOT_FOUND_ALTERNATIVES = [
	"400 ModelArts.6291 (ErrorCode.html)",
	"404 (api-maas-0017 and the api-maas-0016 example)",
] as const;

/** The two documented responses for a missing or invalid token. */
const TOKEN_ALTERNATIVES = [
	"401 APIGW.0301 (API Gateway)",
	"404 ModelArts.0104 (api-maas-0016 example)",
] as const;

const CATALOGUE: Requirement[] = [
	{
		id: "DELETE-204-EMPTY",
		title: "successful delete returns 204 with no body",
		rule: "A successful delete returns 204 with zero body bytes on the wire: Content-Length absent or 0 and no Transfer-Encoding.",
		level: "MUST",
		source: DELETE_PAGE,
	},
	{
		id: "DELETE-REMOVES-ENDPOINT",
		title: "deleted endpoint leaves the list",
		rule: "Once the delete has returned, the endpoint no longer appears in the endpoint list.",
		level: "MUST",
		source: DELETE_PAGE,
		seeAlso: [QUERY_PAGE],
	},
	{
		id: "DELETE-REPEAT-REJECTED",
		title: "second delete of the same id is rejected",
		rule: "Deleting an id that was already deleted is rejected with a not-found client error and a valid error body.",
		level: "MUST",
		source: DELETE_PAGE,
		seeAlso: [ERROR_CODE_PAGE, CONTROL_PAGE],
		alternatives: NOT_FOUND_ALTERNATIVES,
	},
	{
		id: "DELETE-UNKNOWN-REJECTED",
		title: "delete of an unknown id is rejected",
		rule: "Deleting an id that never existed is rejected with a not-found client error and a valid error body; never a 2xx, never a 5xx.",
		level: "MUST",
		source: DELETE_PAGE,
		seeAlso: [ERROR_CODE_PAGE, CONTROL_PAGE],
		alternatives: NOT_FOUND_ALTERNATIVES,
	},
	{
		id: "DELETE-TOKEN-REQUIRED",
		title: "delete without a token is rejected",
		rule: "A delete without X-Auth-Token is rejected with a 4xx and a valid error body, and the endpoint stays in the list.",
		level: "MUST",
		source: DELETE_PAGE,
		seeAlso: [ERROR_CODE_PAGE],
		alternatives: TOKEN_ALTERNATIVES,
	},
	{
		id: "DELETE-TOKEN-VALIDATED",
		title: "delete with an invalid token is rejected",
		rule: "A delete with a token the region did not issue is rejected with a 4xx and a valid error body, and the endpoint stays in the list.",
		level: "MUST",
		source: DELETE_PAGE,
		seeAlso: [ERROR_CODE_PAGE],
		alternatives: TOKEN_ALTERNATIVES,
	},
	{
		id: "DELETE-PROJECT-SCOPED",
		title: "delete under another project id is rejected",
		rule: "A delete with a valid token but another project's id in the path is rejected with a 4xx and a valid error body, and the endpoint stays in the list.",
		level: "MUST",
		source: DELETE_PAGE,
	},
	{
		id: "DELETE-MALFORMED-ID-SAFE",
		title: "malformed ids never cause a 5xx or a 2xx",
		rule: "A delete whose id is malformed (4096 characters, non-ASCII, an encoded slash, %00, dot segments) gets neither a 5xx nor a 2xx.",
		level: "MUST",
		source: DELETE_PAGE,
	},
	{
		id: "ERROR-BODY-SCHEMA",
		title: "error bodies carry error_msg and error_code",
		rule: "Error responses carry a JSON object body whose error_msg and error_code are non-empty strings.",
		level: "MUST",
		source: ERROR_CODE_PAGE,
		seeAlso: [DELETE_PAGE, CONTROL_PAGE],
	},
	{
		id: "ERROR-CONTENT-TYPE-JSON",
		title: "error responses are labelled application/json",
		rule: "Error responses have Content-Type application/json; a charset parameter is allowed.",
		level: "MUST",
		source: ERROR_CODE_PAGE,
	},
	{
		id: "NAME-UNIQUE-LIVE",
		title: "name of a live endpoint cannot be used again",
		rule: "A create with the name of a live endpoint is rejected with 400 ModelArts.6271.",
		level: "MUST",
		source: CREATE_PAGE,
		seeAlso: [ERROR_CODE_PAGE],
	},
	{
		id: "NAME-NEVER-REUSED",
		title: "name of a deleted endpoint cannot be used again",
		rule: "A create with the name of a deleted endpoint is rejected with 400 ModelArts.6271: a name stays taken after its endpoint is deleted.",
		level: "MUST",
		source: CREATE_PAGE,
		seeAlso: [DELETE_PAGE, ERROR_CODE_PAGE],
	},
	{
		id: "CREATE-SUCCEEDS",
		title: "valid create succeeds and is listed",
		rule: "A valid create returns 200 or 201 (the success status is not documented) and the endpoint then appears in the list under its name; its id comes from the response, else from the list.",
		level: "MUST",
		source: CREATE_PAGE,
		seeAlso: [QUERY_PAGE],
		alternatives: ["200", "201", "id in the response", "id from the list"],
	},
	{
		id: "CREATE-NAME-REQUIRED",
		title: "create without endpoint_name is rejected",
		rule: "A create without endpoint_name is rejected with 400 ModelArts.0104.",
		level: "MUST",
		source: CREATE_PAGE,
		seeAlso: [ERROR_CODE_PAGE],
	},
	{
		id: "CREATE-NAME-VALIDATED",
		title: "create with an invalid name is rejected",
		rule: "A create with a name every page calls invalid (65 characters, a space, a slash) is rejected with 400 ModelArts.6274.",
		level: "MUST",
		source: CREATE_PAGE,
		seeAlso: [ERROR_CODE_PAGE],
	},
	{
		id: "LIST-SCHEMA",
		title: "list returns the documented body",
		rule: "The list returns 200 with a JSON object of total (integer), count (documented as a string; an integer passes with a warning), items and quantity_limit (integer) with quantity_limit >= total, and every item is a valid CustomEndpointInfo.",
		level: "MUST",
		source: QUERY_PAGE,
		alternatives: ["count as a string", "count as an integer"],
	},
	{
		id: "LIST-QUOTA-DOCUMENTED",
		title: "quota is one of the documented figures",
		rule: "quantity_limit is 10 or 30, the two figures the pages document; another value is a warning.",
		level: "SHOULD",
		source: QUERY_PAGE,
		seeAlso: [CREATE_PAGE],
		alternatives: ["quota 10", "quota 30"],
	},
	{
		id: "EDIT-APPLIES",
		title: "edit is applied",
		rule: "Editing the remark returns 200 or 204 (the success status is not documented) and the list then shows the new remark.",
		level: "MUST",
		source: EDIT_PAGE,
		seeAlso: [QUERY_PAGE],
		alternatives: ["200", "204"],
	},
	{
		id: "EDIT-UNKNOWN-REJECTED",
		title: "edit of an unknown id is rejected",
		rule: "Editing an id that does not exist is rejected with a not-found client error and a valid error body.",
		level: "MUST",
		source: EDIT_PAGE,
		seeAlso: [ERROR_CODE_PAGE],
		alternatives: NOT_FOUND_ALTERNATIVES,
	},
	{
		id: "CONTROL-204-EMPTY",
		title: "deactivate and activate return 204 with no body",
		rule: "Deactivating and then activating an endpoint each return 204 with zero body bytes on the wire.",
		level: "MUST",
		source: CONTROL_PAGE,
	},
	{
		id: "CONTROL-UNKNOWN-REJECTED",
		title: "enable or disable of an unknown id is rejected",
		rule: "Enabling or disabling an id that does not exist is rejected with a not-found client error and a valid error body.",
		level: "MUST",
		source: CONTROL_PAGE,
		seeAlso: [ERROR_CODE_PAGE],
		alternatives: [
			"404 (api-maas-0017)",
			"400 ModelArts.6291 (ErrorCode.html)",
		],
	},
	{
		id: "CONTROL-ACTION-VALIDATED",
		title: "undocumented action is rejected",
		rule: "An action other than activate or deactivate is rejected with a 4xx and a valid error body.",
		level: "MUST",
		source: CONTROL_PAGE,
	},
	{
		id: "IAM-TOKEN-ISSUED",
		title: "IAM password login issues a token",
		rule: "An IAM password login returns 201 with the token in the X-Subject-Token header, and a wrong password is rejected with 401 (tried only on an IAM served from this machine, because a real IAM locks users out after failed logins). Checked only when IAM options are configured.",
		level: "MUST",
		source: IAM_TOKEN_PAGE,
	},
];

export const REQUIREMENTS: readonly Requirement[] = Object.freeze(
	CATALOGUE.map((requirement) => Object.freeze(requirement)),
);

const BY_ID: ReadonlyMap<string, Requirement> = new Map(
	REQUIREMENTS.map((requirement) => [requirement.id, requirement]),
);

/** Looks up the requirement with this ID; throws a TypeError naming an unknown ID. */
export function requirementById(id: string): Requirement {
	const requirement = BY_ID.get(id);
	if (requirement === undefined) {
		throw new TypeError(
			`unknown requirement id ${JSON.stringify(id)}; add it to src/requirements/index.ts or use one of ${[...BY_ID.keys()].join(", ")}`,
		);
	}
	return requirement;
}
