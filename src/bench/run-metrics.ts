/**
 * The figures of one benchmarked gate run, from its request log and the
 * mock region's counts. They are wall time, start-up, requests, names
 * burned, the critical path with and without queue waits, and the requests
 * per stage and fixture.
 *
 * Start-up runs from the gate's start to the first request of a stage: the
 * gate loads, then starts every stage's process and sends its preflight
 * while they load. The critical path and the ratio count only the requests
 * that started after it, so both sides of the ratio cover the same time.
 */

import type { LoggedRequest } from "../client/request-log.ts";
import { criticalPath } from "./critical-path.ts";

export interface StageMetrics {
	stage: string;
	requests: number;
	/** Longest chain along `after` edges. */
	criticalPath: number;
	/** Longest chain along `after` and `queuedAfter` edges. */
	criticalPathWithQueues: number;
	/** First request's start to last request's end. */
	spanMs: number;
	/**
	 * Time without a request of the run before the stage's first request:
	 * from the gate's start or the previous stage's last request.
	 */
	gapBeforeMs: number;
}

export interface FixtureMetrics {
	flow: string;
	requests: number;
	/** Other flows with a request that followed one of the fixture's. */
	followers: number;
}

export interface RunMetrics {
	delayMs: number;
	exitCode: number | undefined;
	wallMs: number;
	/**
	 * Gate start to the first request of a stage (not the gate's own login
	 * or preflight); undefined when nothing was logged.
	 */
	startupMs: number | undefined;
	/** Requests in the log. */
	requests: number;
	/** Requests the region received, by its own count. */
	regionRequests: number;
	/** Names the region saw used for the first time during the run. */
	namesBurned: number;
	/** Successful creates the probes sent. */
	probeCreates: number;
	/** Testcases of the probes stage; undefined when its report is missing. */
	checks: number | undefined;
	/** Of the requests after start-up. */
	criticalPath: number;
	criticalPathWithQueues: number;
	/** Time with at least one request in flight. */
	inFlightMs: number;
	/** From the last request's end to the gate's exit: reports and exit. */
	afterLastRequestMs: number | undefined;
	/** (wall - start-up) / (critical path x delay); undefined at delay 0. */
	ratio: number | undefined;
	ratioWithQueues: number | undefined;
	stages: StageMetrics[];
	fixtures: FixtureMetrics[];
	/** Log lines that are not entries. */
	logProblems: number;
	/** Entries sent outside any stage's flow. */
	unlabelled: number;
	/** Edges to ids the log does not have (a request that never ended). */
	unknownIds: number;
}

export interface RunInput {
	delayMs: number;
	exitCode: number | undefined;
	/** When the gate process was started, ms since the Unix epoch. */
	startedAtMs: number;
	wallMs: number;
	entries: readonly LoggedRequest[];
	logProblems: number;
	regionRequests: number;
	namesBurned: number;
	checks: number | undefined;
}

const UNLABELLED = "unlabelled";

/** Stages of the requests the gate sends itself before any stage runs. */
const GATE_OWN_STAGES: ReadonlySet<string> = new Set(["gate", "preflight"]);

