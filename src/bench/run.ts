/**
 * `npm run bench`: for each delay, starts a mock region that delays every
 * response by `delayMs`, runs the whole gate against it `--runs` times,
 * and prints and writes (docs/benchmark.md) the medians and the targets.
 * Exit 0 when every run finished (the targets do not change the exit
 * code), 1 when a gate run failed or could not start, 2 for a wrong
 * command line.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { REQUEST_LOG_FILE, readRequestLog } from "../client/request-log.ts";
import { PROJECT_ROOT } from "../config/index.ts";
import { isMaasError } from "../errors.ts";
import { startMockRegion } from "../mock-region/index.ts";
import { registerSecret } from "../redact.ts";
import { readStageReport } from "../report/stage-files.ts";
import {
	BENCH_USAGE,
	type BenchOptions,
	parseBenchOptions,
} from "./bench-options.ts";
import { benchmarkPage, consoleLines } from "./benchmark-page.ts";
import {
	type DelaySummary,
	evaluateTargets,
	summarizeDelay,
} from "./delay-summary.ts";
import { runGateProcess } from "./gate-process.ts";
import { writePage } from "./page-file.ts";
import { measureRun, type RunMetrics } from "./run-metrics.ts";

/** Bound on one gate run; a run over it is stopped and counts as failed. */
const RUN_TIMEOUT_MS = 15 * 60_000;

async function benchDelay(
	delayMs: number,
	runs: number,
	log: (line: string) => void,
): Promise<RunMetrics[]> {
	const region = await startMockRegion({ delayMs });
	registerSecret(region.token);
	const results: RunMetrics[] = [];
	try {
		for (let run = 1; run <= runs; run++) {
			const reportDir = mkdtempSync(join(tmpdir(), "maas-bench-"));
			const requestsBefore = region.requests().length;
			const namesBefore = region.burnedNames().length;
			const gate = await runGateProcess(region, reportDir, RUN_TIMEOUT_MS);
			let entries: ReturnType<typeof readRequestLog>["entries"] = [];
			let logProblems = 0;
			try {
				const read = readRequestLog(join(reportDir, REQUEST_LOG_FILE));
				entries = read.entries;
				logProblems = read.problems.length;
			} catch (error) {
				log(
					`run ${run} at ${delayMs} ms: no request log (${error instanceof Error ? error.message : String(error)})`,
				);
			}
			const metrics = measureRun({
				delayMs,
				exitCode: gate.exitCode,
				startedAtMs: gate.startedAtMs,
				wallMs: gate.wallMs,
				entries,
				logProblems,
				regionRequests: region.requests().length - requestsBefore,
				namesBurned: region.burnedNames().length - namesBefore,
				checks: probeChecks(reportDir),
			});
			results.push(metrics);
			log(
				`run ${run}/${runs} at ${delayMs} ms: exit ${gate.exitCode ?? "by signal"}, ${(metrics.wallMs / 1000).toFixed(1)} s, ${metrics.requests} requests, critical path ${metrics.criticalPath}`,
			);
			if (gate.exitCode === 0) {
				rmSync(reportDir, { recursive: true, force: true });
			} else {
				log(`  the gate did not pass; its output: ${gate.outputFile}`);
			}
		}
	} finally {
		await region.close();
	}
	return results;
}

function probeChecks(reportDir: string): number | undefined {
	try {
		return readStageReport(reportDir, "probes")?.testcases.length;
	} catch {
		return undefined;
	}
}

export async function runBench(
	options: BenchOptions,
	log: (line: string) => void,
): Promise<number> {
	const startLoad = loadavg()[0] ?? 0;
	const summaries: DelaySummary[] = [];
	for (const delayMs of options.delays) {
		const runs = await benchDelay(delayMs, options.runs, log);
		summaries.push(summarizeDelay(delayMs, runs));
	}
	const results = {
		machine: {
			cpus: availableParallelism(),
			cpuModel: cpus()[0]?.model.trim() ?? "unknown",
			memoryBytes: totalmem(),
			loadAverage: { start: startLoad, end: loadavg()[0] ?? 0 },
			node: process.version,
			platform: `${process.platform} ${process.arch}`,
			date: new Date().toISOString(),
		},
		command: `npm run bench -- --runs ${options.runs} --delays ${options.delays.join(",")}`,
		summaries,
		targets: evaluateTargets(summaries),
	};
	log("");
	for (const line of consoleLines(results)) log(line);
	const output = isAbsolute(options.output)
		? options.output
		: join(PROJECT_ROOT, options.output);
	writePage(output, benchmarkPage(results));
	log(`written to ${output}`);
	return summaries.some((summary) => summary.failedRuns > 0) ? 1 : 0;
}

async function main(argv: readonly string[]): Promise<number> {
	let options: BenchOptions;
	try {
		options = parseBenchOptions(argv);
	} catch (error) {
		if (isMaasError(error) && error.code === "MAAS_CONFIG_INVALID") {
			process.stderr.write(`${error.message}.\n\n${BENCH_USAGE}\n`);
			return 2;
		}
		throw error;
	}
	if (options.help) {
		process.stdout.write(`${BENCH_USAGE}\n`);
		return 0;
	}
	return runBench(options, (line) => process.stdout.write(`${line}\n`));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	process.exitCode = await main(process.argv.slice(2));
}
