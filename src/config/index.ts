/**
 * The configuration of a gate run. This is the only module that reads
 * `process.env`.
 *
 * Precedence, highest first: flags (keyed by variable name), the process
 * environment, the `.env` file, the defaults. A variable set to the empty
 * string counts as unset at its level, so the next level decides. An empty
 * `MAAS_ENDPOINT=` in the shell does not hide the `.env` value, and an empty
 * value everywhere means the default (for MAAS_ENDPOINT, the embedded mock).
 */

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseDotenv } from "dotenv";
import { ConfigError } from "../errors.ts";
import { redact, registerSecret } from "../redact.ts";
import { checkBaseUrl } from "./base-url.ts";
import {
	DEFAULTS,
	IAM_VARIABLES,
	NO_ENV_FILE,
	SECRET_VARIABLES,
	SOURCES,
	VARIABLES,
	type VariableName,
} from "./variables.ts";

export { isLoopbackHost } from "./base-url.ts";
export { PASSED_THROUGH, toChildEnvironment } from "./child-environment.ts";
export {
	DEFAULTS,
	SECRET_VARIABLES,
	SOURCES,
	VARIABLES,
	type VariableName,
} from "./variables.ts";

export interface IamOptions {
	/** Base URL of IAM, e.g. https://iam.<region>.<cloud host>; no default. */
	endpoint: string;
	user: string;
	/** Registered with redact. */
	password: string;
	domain: string;
	/** Token scope: the project name (default MAAS_REGION) or its id. */
	project: { name: string } | { id: string };
}

export interface Config {
	/** MAAS_ENDPOINT without a trailing slash; undefined = start the embedded mock. */
	endpoint: string | undefined;
	/** MAAS_PROJECT_ID. */
	projectId: string | undefined;
	/** MAAS_AUTH_TOKEN, registered with redact. */
	authToken: string | undefined;
	/** The MAAS_IAM_* login, when any of those variables is set. */
	iam: IamOptions | undefined;
	/** MAAS_REGION, default "ap-southeast-1". */
	region: string;
	/** MAAS_NAME_PREFIX, default "conformance-". */
	namePrefix: string;
	/** MAAS_SOURCE, default "custom_from_maas". */
	source: string;
	/** MAAS_MODEL_NAME, default a placeholder model name. */
	modelName: string;
	/** MAAS_REQUEST_TIMEOUT_MS, default 30000. */
	requestTimeoutMs: number;
	/** MAAS_REPORT_DIR, default "reports", absolute (resolved against cwd). */
	reportDir: string;
	/** MAAS_RUN_ID, set by the gate for its stages. */
	runId: string | undefined;
	/** MAAS_LEDGER_FILE, set by the gate for its stages; absolute. */
	ledgerFile: string | undefined;
	/**
	 * MAAS_STAGE_RELEASE_FILE, set by the gate for a stage it starts ahead
	 * of its turn. The stage sends nothing before the file exists. Absolute.
	 */
	stageReleaseFile: string | undefined;
	/** MAAS_GATE_PID, set by the gate for its stages. */
	gatePid: number | undefined;
	/** MAAS_PACT_DIR, default "<project root>/contracts/pacts"; absolute. */
	pactDir: string;
	/** MAAS_CHECK_IAM=true|false; default: true when `iam` is set. */
	iamTarget: boolean;
}

export interface LoadConfigInput {
	/** Default `process.env`. */
	env?: Record<string, string | undefined>;
	/** Command-line values keyed by variable name, e.g. `{ MAAS_ENDPOINT: "..." }`. */
	flags?: Record<string, string | undefined>;
	/**
	 * The `.env` file to read; false reads none. Default: MAAS_ENV_FILE (from
	 * flags or env; "none" reads none), else `<cwd>/.env` when it exists.
	 */
	envFile?: string | false;
	/** Base of relative paths and of the default `.env`; default `process.cwd()`. */
	cwd?: string;
}

/** The repository root, two levels above this file. */
export const PROJECT_ROOT = resolve(
	fileURLToPath(new URL("../..", import.meta.url)),
);

