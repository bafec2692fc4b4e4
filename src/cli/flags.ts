import { type ParseArgsConfig, parseArgs } from "node:util";

/**
 * Command-line flags that set a configuration variable. A flag wins over the
 * environment and the `.env` file; `loadConfig({ flags })` gets them keyed
 * by variable name.
 */
export const CONFIG_FLAGS = Object.freeze({
	endpoint: "MAAS_ENDPOINT",
	"project-id": "MAAS_PROJECT_ID",
	"auth-token": "MAAS_AUTH_TOKEN",
	"iam-endpoint": "MAAS_IAM_ENDPOINT",
	"iam-user": "MAAS_IAM_USER",
	"iam-password": "MAAS_IAM_PASSWORD",
	"iam-domain": "MAAS_IAM_DOMAIN",
	"iam-project": "MAAS_IAM_PROJECT",
	"iam-project-id": "MAAS_IAM_PROJECT_ID",
	region: "MAAS_REGION",
	"name-prefix": "MAAS_NAME_PREFIX",
	source: "MAAS_SOURCE",
	"model-name": "MAAS_MODEL_NAME",
	"request-timeout-ms": "MAAS_REQUEST_TIMEOUT_MS",
	"report-dir": "MAAS_REPORT_DIR",
} as const);

export type ConfigFlag = keyof typeof CONFIG_FLAGS;

/** A command line the program cannot run; main prints it with the usage, exit 2. */
export class UsageError extends Error {
	readonly command: string | undefined;

	constructor(message: string, command?: string) {
		super(message);
		this.name = "UsageError";
		this.command = command;
	}
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export const CONFIG_FLAG_OPTIONS: Options = Object.fromEntries(
	Object.keys(CONFIG_FLAGS).map((flag) => [flag, { type: "string" }]),
);

export interface ParsedFlags {
	values: Record<string, string | boolean | string[] | undefined>;
	positionals: string[];
}

/**
 * Parses the flags of one subcommand with `node:util` parseArgs (strict:
 * unknown flags and missing values are errors). Accepts `--x=v` and `--x v`.
 */
export function parseFlags(
	command: string,
	args: readonly string[],
	options: Options,
	allowPositionals = false,
): ParsedFlags {
	try {
		const parsed = parseArgs({
			args: [...args],
			options: { ...options, help: { type: "boolean", short: "h" } },
			strict: true,
			allowPositionals,
		});
		return {
			values: parsed.values as ParsedFlags["values"],
			positionals: parsed.positionals,
		};
	} catch (error) {
		throw new UsageError(describeParseError(command, error), command);
	}
}

function describeParseError(command: string, error: unknown): string {
	const code = (error as { code?: string }).code;
	const message = error instanceof Error ? error.message : String(error);
	const option = /'(-[^' ]*)/.exec(message)?.[1];
	switch (code) {
		case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
			return `unknown flag ${option ?? message} for "${command}"; run "maas-conformance ${command} --help" for the flags it takes.`;
		case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
			return `flag ${option ?? "--flag"} of "${command}" needs a value, as in ${option ?? "--flag"}=VALUE.`;
		case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
			return `"${command}" takes no arguments besides flags, but got ${/'([^']*)'/.exec(message)?.[1] ?? message}.`;
		default:
			return `cannot read the command line of "${command}": ${message}`;
	}
}

/** Returns the config flags that were given, keyed by variable name. */
export function configFlagsOf(
	values: ParsedFlags["values"],
): Record<string, string> {
	const flags: Record<string, string> = {};
	for (const [flag, variable] of Object.entries(CONFIG_FLAGS)) {
		const value = values[flag];
		if (typeof value === "string") flags[variable] = value;
	}
	return flags;
}
