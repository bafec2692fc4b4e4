/** Help texts of `maas-conformance` and its subcommands. */

/** Help lines of each configuration flag, keyed by flag name. */
const CONFIG_FLAG_LINES: ReadonlyArray<readonly [string, string]> = [
	[
		"endpoint",
		`  --endpoint URL            MAAS_ENDPOINT: base URL of the region (https; http
                            only on loopback).`,
	],
	[
		"project-id",
		"  --project-id ID           MAAS_PROJECT_ID: project ID in the API paths",
	],
	[
		"auth-token",
		"  --auth-token TOKEN        MAAS_AUTH_TOKEN: IAM token sent as X-Auth-Token",
	],
	[
		"iam-endpoint",
		"  --iam-endpoint URL        MAAS_IAM_ENDPOINT: IAM base URL for a password login",
	],
	["iam-user", "  --iam-user NAME           MAAS_IAM_USER"],
	["iam-password", "  --iam-password PASSWORD   MAAS_IAM_PASSWORD"],
	[
		"iam-domain",
		"  --iam-domain NAME         MAAS_IAM_DOMAIN: account (domain) name",
	],
	[
		"iam-project",
		`  --iam-project NAME        MAAS_IAM_PROJECT: project to scope the token to
                            (default: the region)`,
	],
	[
		"iam-project-id",
		"  --iam-project-id ID       MAAS_IAM_PROJECT_ID: scope by project ID instead",
	],
	[
		"region",
		"  --region NAME             MAAS_REGION (default ap-southeast-1)",
	],
	[
		"name-prefix",
		`  --name-prefix PREFIX      MAAS_NAME_PREFIX: prefix of the endpoint names the
                            run creates (default conformance-)`,
	],
	[
		"source",
		`  --source SOURCE           MAAS_SOURCE: custom_from_maas (default) or
                            custom_from_modelarts_v2`,
	],
	[
		"model-name",
		"  --model-name NAME         MAAS_MODEL_NAME: model of the endpoints created",
	],
	[
		"request-timeout-ms",
		"  --request-timeout-ms N    MAAS_REQUEST_TIMEOUT_MS: per request (default 30000)",
	],
	[
		"report-dir",
		"  --report-dir DIR          MAAS_REPORT_DIR: where reports go (default reports)",
	],
];

/**
 * Returns the help of the configuration flags, without those in `unused`;
 * `endpointUnset` is what an unset MAAS_ENDPOINT means for the command.
 */
function configFlagHelp(endpointUnset: string, unused: string[] = []): string {
	const lines = CONFIG_FLAG_LINES.filter(
		([flag]) => !unused.includes(flag),
	).map(([flag, text]) =>
		flag === "endpoint" ? `${text} ${endpointUnset}` : text,
	);
	return [
		"Configuration flags (each wins over the variable of the same name in the",
		"environment or the .env file):",
		...lines,
		'Flags take "--flag value" or "--flag=value".',
	].join("\n");
}

export const MAIN_USAGE = `Usage: maas-conformance <command> [flags]

Checks a Huawei Cloud MaaS region's custom-endpoint API against its
documentation: Pact contracts, their provider verification and live probes.

Commands:
  gate         run the conformance gate (default target: the embedded mock region)
  mock-region  start the mock region on 127.0.0.1 and print how to point the gate at it
  sweep        list (and with --delete, delete) endpoints left by earlier runs
  help         show this text, or "help <command>" for one command

Exit codes: 0 the region conforms, 1 a check failed, 2 the gate could not
start (bad configuration, login refused, region unreachable, not enough quota)
or the command line is wrong, 130/143 stopped by SIGINT/SIGTERM.`;

export const GATE_USAGE = `Usage: maas-conformance gate [--dry-run] [configuration flags]

Runs the stages contracts, verify and probes against the region, deletes every
endpoint the run created, and writes reports/junit.xml and reports/summary.txt.

  --dry-run               print the plan (stages, requests, endpoints and
                          names the run will use) without sending a request
                          or writing a file
  --stage-timeout-ms N    limit of each stage in milliseconds; a stage over it
                          is killed and fails (default: 20 request timeouts,
                          from 2 to 30 minutes)
  --help                  show this text

${configFlagHelp("Unset: the embedded\n                            mock region.")}`;

export const MOCK_REGION_USAGE = `Usage: maas-conformance mock-region [flags]

Starts the mock region on 127.0.0.1, prints its URL, project ID, a token and
the environment lines that point the gate at it, and runs until SIGINT or
SIGTERM.

  --port N                   listen port (default 0: any free port)
  --project-id ID            project ID (default: random 32 hex digits)
  --region NAME              IAM project name of the project (default ap-southeast-1)
  --quota N                  quantity_limit (default 10; the docs also say 30)
  --deviation NAME           break one documented rule on purpose; repeatable
  --delay-ms N               wait N ms before every response
  --not-found-status 400|404 status for an unknown endpoint id (default 400)
  --create-status 200|201    success status of create (default 200)
  --create-without-id        create answers without the new endpoint's id
  --edit-status 200|204      success status of edit (default 200)
  --extra-fields             add undocumented fields to every JSON body
  --invalid-token-style gateway|delete-example
                             answer to an unknown token (default gateway)
  --list-deviations          print the deviation names and exit
  --help                     show this text`;

export const SWEEP_USAGE = `Usage: maas-conformance sweep [--delete] [configuration flags]

Lists the endpoints of the account that earlier runs left behind: names of
the form <prefix><run id>-<n> (run id: 8 lowercase letters or digits) and
ids recorded in <report dir>/ledger-*.jsonl. Deletes them only with --delete,
and never any other endpoint. Exit 0, or 1 if a delete failed.

  --delete    delete the endpoints listed
  --help      show this text

${configFlagHelp("Required: the region\n                            to sweep.", ["source", "model-name"])}`;

export const USAGES: Readonly<Record<string, string>> = Object.freeze({
	gate: GATE_USAGE,
	"mock-region": MOCK_REGION_USAGE,
	sweep: SWEEP_USAGE,
	help: MAIN_USAGE,
});
