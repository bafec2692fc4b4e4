/**
 * Setup file of the `verify` project. When the stage's environment already
 * names the whole target (the gate sets MAAS_ENDPOINT, MAAS_PROJECT_ID,
 * MAAS_AUTH_TOKEN, MAAS_RUN_ID and MAAS_LEDGER_FILE), it starts one
 * verification process per lane while vitest imports the test file.
 * Loading Node, tsx and Pact then overlaps that import instead of delaying
 * the first interactions.
 */
import { loadConfig, toChildEnvironment } from "../../src/config/index.ts";
import { LANE_COUNT } from "./lane-limits.ts";
import { VerificationProcess } from "./verification-process.ts";

let early: VerificationProcess[] = [];
try {
	const config = loadConfig();
	if (
		config.endpoint &&
		config.projectId &&
		config.authToken &&
		config.runId &&
		config.ledgerFile
	) {
		// The environment resolveTarget derives from the same configuration.
		const env = toChildEnvironment(config);
		early = Array.from(
			{ length: LANE_COUNT },
			() => new VerificationProcess(env),
		);
	}
} catch {
	// An invalid configuration is reported by the test file itself.
}

/**
 * Returns the processes started here, once; empty when none was started.
 * The runner uses them only when their environment matches the target's.
 */
export function takeEarlyProcesses(): VerificationProcess[] {
	const taken = early;
	early = [];
	return taken;
}
