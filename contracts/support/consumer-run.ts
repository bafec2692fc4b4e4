/**
 * Runs the Pact consumer tests (vitest project `contracts`) in a child
 * process that writes its pact files to a folder of the caller's choice,
 * so the committed files can be compared with, or replaced by, a fresh
 * result. The child gets a clean configuration: no target, no secrets.
 */
import { loadConfig, toChildEnvironment } from "../../src/config/index.ts";
import { runVitestProject, type VitestRun } from "./vitest-run.ts";

export function runConsumerTests(options: {
	pactDir: string;
	reportDir: string;
	/** Default 180 000 ms. */
	timeoutMs?: number;
}): Promise<VitestRun> {
	const config = loadConfig({ env: {}, envFile: false });
	return runVitestProject({
		project: "contracts",
		env: toChildEnvironment(config, {
			MAAS_PACT_DIR: options.pactDir,
			MAAS_REPORT_DIR: options.reportDir,
			PACT_DO_NOT_TRACK: "true",
		}),
		timeoutMs: options.timeoutMs ?? 180_000,
	});
}
