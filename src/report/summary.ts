import {
	isFailing,
	type StageReport,
	type TestCaseReport,
	totalsOf,
} from "./stage-report.ts";
import { cleanText } from "./xml.ts";

/**
 * The plain-text summary of a gate run, for the console and
 * `reports/summary.txt`: one line per stage, the failed checks, SHOULD
 * warnings, endpoint usage, the documented alternatives the region chose,
 * where the report is, and a verdict line.
 */

export interface EndpointUsage {
	/** Names the region accepted in a create; a deleted name is never reusable. */
	burnedNames: number;
	/** Most endpoints of the run alive at one time. */
	peakAlive: number;
}

export interface SummaryInput {
	stages: readonly StageReport[];
	/** Path of the merged JUnit file. */
	reportPath: string;
	endpoints?: EndpointUsage;
	/** Base URL of the region under test, when known. */
	target?: string;
	/** The signal that stopped the run before all its checks ran. */
	interruptedBy?: string;
}

export type Verdict = "conforms" | "does-not-conform";

export function verdictOf(stages: readonly StageReport[]): Verdict {
	const testcases = stages.flatMap((stage) => stage.testcases);
	return testcases.length > 0 && !testcases.some(isFailing)
		? "conforms"
		: "does-not-conform";
}

/** "contracts: 9 passed, 0 failed" (", N skipped" when there are any). */
export function stageLine(stage: StageReport): string {
	const totals = totalsOf(stage.testcases);
	const failed = totals.failures + totals.errors;
	return `${stage.stage}: ${totals.passed} passed, ${failed} failed${
		totals.skipped > 0 ? `, ${totals.skipped} skipped` : ""
	}`;
}

/** Returns the requirement id of a testcase: its property, else the name's first word. */
export function requirementOf(testcase: TestCaseReport): string {
	return testcase.properties.requirement ?? testcase.name.split(/\s+/)[0] ?? "";
}

/**
 * Returns the first non-empty line of `text`. A line that ends in a colon
 * only introduces the reason, so the next line is added to it.
 */
function firstLine(text: string | undefined): string {
	const parts = cleanText(text ?? "")
		.split("\n")
		.map((part) => part.trim())
		.filter((part) => part.length > 0);
	const [first, second] = parts;
	if (first === undefined) return "(no message)";
	return first.endsWith(":") && second !== undefined
		? `${first} ${second}`
		: first;
}

export function formatSummary(input: SummaryInput): string {
	const lines: string[] = [];
	if (input.target) lines.push(`Target: ${cleanText(input.target)}`);
	for (const stage of input.stages) lines.push(stageLine(stage));

	const failed = input.stages.flatMap((stage) =>
		stage.testcases.filter(isFailing).map((testcase) => ({ stage, testcase })),
	);
	if (failed.length > 0) {
		lines.push("", "Failed checks:");
		for (const { stage, testcase } of failed) {
			lines.push(
				`  ${requirementOf(testcase)} [${stage.stage}] ${firstLine(testcase.message)}`,
			);
		}
	}

	const warnings = input.stages.flatMap((stage) =>
		stage.testcases
			.filter((testcase) => testcase.properties.warning)
			.map((testcase) => ({ stage, testcase })),
	);
	if (warnings.length > 0) {
		lines.push("", "SHOULD warnings (the checks pass):");
		for (const { stage, testcase } of warnings) {
			lines.push(
				`  ${requirementOf(testcase)} [${stage.stage}] ${firstLine(testcase.properties.warning)}`,
			);
		}
	}

	const alternatives = new Map<string, Set<string>>();
	for (const stage of input.stages) {
		for (const testcase of stage.testcases) {
			const alternative = testcase.properties.alternative;
			if (!alternative) continue;
			const id = requirementOf(testcase);
			const seen = alternatives.get(id) ?? new Set<string>();
			seen.add(cleanText(alternative));
			alternatives.set(id, seen);
		}
	}
	if (alternatives.size > 0) {
		lines.push("", "Documented alternatives the region chose:");
		for (const [id, values] of [...alternatives].sort(([a], [b]) =>
			a.localeCompare(b),
		)) {
			lines.push(`  ${id}: ${[...values].join("; ")}`);
		}
	}

	lines.push("");
	if (input.endpoints) {
		lines.push(
			`Endpoints: ${input.endpoints.burnedNames} names burned, at most ${input.endpoints.peakAlive} alive at once`,
		);
	}
	lines.push(`Report: ${input.reportPath}`);

	const all = input.stages.flatMap((stage) => stage.testcases);
	const totals = totalsOf(all);
	const failedCount = totals.failures + totals.errors;
	const skippedNote =
		totals.skipped > 0 ? `, ${totals.skipped} skipped (not checked)` : "";
	if (input.interruptedBy) {
		// Checks that never ran cannot make a verdict either way.
		lines.push(
			`Verdict: INTERRUPTED by ${input.interruptedBy} before all checks ran (${totals.passed} passed, ${failedCount} failed or stopped, of ${totals.tests})`,
		);
	} else if (verdictOf(input.stages) === "conforms") {
		lines.push(
			`Verdict: CONFORMS (${totals.passed} checks passed${skippedNote})`,
		);
	} else if (all.length === 0) {
		lines.push("Verdict: NOT SHOWN (no check ran)");
	} else {
		lines.push(
			`Verdict: DOES NOT CONFORM (${failedCount} of ${totals.tests} checks failed${skippedNote})`,
		);
	}
	return `${lines.join("\n")}\n`;
}
