/**
 * The results of one gate stage, as the JUnit reporter saw them, plus the
 * testcases the gate adds itself (a stage that crashed, cleanup).
 */

/**
 * "failed": a check failed (JUnit `<failure>`). "error": something other
 * than a check broke (unhandled error, module that did not load, stage that
 * crashed; JUnit `<error>`). Both make the gate fail.
 */
export type TestCaseOutcome = "passed" | "failed" | "error" | "skipped";

export interface TestCaseReport {
	/** Test name; starts with the requirement id (or a GATE-* id). */
	name: string;
	/** "<stage>/<file relative to the project root>". */
	classname: string;
	timeSeconds: number;
	/** Testcase properties, in output order; only the set ones. */
	properties: Record<string, string>;
	outcome: TestCaseOutcome;
	/** Error message (failed/error) or skip note. */
	message?: string;
	/** Exception type: the error's name, or a GATE-* kind. */
	type?: string;
	/** Full text: every error with its diff, stack and causes. */
	detail?: string;
}

export interface StageReport {
	stage: string;
	/** ISO 8601 start time of the stage. */
	timestamp: string;
	timeSeconds: number;
	testcases: TestCaseReport[];
}

export interface ReportTotals {
	tests: number;
	failures: number;
	errors: number;
	skipped: number;
	passed: number;
	timeSeconds: number;
}

export function totalsOf(testcases: readonly TestCaseReport[]): ReportTotals {
	const totals: ReportTotals = {
		tests: testcases.length,
		failures: 0,
		errors: 0,
		skipped: 0,
		passed: 0,
		timeSeconds: 0,
	};
	for (const testcase of testcases) {
		totals.timeSeconds += testcase.timeSeconds;
		if (testcase.outcome === "failed") totals.failures++;
		else if (testcase.outcome === "error") totals.errors++;
		else if (testcase.outcome === "skipped") totals.skipped++;
		else totals.passed++;
	}
	return totals;
}

export function isFailing(testcase: TestCaseReport): boolean {
	return testcase.outcome === "failed" || testcase.outcome === "error";
}
