/**
 * The runs of one delay, summed up as medians, and the benchmark's targets
 * judged on them:
 * - at every delay above 0: wall - start-up <= 1.5 x critical path x delay,
 *   judged twice: on the path of the requests' own dependencies, and on the
 *   path that also follows the waits the account-safety rules impose (an
 *   endpoint slot, the live endpoint's lock, a verification lane);
 * - at 0 ms: the whole gate, start-up included, within 10 s;
 * - requests and names burned are the same in every run, and the probes
 *   create no more endpoints than they have shared fixtures, however many
 *   checks use them.
 */

import type { RunMetrics } from "./run-metrics.ts";

/** Highest (wall - start-up) / (critical path x delay) that meets the target. */
export const MAX_RATIO = 1.5;
/** Longest wall time at delay 0 that meets the target. */
export const MAX_WALL_AT_ZERO_MS = 10_000;
/** Endpoints the probes' fixtures create on a conformant region: the live and the deleted one. */
export const PROBE_FIXTURE_ENDPOINTS = 2;

export interface DelaySummary {
	delayMs: number;
	runs: RunMetrics[];
	/** Runs whose gate did not exit 0. */
	failedRuns: number;
	wallMs: number;
	startupMs: number | undefined;
	requests: number;
	namesBurned: number;
	criticalPath: number;
	criticalPathWithQueues: number;
	inFlightMs: number;
	ratio: number | undefined;
	ratioWithQueues: number | undefined;
	/** The run with the median wall time, for the per-stage view. */
	typical: RunMetrics;
}

export interface TargetVerdict {
	target: string;
	met: boolean;
	detail: string;
}

/** Median of the defined values; undefined when there are none. */
export function median(
	values: ReadonlyArray<number | undefined>,
): number | undefined {
	const sorted = values
		.filter((value): value is number => value !== undefined)
		.sort((a, b) => a - b);
	if (sorted.length === 0) return undefined;
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1
		? (sorted[middle] as number)
		: ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarizeDelay(
	delayMs: number,
	runs: readonly RunMetrics[],
): DelaySummary {
	if (runs.length === 0) {
		throw new RangeError(
			`no runs to sum up at ${delayMs} ms; run the gate at least once per delay`,
		);
	}
	const of = (pick: (run: RunMetrics) => number | undefined) =>
		median(runs.map(pick));
	const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs);
	return {
		delayMs,
		runs: [...runs],
		failedRuns: runs.filter((run) => run.exitCode !== 0).length,
		wallMs: of((run) => run.wallMs) as number,
		startupMs: of((run) => run.startupMs),
		requests: of((run) => run.requests) as number,
		namesBurned: of((run) => run.namesBurned) as number,
		criticalPath: of((run) => run.criticalPath) as number,
		criticalPathWithQueues: of((run) => run.criticalPathWithQueues) as number,
		inFlightMs: of((run) => run.inFlightMs) as number,
		ratio: of((run) => run.ratio),
		ratioWithQueues: of((run) => run.ratioWithQueues),
		typical: byWall[Math.floor((byWall.length - 1) / 2)] as RunMetrics,
	};
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function evaluateTargets(
	summaries: readonly DelaySummary[],
): TargetVerdict[] {
	const verdicts: TargetVerdict[] = [];
	for (const summary of summaries) {
		if (summary.delayMs === 0) continue;
		const { wallMs, delayMs } = summary;
		const startup = summary.startupMs ?? 0;
		const judge = (
			path: string,
			ratio: number | undefined,
			length: number,
		): TargetVerdict => ({
			target: `at ${delayMs} ms: wall - start-up <= ${MAX_RATIO} x ${path} x ${delayMs} ms`,
			met: ratio !== undefined && ratio <= MAX_RATIO,
			detail:
				ratio === undefined
					? "no critical path was measured"
					: `ratio ${ratio.toFixed(2)}: ${seconds(wallMs - startup)} against ${length} requests x ${delayMs} ms = ${seconds(length * delayMs)}`,
		});
		verdicts.push(
			judge("critical path", summary.ratio, summary.criticalPath),
			judge(
				"critical path with queue waits",
				summary.ratioWithQueues,
				summary.criticalPathWithQueues,
			),
		);
	}
	const zero = summaries.find((summary) => summary.delayMs === 0);
	if (zero) {
		verdicts.push({
			target: `at 0 ms: the whole gate within ${seconds(MAX_WALL_AT_ZERO_MS)}`,
			met: zero.wallMs <= MAX_WALL_AT_ZERO_MS,
			detail: `median wall time ${seconds(zero.wallMs)}, start-up ${seconds(zero.startupMs ?? 0)}`,
		});
	}
	const runs = summaries.flatMap((summary) => summary.runs);
	if (runs.length > 0) {
		const requests = new Set(runs.map((run) => run.requests));
		const names = new Set(runs.map((run) => run.namesBurned));
		const creates = Math.max(...runs.map((run) => run.probeCreates));
		const checks = median(runs.map((run) => run.checks));
		const steady = requests.size === 1 && names.size === 1;
		verdicts.push({
			target:
				"requests and names burned per run do not grow with checks that share fixtures",
			met: steady && creates <= PROBE_FIXTURE_ENDPOINTS,
			detail: `${steady ? "the same in every run" : "they differ between runs"}: requests ${[...requests].join(", ")}, names burned ${[...names].join(", ")}; the probes' ${checks ?? "?"} checks created at most ${creates} endpoints (fixtures: ${PROBE_FIXTURE_ENDPOINTS})`,
		});
	}
	return verdicts;
}
