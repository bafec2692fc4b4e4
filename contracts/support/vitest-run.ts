/**
 * Runs one vitest project of this repository in a child process (its own
 * process group, killed whole on timeout) and reads its JSON report, so a
 * test can check a stage's testcases the way the gate runs them.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/index.ts";
import { killGroup } from "./process-group.ts";

const VITEST = join(PROJECT_ROOT, "node_modules", "vitest", "vitest.mjs");

/**
 * Process groups of the children still running. Each child has a group of
 * its own, which signals to this process do not reach, so they are killed
 * when this process exits.
 */
const running = new Set<number>();
process.on("exit", () => {
	for (const pid of running) killGroup(pid);
});

/** One test as vitest's JSON reporter lists it. */
export interface ReportedTest {
	title: string;
	status: string;
	failureMessages: string[];
	meta?: Record<string, unknown>;
}

export interface VitestRun {
	exitCode: number | null;
	signal: string | null;
	timedOut: boolean;
	/** stdout and stderr, interleaved as received. */
	output: string;
	/** Every test of the run; empty when vitest wrote no report. */
	tests: ReportedTest[];
}

export function runVitestProject(options: {
	project: "contracts" | "verify";
	/** The complete environment of the child. */
	env: Record<string, string>;
	timeoutMs: number;
}): Promise<VitestRun> {
	const workDir = mkdtempSync(join(tmpdir(), "maas-vitest-"));
	const reportFile = join(workDir, "report.json");
	return new Promise<VitestRun>((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				VITEST,
				"run",
				"--project",
				options.project,
				"--reporter=default",
				"--reporter=json",
				`--outputFile.json=${reportFile}`,
			],
			{
				cwd: PROJECT_ROOT,
				env: options.env,
				detached: true,
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		if (child.pid !== undefined) running.add(child.pid);
		let output = "";
		const keep = (chunk: Buffer) => {
			output += chunk.toString("utf8");
		};
		child.stdout.on("data", keep);
		child.stderr.on("data", keep);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid);
		}, options.timeoutMs);
		child.on("error", (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on("close", (exitCode, signal) => {
			clearTimeout(timer);
			killGroup(child.pid);
			if (child.pid !== undefined) running.delete(child.pid);
			resolve({
				exitCode,
				signal,
				timedOut,
				output,
				tests: readReport(reportFile),
			});
		});
	}).finally(() => rmSync(workDir, { recursive: true, force: true }));
}

function readReport(file: string): ReportedTest[] {
	let report: { testResults?: Array<{ assertionResults?: ReportedTest[] }> };
	try {
		report = JSON.parse(readFileSync(file, "utf8"));
	} catch {
		return [];
	}
	return (report.testResults ?? []).flatMap(
		(result) => result.assertionResults ?? [],
	);
}
