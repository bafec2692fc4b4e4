/**
 * Every configuration variable the gate reads. `.env.example` documents each
 * of them; a unit test keeps the two lists equal.
 */

export const VARIABLES = [
	"MAAS_ENDPOINT",
	"MAAS_PROJECT_ID",
	"MAAS_AUTH_TOKEN",
	"MAAS_IAM_ENDPOINT",
	"MAAS_IAM_USER",
	"MAAS_IAM_PASSWORD",
	"MAAS_IAM_DOMAIN",
	"MAAS_IAM_PROJECT",
	"MAAS_IAM_PROJECT_ID",
	"MAAS_CHECK_IAM",
	"MAAS_REGION",
	"MAAS_NAME_PREFIX",
	"MAAS_SOURCE",
	"MAAS_MODEL_NAME",
	"MAAS_REQUEST_TIMEOUT_MS",
	"MAAS_REPORT_DIR",
	"MAAS_PACT_DIR",
	"MAAS_RUN_ID",
	"MAAS_LEDGER_FILE",
	"MAAS_STAGE_RELEASE_FILE",
	"MAAS_GATE_PID",
	"MAAS_ENV_FILE",
] as const;

export type VariableName = (typeof VARIABLES)[number];

/** Values that are shown as *** in messages and registered with redact. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
	"MAAS_AUTH_TOKEN",
	"MAAS_IAM_PASSWORD",
]);

/** The IAM login group: setting any of them turns the IAM login on. */
export const IAM_VARIABLES = [
	"MAAS_IAM_ENDPOINT",
	"MAAS_IAM_USER",
	"MAAS_IAM_PASSWORD",
	"MAAS_IAM_DOMAIN",
	"MAAS_IAM_PROJECT",
	"MAAS_IAM_PROJECT_ID",
] as const;

/**
 * Defaults of the variables that have one. MAAS_IAM_PROJECT defaults to
 * MAAS_REGION and MAAS_PACT_DIR to `<project root>/contracts/pacts`; both
 * are derived in `loadConfig`.
 */
export const DEFAULTS = Object.freeze({
	MAAS_REGION: "ap-southeast-1",
	MAAS_NAME_PREFIX: "conformance-",
	MAAS_SOURCE: "custom_from_maas",
	MAAS_MODEL_NAME: "conformance-placeholder-model",
	MAAS_REQUEST_TIMEOUT_MS: "30000",
	MAAS_REPORT_DIR: "reports",
} satisfies Partial<Record<VariableName, string>>);

/** The two `source` values of the Create page (api-maas-0013). */
export const SOURCES = [
	"custom_from_maas",
	"custom_from_modelarts_v2",
] as const;

/**
 * `MAAS_ENV_FILE=none` makes `loadConfig` read no `.env` file. The gate sets
 * it for its child stages, whose environment is already complete.
 */
export const NO_ENV_FILE = "none";
