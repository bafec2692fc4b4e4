/**
 * Setup file of the `verify` project. When the stage's environment already
 * names the whole target (the gate sets MAAS_ENDPOINT, MAAS_PROJECT_ID,
 * MAAS_AUTH_TOKEN, MAAS_RUN_ID and MAAS_LEDGER_FILE), it starts the
 * verification process while vitest imports the test file. Loading Node,
 * tsx and Pact then overlaps that import instead of delaying the first
 * interaction.
 */
import { loadConfig, toChildEnvironment } from "../../src/config/index.ts";
import { VerificationProcess } from "./verification-process.ts";

let early: VerificationProcess | undefined;
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
		early = new VerificationProcess(toChildEnvironment(config));
	}
} catch {
	// An invalid configuration is reported by the test file itself.
}

/**
 * Returns the process started here, once; undefined when none was started.
 * The runner uses it only when its environment matches the target's.
 */
export function takeEarlyProcess(): VerificationProcess | undefined {
	const taken = early;
	early = undefined;
	return taken;
}