const NAME_PREFIX = /^[A-Za-z][A-Za-z0-9._-]{0,39}$/;
const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const RUN_ID = /^[a-z0-9]{4,16}$/;
// NOTE: the Create and Query pages describe a project id as 32 lowercase
// letters and digits. Other regions and clouds may differ, so this accepts
// any 1-64 characters of [A-Za-z0-9_-], which still keeps the value safe
// inside a URL path.
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TIMEOUT_MIN_MS = 100;
const TIMEOUT_MAX_MS = 600_000;

type Origin = "flag" | "environment" | "file";

interface Lookup {
	get(name: VariableName): string | undefined;
	origin(name: VariableName): string;
}

/** Reads, validates and freezes the configuration; throws ConfigError. */
export function loadConfig(input: LoadConfigInput = {}): Readonly<Config> {
	const cwd = input.cwd ?? process.cwd();
	const env = input.env ?? process.env;
	const flags = input.flags ?? {};
	for (const key of Object.keys(flags)) {
		if (!(VARIABLES as readonly string[]).includes(key)) {
			throw new ConfigError(
				key,
				`${key} is not a configuration variable; use one of ${VARIABLES.join(", ")}`,
			);
		}
	}
	rejectUnknownEnvironmentVariables(env);
	const fileValues = readEnvFile(input.envFile, flags, env, cwd);
	const lookup = makeLookup(flags, env, fileValues);
	// Secrets are registered before validation, so that an error about any
	// variable (a token pasted into the wrong one, say) cannot quote them.
	for (const name of SECRET_VARIABLES) {
		const value = lookup.get(name as VariableName);
		if (value !== undefined) registerSecret(value);
	}
	let config: Config;
	try {
		config = buildConfig(lookup, cwd);
		rejectSettingsWithoutEndpoint(config, lookup);
	} catch (error) {
		if (error instanceof ConfigError) {
			throw new ConfigError(error.variable, redact(error.message));
		}
		throw error;
	}
	return deepFreeze(config);
}

/**
 * A misspelt variable name would otherwise be ignored, and the gate would
 * check its embedded region and pass while the real region goes unchecked.
 */
function rejectUnknownEnvironmentVariables(
	env: Record<string, string | undefined>,
): void {
	for (const key of Object.keys(env)) {
		if (
			key.startsWith("MAAS_") &&
			!(VARIABLES as readonly string[]).includes(key)
		) {
			throw new ConfigError(
				key,
				`${key} in the environment is not a configuration variable; correct the name (see .env.example) or unset it`,
			);
		}
	}
}

/**
 * Region settings without MAAS_ENDPOINT mean a forgotten or misspelt
 * endpoint: the gate would check its embedded region and ignore them.
 */
function rejectSettingsWithoutEndpoint(config: Config, lookup: Lookup): void {
	if (config.endpoint !== undefined) return;
	const orphan = (
		["MAAS_AUTH_TOKEN", "MAAS_PROJECT_ID", ...IAM_VARIABLES] as const
	).find((name) => lookup.get(name) !== undefined);
	if (orphan === undefined) return;
	throw new ConfigError(
		orphan,
		`${orphan} is set in ${lookup.origin(orphan)} but MAAS_ENDPOINT is not, so the gate would check its embedded mock region and ignore it; set MAAS_ENDPOINT to the region's base URL or unset ${orphan}`,
	);
}

/** Sets PACT_DO_NOT_TRACK=true so Pact's native core sends no usage data. */
export function disablePactTracking(): void {
	process.env.PACT_DO_NOT_TRACK = "true";
}

