/**
 * Runs the whole gate once as a child process (`node --import tsx
 * src/cli/main.ts gate`), pointed at a region by MAAS_ENDPOINT,
 * MAAS_PROJECT_ID and MAAS_AUTH_TOKEN, with its reports in `reportDir`.
 * Its output goes to `<reportDir>/gate-output.txt`, not to the console.
 */

import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { PASSED_THROUGH } from "../config/child-environment.ts";
import { PROJECT_ROOT } from "../config/index.ts";
import { NO_ENV_FILE } from "../config/variables.ts";

export interface GateRegion {
	url: string;
	projectId: string;
	token: string;
}

export interface GateProcessResult {
	/** Undefined when the process ended by a signal. */
	exitCode: number | undefined;
	/** When the process was started, ms since the Unix epoch. */
	startedAtMs: number;
	wallMs: number;
	outputFile: string;
}

const MAIN = join(PROJECT_ROOT, "src", "cli", "main.ts");

export function runGateProcess(
	region: GateRegion,
	reportDir: string,
	timeoutMs: number,
): Promise<GateProcessResult> {
	const env: Record<string, string> = {};
	for (const name of PASSED_THROUGH) {
		const value = process.env[name];
		if (value) env[name] = value;
	}
	Object.assign(env, {
		MAAS_ENDPOINT: region.url,
		MAAS_PROJECT_ID: region.projectId,
		MAAS_AUTH_TOKEN: region.token,
		MAAS_REPORT_DIR: reportDir,
		// The environment is complete: no .env file of the working directory.
		MAAS_ENV_FILE: NO_ENV_FILE,
		PACT_DO_NOT_TRACK: "true",
		NO_COLOR: "1",
	});
	const outputFile = join(reportDir, "gate-output.txt");
	const output = createWriteStream(outputFile);
	return new Promise((resolve, reject) => {
		const startedAtMs = Date.now();
		const started = performance.now();
		const child = spawn(process.execPath, ["--import", "tsx", MAIN, "gate"], {
			cwd: PROJECT_ROOT,
			env,
			stdio: ["ignore", "pipe", "pipe"],
		});
		child.stdout.pipe(output, { end: false });
		child.stderr.pipe(output, { end: false });
		const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
		child.on("error", (error) => {
			clearTimeout(timer);
			output.end();
			reject(error);
		});
		child.on("close", (code) => {
			const wallMs = performance.now() - started;
			clearTimeout(timer);
			output.end(() =>
				resolve({
					exitCode: code ?? undefined,
					startedAtMs,
					wallMs,
					outputFile,
				}),
			);
		});
	});
}