export function measureRun(input: RunInput): RunMetrics {
	const { entries, delayMs, wallMs } = input;
	const plain = criticalPath(entries);
	const queued = criticalPath(entries, { withQueues: true });
	const firstStart = Math.min(...entries.map((entry) => entry.startMs));
	const stageStarts = entries
		.filter((entry) => !GATE_OWN_STAGES.has(entry.stage))
		.map((entry) => entry.startMs);
	const startupEnd =
		stageStarts.length > 0 ? Math.min(...stageStarts) : firstStart;
	const startupMs =
		entries.length > 0
			? Math.max(0, startupEnd - input.startedAtMs)
			: undefined;
	const afterStartup = entries.filter((entry) => entry.startMs >= startupEnd);
	const timedPlain = criticalPath(afterStartup);
	const timedQueued = criticalPath(afterStartup, { withQueues: true });
	const ratioFor = (length: number): number | undefined =>
		delayMs > 0 && length > 0
			? (wallMs - (startupMs ?? 0)) / (length * delayMs)
			: undefined;

	const queuedByStage = new Map<string, number>();
	for (const phase of queued.phases) {
		for (const stage of phase.stages) {
			queuedByStage.set(stage.stage, stage.chain.length);
		}
	}
	let previousEnd = input.startedAtMs;
	const stages: StageMetrics[] = [];
	for (const phase of plain.phases) {
		for (const stage of phase.stages) {
			stages.push({
				stage: stage.stage,
				requests: stage.requests,
				criticalPath: stage.chain.length,
				criticalPathWithQueues: queuedByStage.get(stage.stage) ?? 0,
				spanMs: stage.endMs - stage.startMs,
				gapBeforeMs: Math.max(0, stage.startMs - previousEnd),
			});
		}
		previousEnd = Math.max(
			previousEnd,
			...phase.stages.map((stage) => stage.endMs),
		);
	}
	const lastEnd = Math.max(...entries.map((entry) => entry.endMs));

	return {
		delayMs,
		exitCode: input.exitCode,
		wallMs,
		startupMs,
		requests: entries.length,
		regionRequests: input.regionRequests,
		namesBurned: input.namesBurned,
		probeCreates: entries.filter(isProbeCreate).length,
		checks: input.checks,
		criticalPath: timedPlain.length,
		criticalPathWithQueues: timedQueued.length,
		inFlightMs: inFlight(entries),
		afterLastRequestMs:
			entries.length > 0
				? Math.max(0, input.startedAtMs + wallMs - lastEnd)
				: undefined,
		ratio: ratioFor(timedPlain.length),
		ratioWithQueues: ratioFor(timedQueued.length),
		stages,
		fixtures: fixtureMetrics(entries),
		logProblems: input.logProblems,
		unlabelled: entries.filter((entry) => entry.stage === UNLABELLED).length,
		unknownIds: new Set([...plain.unknownIds, ...queued.unknownIds]).size,
	};
}

/** Returns whether `entry` is a create the probes sent that the region accepted. */
function isProbeCreate(entry: LoggedRequest): boolean {
	return (
		entry.stage === "probes" &&
		entry.method === "POST" &&
		/\/endpoint$/.test(entry.path) &&
		entry.status !== null &&
		entry.status >= 200 &&
		entry.status < 300
	);
}

/** Length of the union of the requests' [start, end] intervals. */
export function inFlight(entries: readonly LoggedRequest[]): number {
	const spans = entries
		.map((entry) => [entry.startMs, entry.endMs] as const)
		.sort((a, b) => a[0] - b[0]);
	let total = 0;
	let start = Number.NaN;
	let end = Number.NaN;
	for (const [from, to] of spans) {
		if (Number.isNaN(end) || from > end) {
			if (!Number.isNaN(end)) total += end - start;
			start = from;
			end = to;
		} else {
			end = Math.max(end, to);
		}
	}
	if (!Number.isNaN(end)) total += end - start;
	return total;
}

/** Each probes fixture flow with its requests and how many flows followed it. */
export function fixtureMetrics(
	entries: readonly LoggedRequest[],
): FixtureMetrics[] {
	const flowOf = new Map(entries.map((entry) => [entry.id, entry.flow]));
	const requests = new Map<string, number>();
	const followers = new Map<string, Set<string>>();
	for (const entry of entries) {
		if (entry.flow.startsWith("fixture:")) {
			requests.set(entry.flow, (requests.get(entry.flow) ?? 0) + 1);
		}
		for (const id of entry.after) {
			const before = flowOf.get(id);
			if (!before?.startsWith("fixture:") || before === entry.flow) continue;
			const set = followers.get(before) ?? new Set<string>();
			set.add(entry.flow);
			followers.set(before, set);
		}
	}
	return [...requests.entries()]
		.map(([flow, count]) => ({
			flow,
			requests: count,
			followers: followers.get(flow)?.size ?? 0,
		}))
		.sort((a, b) => a.flow.localeCompare(b.flow));
}
