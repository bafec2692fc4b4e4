import type { Config } from "./index.ts";
import { NO_ENV_FILE } from "./variables.ts";

/**
 * Variables of the parent process a child stage still needs: PATH to find
 * node, HOME and TMPDIR for caches and temp files, LANG and TERM for output,
 * CI so tools keep their CI behaviour, NODE_DEBUG so `NODE_DEBUG=maas` reaches
 * the stages. Nothing else is passed on; NODE_OPTIONS in particular is left
 * out, so a parent's loaders or inspector flags do not leak into the stages.
 */
export const PASSED_THROUGH = [
	"PATH",
	"HOME",
	"TMPDIR",
	"LANG",
	"CI",
	"NODE_DEBUG",
	"TERM",
] as const;

/**
 * The environment of a child stage: the MAAS_* variables that are set in
 * `config` (MAAS_CHECK_IAM only when it is not the default), `PACT_DO_NOT_TRACK=true`, MAAS_ENV_FILE=none (the environment is
 * complete, so the child must not mix in a `.env` file), the variables in
 * PASSED_THROUGH, and `extra`, which wins over all of them.
 */
export function toChildEnvironment(
	config: Config,
	extra: Record<string, string> = {},
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of PASSED_THROUGH) {
		const value = process.env[name];
		if (value !== undefined && value !== "") out[name] = value;
	}
	const set = (name: string, value: string | undefined): void => {
		if (value !== undefined && value !== "") out[name] = value;
	};
	set("MAAS_ENDPOINT", config.endpoint);
	set("MAAS_PROJECT_ID", config.projectId);
	set("MAAS_AUTH_TOKEN", config.authToken);
	if (config.iam) {
		set("MAAS_IAM_ENDPOINT", config.iam.endpoint);
		set("MAAS_IAM_USER", config.iam.user);
		set("MAAS_IAM_PASSWORD", config.iam.password);
		set("MAAS_IAM_DOMAIN", config.iam.domain);
		if ("id" in config.iam.project) {
			set("MAAS_IAM_PROJECT_ID", config.iam.project.id);
		} else {
			set("MAAS_IAM_PROJECT", config.iam.project.name);
		}
	}
	// Only a value that differs from the default goes out, so a gate that adds
	// the embedded mock's MAAS_IAM_* in `extra` gets the IAM check there.
	if (config.iamTarget !== (config.iam !== undefined)) {
		set("MAAS_CHECK_IAM", String(config.iamTarget));
	}
	set("MAAS_REGION", config.region);
	set("MAAS_NAME_PREFIX", config.namePrefix);
	set("MAAS_SOURCE", config.source);
	set("MAAS_MODEL_NAME", config.modelName);
	set("MAAS_REQUEST_TIMEOUT_MS", String(config.requestTimeoutMs));
	set("MAAS_REPORT_DIR", config.reportDir);
	set("MAAS_PACT_DIR", config.pactDir);
	set("MAAS_RUN_ID", config.runId);
	set("MAAS_LEDGER_FILE", config.ledgerFile);
	// A process of a held stage ends itself when the gate is gone. The
	// release file is not passed on, so a child never waits for it.
	set(
		"MAAS_GATE_PID",
		config.gatePid === undefined ? undefined : String(config.gatePid),
	);
	out.MAAS_ENV_FILE = NO_ENV_FILE;
	out.PACT_DO_NOT_TRACK = "true";
	return { ...out, ...extra };
}
