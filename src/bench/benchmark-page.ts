/**
 * The benchmark's results as console lines and as the Markdown page
 * docs/benchmark.md: the machine, the command, per delay the medians, the
 * targets and whether each is met, the stages of the median run, and the
 * shared fixtures of the probes.
 */

import {
	type DelaySummary,
	MAX_RATIO,
	type TargetVerdict,
} from "./delay-summary.ts";

export interface Machine {
	cpus: number;
	cpuModel: string;
	memoryBytes: number;
	/** 1-minute load averages when the benchmark started and ended. */
	loadAverage: { start: number; end: number };
	node: string;
	platform: string;
	/** ISO 8601 time the benchmark ended. */
	date: string;
}

export interface BenchmarkResults {
	machine: Machine;
	command: string;
	summaries: readonly DelaySummary[];
	targets: readonly TargetVerdict[];
}

const seconds = (ms: number | undefined) =>
	ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`;
const ratioText = (ratio: number | undefined) =>
	ratio === undefined ? "-" : ratio.toFixed(2);

/** Distinct values of a field over the runs, e.g. "53" or "52, 53". */
function values(
	summary: DelaySummary,
	pick: (run: DelaySummary["runs"][number]) => number,
): string {
	return [...new Set(summary.runs.map(pick))].sort((a, b) => a - b).join(", ");
}

/** Returns one line per delay, then one per target. */
export function consoleLines(results: BenchmarkResults): string[] {
	const lines: string[] = [];
	for (const summary of results.summaries) {
		const failed =
			summary.failedRuns > 0
				? `, ${summary.failedRuns} of ${summary.runs.length} runs FAILED`
				: "";
		lines.push(
			`delay ${summary.delayMs} ms (${summary.runs.length} runs${failed}): wall ${seconds(summary.wallMs)}, start-up ${seconds(summary.startupMs)}, requests ${values(summary, (run) => run.requests)}, names burned ${values(summary, (run) => run.namesBurned)}, critical path ${summary.criticalPath} requests (${summary.criticalPathWithQueues} with queue waits)${
				summary.delayMs > 0
					? `, ratio ${ratioText(summary.ratio)} (${ratioText(summary.ratioWithQueues)} with queue waits)`
					: ""
			}`,
		);
	}
	for (const verdict of results.targets) {
		lines.push(
			`${verdict.met ? "met" : "NOT met"}: ${verdict.target} (${verdict.detail})`,
		);
	}
	return lines;
}

function table(head: string[], rows: string[][]): string[] {
	return [
		`| ${head.join(" | ")} |`,
		`| ${head.map(() => "---").join(" | ")} |`,
		...rows.map((row) => `| ${row.join(" | ")} |`),
	];
}

/** Returns the whole page, ending with a newline. */
export function benchmarkPage(results: BenchmarkResults): string {
	const { machine, summaries } = results;
	const lines: string[] = [
		"# Benchmark",
		"",
		"Written by `npm run bench`; run it again to replace this page.",
		"",
		`- Command: \`${results.command}\``,
		`- Date: ${machine.date}`,
		`- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory, ${machine.platform}, Node ${machine.node}`,
		`- Load average (1 min): ${machine.loadAverage.start.toFixed(2)} at the start, ${machine.loadAverage.end.toFixed(2)} at the end`,
		"",
		"Each run is the whole gate (`src/cli/main.ts gate`, all stages,",
		"cleanup) as a child process, pointed at a mock region started with",
		"`startMockRegion({ delayMs })`, which holds every response for that",
		"long. Wall time runs from the start of the gate process to its exit.",
		"Start-up runs from the gate's start to the first request of a stage:",
		"the gate loads, then starts every stage's process and sends its",
		"preflight while they load. The critical path and the ratio count the",
		"requests that started after start-up, so both sides cover the same time.",
		"Requests, stages and chains come from the run's request log",
		"(`requests.jsonl` in the report folder); names burned is what the mock",
		"region counts.",
		"",
		"The critical path is the longest chain of requests where each one",
		"needed the response of the one before: the previous request of its",
		"flow, or the last request of a fixture it awaited (`after`). Stages",
		"that ran one after another add up. The path *with queue waits* also",
		"follows `queuedAfter`, the waits for a rule the gate keeps on purpose.",
		"A create waits for a free endpoint slot, since at most 2 of the run's",
		"endpoints exist at once. A check whose delete may remove the live",
		"endpoint waits for that endpoint's lock, since it runs alone.",
		"",
		"## Results (medians)",
		"",
		...table(
			[
				"delay",
				"runs",
				"wall",
				"start-up",
				"requests",
				"names burned",
				"critical path",
				"with queue waits",
				"ratio",
				"ratio with queue waits",
				"requests in flight",
			],
			summaries.map((summary) => [
				`${summary.delayMs} ms`,
				`${summary.runs.length}${summary.failedRuns > 0 ? ` (${summary.failedRuns} failed)` : ""}`,
				seconds(summary.wallMs),
				seconds(summary.startupMs),
				values(summary, (run) => run.requests),
				values(summary, (run) => run.namesBurned),
				`${summary.criticalPath}`,
				`${summary.criticalPathWithQueues}`,
				ratioText(summary.ratio),
				ratioText(summary.ratioWithQueues),
				seconds(summary.inFlightMs),
			]),
		),
		"",
		`ratio = (wall - start-up) / (critical path x delay); ${MAX_RATIO} or less meets the target. "Requests in flight" is the time at least one request was under way; the rest of the wall time went to starting processes (vitest, Pact) and to work between requests.`,
		"",
		"## Targets",
		"",
		...results.targets.map(
			(verdict) =>
				`- **${verdict.met ? "Met" : "Not met"}**: ${verdict.target}. ${verdict.detail}.`,
		),
		"",
		"## Stages of the median run",
		"",
	];
	for (const summary of summaries) {
		const run = summary.typical;
		lines.push(
			`At ${summary.delayMs} ms (wall ${seconds(run.wallMs)}, of which ${seconds(run.afterLastRequestMs)} after the last request):`,
			"",
			...table(
				[
					"stage",
					"no request before it",
					"requests",
					"first to last request",
					"critical path",
					"with queue waits",
				],
				run.stages.map((stage) => [
					stage.stage,
					seconds(stage.gapBeforeMs),
					`${stage.requests}`,
					seconds(stage.spanMs),
					`${stage.criticalPath}`,
					`${stage.criticalPathWithQueues}`,
				]),
			),
			"",
			"\"No request before it\" runs from the gate's start or the previous stage's last request. Before the first stage it is start-up. Before a later stage it is the hand-over from the stage before (its last checks and its exit), and any loading the later stage had not finished by then.",
			"",
		);
		const checks: string[] = [];
		if (run.unlabelled > 0) {
			checks.push(`${run.unlabelled} requests were sent outside any flow`);
		}
		if (run.logProblems > 0) {
			checks.push(`${run.logProblems} log lines were unreadable`);
		}
		if (run.unknownIds > 0) {
			checks.push(
				`${run.unknownIds} edges name a request missing from the log`,
			);
		}
		if (run.requests !== run.regionRequests) {
			checks.push(
				`the log has ${run.requests} requests, the region counted ${run.regionRequests}`,
			);
		}
		lines.push(
			checks.length > 0
				? `Log problems: ${checks.join("; ")}.`
				: `The log is complete: ${run.requests} requests, as many as the region counted.`,
			"",
		);
	}
	const fixtures = summaries[0]?.typical.fixtures ?? [];
	if (fixtures.length > 0) {
		lines.push(
			"## Shared fixtures of the probes",
			"",
			"Each fixture is made once per run, whatever the number of checks that use it.",
			"",
			...table(
				["fixture flow", "requests", "flows that followed it"],
				fixtures.map((fixture) => [
					fixture.flow,
					`${fixture.requests}`,
					`${fixture.followers}`,
				]),
			),
			"",
			"A check that only judges a fixture's result sends no request of its own, so it is not counted as a follower.",
			"",
		);
	}
	return `${lines.join("\n")}\n`;
}
