import { describe, expect, test } from "vitest";
import { evaluateTargets, median, summarizeDelay } from "./delay-summary.ts";
import type { RunMetrics } from "./run-metrics.ts";

function run(overrides: Partial<RunMetrics> = {}): RunMetrics {
	return {
		delayMs: 100,
		exitCode: 0,
		wallMs: 5000,
		startupMs: 1000,
		requests: 60,
		regionRequests: 60,
		namesBurned: 7,
		probeCreates: 2,
		checks: 22,
		criticalPath: 20,
		criticalPathWithQueues: 25,
		inFlightMs: 3000,
		afterLastRequestMs: 500,
		ratio: 2,
		ratioWithQueues: 1.6,
		stages: [],
		fixtures: [],
		logProblems: 0,
		unlabelled: 0,
		unknownIds: 0,
		...overrides,
	};
}

describe("median", () => {
	test("takes the middle value, or the mean of the two middle ones", () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 2, 3])).toBe(2.5);
		expect(median([undefined, 5])).toBe(5);
		expect(median([])).toBeUndefined();
	});
});

describe("summarizeDelay", () => {
	test("sums the runs up as medians and keeps the median run", () => {
		const summary = summarizeDelay(100, [
			run({ wallMs: 9000, ratio: 3 }),
			run({ wallMs: 5000, ratio: 1 }),
			run({ wallMs: 6000, ratio: 1.2, exitCode: 1 }),
		]);
		expect(summary.wallMs).toBe(6000);
		expect(summary.ratio).toBe(1.2);
		expect(summary.failedRuns).toBe(1);
		expect(summary.typical.wallMs).toBe(6000);
	});

	test("refuses a delay without runs", () => {
		expect(() => summarizeDelay(100, [])).toThrow(/no runs/);
	});
});

describe("evaluateTargets", () => {
	const zero = (overrides: Partial<RunMetrics> = {}) =>
		summarizeDelay(0, [run({ delayMs: 0, ratio: undefined, ...overrides })]);
	const hundred = (overrides: Partial<RunMetrics> = {}) =>
		summarizeDelay(100, [run(overrides)]);

	test("the ratio target is met at 1.5 and missed above it", () => {
		const [met] = evaluateTargets([hundred({ ratio: 1.5 })]);
		expect(met).toMatchObject({ met: true });
		expect(met?.target).toContain("at 100 ms");
		const [missed] = evaluateTargets([hundred({ ratio: 1.51 })]);
		expect(missed?.met).toBe(false);
		expect(missed?.detail).toContain("ratio 1.51");
	});

	test("the ratio with queue waits is judged on its own", () => {
		const [plain, queued] = evaluateTargets([
			hundred({ ratio: 2, ratioWithQueues: 1.4 }),
		]);
		expect(plain?.met).toBe(false);
		expect(queued?.target).toContain("critical path with queue waits");
		expect(queued?.met).toBe(true);
		expect(queued?.detail).toContain("25 requests x 100 ms");
		const [, missed] = evaluateTargets([hundred({ ratioWithQueues: 1.6 })]);
		expect(missed?.met).toBe(false);
	});

	test("10 s target uses median wall time", () => {
		const verdicts = evaluateTargets([zero({ wallMs: 10_000 })]);
		expect(verdicts.find((v) => v.target.startsWith("at 0 ms"))?.met).toBe(
			true,
		);
		const slow = evaluateTargets([zero({ wallMs: 10_001 })]);
		expect(slow.find((v) => v.target.startsWith("at 0 ms"))?.met).toBe(false);
	});

	test("requests and names must not change between runs, nor the probes' creates grow", () => {
		const steady = evaluateTargets([zero(), hundred()]);
		expect(steady.find((v) => v.target.includes("names burned"))?.met).toBe(
			true,
		);
		const grown = evaluateTargets([zero(), hundred({ requests: 61 })]);
		expect(grown.find((v) => v.target.includes("names burned"))).toMatchObject({
			met: false,
			detail: expect.stringContaining("requests 60, 61"),
		});
		const moreCreates = evaluateTargets([hundred({ probeCreates: 3 })]);
		expect(
			moreCreates.find((v) => v.target.includes("names burned"))?.met,
		).toBe(false);
	});
});
