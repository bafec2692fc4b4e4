import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderTestSuites } from "./junit-xml.ts";
import { readAllStageReports } from "./stage-files.ts";
import {
	type ReportTotals,
	type StageReport,
	totalsOf,
} from "./stage-report.ts";
import {
	type EndpointUsage,
	formatSummary,
	type Verdict,
	verdictOf,
} from "./summary.ts";

/**
 * Merges the per-stage reports (`<reportDir>/junit/*.json` sidecars) into
 * `<reportDir>/junit.xml`, one `<testsuites>` with the totals and one
 * `<testsuite>` per stage, and writes `<reportDir>/summary.txt`.
 */

/** Gate stages in run order; any other stage (cleanup, ...) follows. */
export const STAGE_ORDER: readonly string[] = [
	"contracts",
	"verify",
	"probes",
	"gate",
	"cleanup",
];

export interface MergeOptions {
	reportDir: string;
	endpoints?: EndpointUsage;
	target?: string;
	/** Name of the `<testsuites>` element. */
	name?: string;
	/** The signal that stopped the run before all its checks ran. */
	interruptedBy?: string;
}

export interface MergeResult {
	stages: StageReport[];
	totals: ReportTotals;
	verdict: Verdict;
	junitPath: string;
	summaryPath: string;
	summary: string;
}

function stageRank(stage: string): number {
	const index = STAGE_ORDER.indexOf(stage);
	return index === -1 ? STAGE_ORDER.length : index;
}

export function mergeReports(options: MergeOptions): MergeResult {
	const stages = readAllStageReports(options.reportDir).sort(
		(a, b) =>
			stageRank(a.stage) - stageRank(b.stage) || a.stage.localeCompare(b.stage),
	);
	mkdirSync(options.reportDir, { recursive: true });
	const junitPath = join(options.reportDir, "junit.xml");
	const summaryPath = join(options.reportDir, "summary.txt");
	writeFileSync(
		junitPath,
		renderTestSuites(options.name ?? "maas-endpoint-conformance", stages),
	);
	const summary = formatSummary({
		stages,
		reportPath: junitPath,
		...(options.endpoints ? { endpoints: options.endpoints } : {}),
		...(options.target ? { target: options.target } : {}),
		...(options.interruptedBy ? { interruptedBy: options.interruptedBy } : {}),
	});
	writeFileSync(summaryPath, summary);
	return {
		stages,
		totals: totalsOf(stages.flatMap((stage) => stage.testcases)),
		verdict: verdictOf(stages),
		junitPath,
		summaryPath,
		summary,
	};
}