function readEnvFile(
	option: string | false | undefined,
	flags: Record<string, string | undefined>,
	env: Record<string, string | undefined>,
	cwd: string,
): { path: string; values: Record<string, string> } | undefined {
	if (option === false) return undefined;
	let path: string;
	let explicit: boolean;
	if (option !== undefined) {
		path = resolve(cwd, option);
		explicit = true;
	} else {
		const named = nonEmpty(flags.MAAS_ENV_FILE) ?? nonEmpty(env.MAAS_ENV_FILE);
		if (named === NO_ENV_FILE) return undefined;
		explicit = named !== undefined;
		path = resolve(cwd, named ?? ".env");
	}
	if (!existsSync(path)) {
		if (!explicit) return undefined;
		throw new ConfigError(
			"MAAS_ENV_FILE",
			`MAAS_ENV_FILE names ${JSON.stringify(path)}, which does not exist; create the file, point MAAS_ENV_FILE at an existing one, or set it to "${NO_ENV_FILE}"`,
		);
	}
	const values = parseDotenv(readFileSync(path));
	for (const key of Object.keys(values)) {
		if (key === "MAAS_ENV_FILE") {
			throw new ConfigError(
				key,
				`MAAS_ENV_FILE is set inside the .env file ${path}, where it has no effect; set it in the environment or remove the line`,
			);
		}
		if (
			key.startsWith("MAAS_") &&
			!(VARIABLES as readonly string[]).includes(key)
		) {
			throw new ConfigError(
				key,
				`${key} in ${path} is not a configuration variable; correct the name (see .env.example) or remove the line`,
			);
		}
	}
	return { path, values };
}

function makeLookup(
	flags: Record<string, string | undefined>,
	env: Record<string, string | undefined>,
	file: { path: string; values: Record<string, string> } | undefined,
): Lookup {
	const find = (
		name: VariableName,
	): { value: string; origin: Origin } | undefined => {
		const fromFlag = nonEmpty(flags[name]);
		if (fromFlag !== undefined) return { value: fromFlag, origin: "flag" };
		const fromEnv = nonEmpty(env[name]);
		if (fromEnv !== undefined) return { value: fromEnv, origin: "environment" };
		const fromFile = nonEmpty(file?.values[name]);
		if (fromFile !== undefined) return { value: fromFile, origin: "file" };
		return undefined;
	};
	return {
		get: (name) => find(name)?.value,
		origin: (name) => {
			switch (find(name)?.origin) {
				case "flag":
					return "the command line";
				case "file":
					return `the .env file ${file?.path}`;
				default:
					return "the environment";
			}
		},
	};
}

function nonEmpty(value: string | undefined): string | undefined {
	return value === undefined || value === "" ? undefined : value;
}

