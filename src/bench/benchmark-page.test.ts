import { describe, expect, test } from "vitest";
import { benchmarkPage, consoleLines } from "./benchmark-page.ts";
import { evaluateTargets, summarizeDelay } from "./delay-summary.ts";
import type { RunMetrics } from "./run-metrics.ts";

function run(delayMs: number, overrides: Partial<RunMetrics> = {}): RunMetrics {
	return {
		delayMs,
		exitCode: 0,
		wallMs: delayMs === 0 ? 6000 : 12_000,
		startupMs: 600,
		requests: 63,
		regionRequests: 63,
		namesBurned: 7,
		probeCreates: 2,
		checks: 22,
		criticalPath: 14,
		criticalPathWithQueues: 16,
		inFlightMs: 5000,
		afterLastRequestMs: 400,
		ratio: delayMs === 0 ? undefined : 8.04,
		ratioWithQueues: delayMs === 0 ? undefined : 7.1,
		stages: [
			{
				stage: "probes",
				requests: 38,
				criticalPath: 6,
				criticalPathWithQueues: 10,
				spanMs: 2400,
				gapBeforeMs: 1500,
			},
		],
		fixtures: [{ flow: "fixture:live", requests: 2, followers: 7 }],
		logProblems: 0,
		unlabelled: 0,
		unknownIds: 0,
		...overrides,
	};
}

function results(overrides: Partial<RunMetrics> = {}) {
	const summaries = [
		summarizeDelay(0, [run(0, overrides)]),
		summarizeDelay(100, [run(100, overrides)]),
	];
	return {
		machine: {
			cpus: 2,
			cpuModel: "Test CPU",
			memoryBytes: 24 * 1024 ** 3,
			loadAverage: { start: 0.5, end: 1.25 },
			node: "v20.20.2",
			platform: "linux x64",
			date: "2026-12-04T08:00:00.000Z",
		},
		command: "npm run bench -- --runs 1 --delays 0,100",
		summaries,
		targets: evaluateTargets(summaries),
	};
}

describe("benchmarkPage", () => {
	test("states the machine, the command, the results and each target's verdict", () => {
		const page = benchmarkPage(results());
		expect(page).toContain("2 CPUs (Test CPU), 24.0 GiB memory");
		expect(page).toContain("Node v20.20.2");
		expect(page).toContain("`npm run bench -- --runs 1 --delays 0,100`");
		expect(page).toContain(
			"| 100 ms | 1 | 12.0 s | 0.6 s | 63 | 7 | 14 | 16 | 8.04 | 7.10 | 5.0 s |",
		);
		expect(page).toContain(
			"- **Not met**: at 100 ms: wall - start-up <= 1.5 x critical path x 100 ms.",
		);
		expect(page).toContain("- **Met**: at 0 ms: the whole gate within 10.0 s.");
		expect(page).toContain("| probes | 1.5 s | 38 | 2.4 s | 6 | 10 |");
		expect(page).toContain("0.50 at the start, 1.25 at the end");
		expect(page).toContain("of which 0.4 s after the last request");
		expect(page).toContain("| fixture:live | 2 | 7 |");
		expect(page).toContain("The log is complete: 63 requests");
	});

	test("names the problems of an incomplete log", () => {
		const page = benchmarkPage(results({ regionRequests: 65, unlabelled: 2 }));
		expect(page).toContain("2 requests were sent outside any flow");
		expect(page).toContain("the log has 63 requests, the region counted 65");
	});
});

describe("consoleLines", () => {
	test("prints one line per delay and one per target", () => {
		const lines = consoleLines(results({ exitCode: 1 }));
		expect(lines[0]).toContain("delay 0 ms (1 runs, 1 of 1 runs FAILED)");
		expect(lines[1]).toContain("ratio 8.04 (7.10 with queue waits)");
		// Both ratio targets: without and with the queue waits.
		expect(lines.filter((line) => line.startsWith("NOT met"))).toHaveLength(2);
	});
});