/** The value as a message shows it: quoted, cut, and *** for secrets. */
function shown(name: VariableName, value: string): string {
	if (SECRET_VARIABLES.has(name)) return '"***"';
	// Credentials and query values inside a URL are secrets whatever the
	// variable is.
	const masked = value
		.replace(/\/\/[^/@\s]*@/g, "//***@")
		.replace(/([?&][^=&#]*=)[^&#]*/g, "$1***");
	const cut = masked.length > 120 ? `${masked.slice(0, 120)}...` : masked;
	return JSON.stringify(cut);
}

function invalid(
	lookup: Lookup,
	name: VariableName,
	value: string,
	problem: string,
	fix: string,
): ConfigError {
	return new ConfigError(
		name,
		`${name} (from ${lookup.origin(name)}) is ${shown(name, value)}, which ${problem}; ${fix}`,
	);
}

function baseUrl(lookup: Lookup, name: VariableName): string | undefined {
	const value = lookup.get(name);
	if (value === undefined) return undefined;
	const checked = checkBaseUrl(value);
	if (!checked.ok)
		throw invalid(lookup, name, value, checked.problem, checked.fix);
	return checked.url;
}

function matching(
	lookup: Lookup,
	name: VariableName,
	pattern: RegExp,
	problem: string,
	fix: string,
): string | undefined {
	const value = lookup.get(name);
	if (value !== undefined && !pattern.test(value)) {
		throw invalid(lookup, name, value, problem, fix);
	}
	return value;
}

function buildConfig(lookup: Lookup, cwd: string): Config {
	const endpoint = baseUrl(lookup, "MAAS_ENDPOINT");
	const projectId = matching(
		lookup,
		"MAAS_PROJECT_ID",
		PROJECT_ID,
		"is not 1 to 64 letters, digits, - or _",
		"copy the id of the project from the API credentials page of the console",
	);
	const authToken = lookup.get("MAAS_AUTH_TOKEN");
	if (authToken !== undefined && /[^\x21-\x7e]/.test(authToken)) {
		throw invalid(
			lookup,
			"MAAS_AUTH_TOKEN",
			authToken,
			"contains whitespace, control or non-ASCII characters and cannot be sent in a header",
			"paste the X-Subject-Token value without line breaks",
		);
	}
	const region =
		matching(
			lookup,
			"MAAS_REGION",
			REGION,
			"is not a region id such as ap-southeast-1",
			"set the id of the region the endpoint belongs to",
		) ?? DEFAULTS.MAAS_REGION;
	const iam = buildIam(lookup, region);
	const namePrefix =
		matching(
			lookup,
			"MAAS_NAME_PREFIX",
			NAME_PREFIX,
			"must start with a letter, contain only letters, digits, -, _ and . and be at most 40 characters (names are <prefix><run id>-<n> and must fit 64)",
			`use a short prefix such as "${DEFAULTS.MAAS_NAME_PREFIX}"`,
		) ?? DEFAULTS.MAAS_NAME_PREFIX;
	const source = lookup.get("MAAS_SOURCE") ?? DEFAULTS.MAAS_SOURCE;
	if (!(SOURCES as readonly string[]).includes(source)) {
		throw invalid(
			lookup,
			"MAAS_SOURCE",
			source,
			"is not a documented source",
			`use one of ${SOURCES.join(", ")}`,
		);
	}
	const modelName = lookup.get("MAAS_MODEL_NAME") ?? DEFAULTS.MAAS_MODEL_NAME;
	const requestTimeoutMs = timeout(lookup);
	const runId = matching(
		lookup,
		"MAAS_RUN_ID",
		RUN_ID,
		"is not 4 to 16 lowercase letters and digits",
		"unset it (the gate picks one) or use a value such as a1b2c3d4",
	);
	const reportDir = resolve(
		cwd,
		lookup.get("MAAS_REPORT_DIR") ?? DEFAULTS.MAAS_REPORT_DIR,
	);
	const ledger = lookup.get("MAAS_LEDGER_FILE");
	const ledgerFile = ledger === undefined ? undefined : resolve(cwd, ledger);
	const release = lookup.get("MAAS_STAGE_RELEASE_FILE");
	const stageReleaseFile =
		release === undefined ? undefined : resolve(cwd, release);
	const gatePidText = matching(
		lookup,
		"MAAS_GATE_PID",
		/^[1-9][0-9]{0,9}$/,
		"is not a process id",
		"unset it; the gate sets it for its stages",
	);
	const gatePid = gatePidText === undefined ? undefined : Number(gatePidText);
	// A held stage without the gate's pid could wait for ever.
	if (stageReleaseFile !== undefined && gatePid === undefined) {
		throw new ConfigError(
			"MAAS_GATE_PID",
			"MAAS_STAGE_RELEASE_FILE is set but MAAS_GATE_PID is not; only the gate sets them, for the stages it holds, so unset MAAS_STAGE_RELEASE_FILE",
		);
	}
	const pact = lookup.get("MAAS_PACT_DIR");
	const pactDir =
		pact === undefined
			? resolve(PROJECT_ROOT, "contracts", "pacts")
			: resolve(cwd, pact);
	const iamTarget = checkIam(lookup, iam !== undefined);

	if (endpoint !== undefined) {
		if (authToken === undefined && iam === undefined) {
			throw new ConfigError(
				"MAAS_AUTH_TOKEN",
				`MAAS_ENDPOINT is ${JSON.stringify(endpoint)} but neither MAAS_AUTH_TOKEN nor an IAM login is configured; set MAAS_AUTH_TOKEN to a project-scoped IAM token or set MAAS_IAM_ENDPOINT, MAAS_IAM_USER, MAAS_IAM_PASSWORD and MAAS_IAM_DOMAIN`,
			);
		}
		if (projectId === undefined && iam === undefined) {
			throw new ConfigError(
				"MAAS_PROJECT_ID",
				`MAAS_PROJECT_ID is not set, but MAAS_ENDPOINT is ${JSON.stringify(endpoint)} and without an IAM login the project cannot be derived from the token; set MAAS_PROJECT_ID to the id of the project the token is scoped to`,
			);
		}
		if (iamTarget && iam === undefined) {
			throw new ConfigError(
				"MAAS_CHECK_IAM",
				`MAAS_CHECK_IAM is "true" but no IAM login is configured for ${JSON.stringify(endpoint)}; set the MAAS_IAM_* variables or set MAAS_CHECK_IAM to false`,
			);
		}
	}

	return {
		endpoint,
		projectId,
		authToken,
		iam,
		region,
		namePrefix,
		source,
		modelName,
		requestTimeoutMs,
		reportDir,
		runId,
		ledgerFile,
		stageReleaseFile,
		gatePid,
		pactDir,
		iamTarget,
	};
}

function buildIam(lookup: Lookup, region: string): IamOptions | undefined {
	const given = IAM_VARIABLES.filter((name) => lookup.get(name) !== undefined);
	if (given.length === 0) return undefined;
	const required = [
		"MAAS_IAM_ENDPOINT",
		"MAAS_IAM_USER",
		"MAAS_IAM_PASSWORD",
		"MAAS_IAM_DOMAIN",
	] as const;
	for (const name of required) {
		if (lookup.get(name) === undefined) {
			throw new ConfigError(
				name,
				`${name} is not set, but ${given.join(", ")} ${given.length === 1 ? "is" : "are"}, and an IAM login needs ${required.join(", ")}; set ${name} or unset every MAAS_IAM_* variable`,
			);
		}
	}
	// No default IAM host: the gate must never aim a password at a host the
	// user did not name.
	const endpoint = baseUrl(lookup, "MAAS_IAM_ENDPOINT") as string;
	const projectName = lookup.get("MAAS_IAM_PROJECT");
	const projectIdValue = lookup.get("MAAS_IAM_PROJECT_ID");
	if (projectName !== undefined && projectIdValue !== undefined) {
		throw new ConfigError(
			"MAAS_IAM_PROJECT_ID",
			`MAAS_IAM_PROJECT_ID is ${JSON.stringify(projectIdValue)} and MAAS_IAM_PROJECT is ${JSON.stringify(projectName)}, but the token can be scoped by only one of them; unset one`,
		);
	}
	if (projectIdValue !== undefined && !PROJECT_ID.test(projectIdValue)) {
		throw invalid(
			lookup,
			"MAAS_IAM_PROJECT_ID",
			projectIdValue,
			"is not 1 to 64 letters, digits, - or _",
			"copy the id of the project from the API credentials page of the console",
		);
	}
	return {
		endpoint,
		user: lookup.get("MAAS_IAM_USER") as string,
		password: lookup.get("MAAS_IAM_PASSWORD") as string,
		domain: lookup.get("MAAS_IAM_DOMAIN") as string,
		project:
			projectIdValue !== undefined
				? { id: projectIdValue }
				: { name: projectName ?? region },
	};
}

function timeout(lookup: Lookup): number {
	const value =
		lookup.get("MAAS_REQUEST_TIMEOUT_MS") ?? DEFAULTS.MAAS_REQUEST_TIMEOUT_MS;
	const number = /^[0-9]{1,7}$/.test(value) ? Number(value) : Number.NaN;
	if (!(number >= TIMEOUT_MIN_MS && number <= TIMEOUT_MAX_MS)) {
		throw invalid(
			lookup,
			"MAAS_REQUEST_TIMEOUT_MS",
			value,
			`is not a whole number of milliseconds from ${TIMEOUT_MIN_MS} to ${TIMEOUT_MAX_MS}`,
			`set it to a value such as ${DEFAULTS.MAAS_REQUEST_TIMEOUT_MS} or unset it for the default`,
		);
	}
	return number;
}

function checkIam(lookup: Lookup, iamConfigured: boolean): boolean {
	const value = lookup.get("MAAS_CHECK_IAM");
	if (value === undefined) return iamConfigured;
	const lower = value.toLowerCase();
	if (lower !== "true" && lower !== "false") {
		throw invalid(
			lookup,
			"MAAS_CHECK_IAM",
			value,
			"is neither true nor false",
			"set it to true or false, or unset it to check IAM exactly when an IAM login is configured",
		);
	}
	return lower === "true";
}

function deepFreeze<T>(value: T): Readonly<T> {
	if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
		for (const inner of Object.values(value)) deepFreeze(inner);
		Object.freeze(value);
	}
	return value;
}
