import type { StageReport, TestCaseReport } from "./stage-report.ts";
import { totalsOf } from "./stage-report.ts";
import { escapeXmlAttribute, escapeXmlText } from "./xml.ts";

/**
 * Renders stage reports as JUnit XML in the common Surefire/Jenkins form:
 * `<testsuites>` > `<testsuite>` (one per stage) > `<testcase>`, with
 * `<properties>`, `<failure>`, `<error>` and `<skipped/>`. Every text and
 * attribute goes through xml.ts, so the output is valid XML 1.0.
 */

function seconds(value: number): string {
	return (Number.isFinite(value) && value > 0 ? value : 0).toFixed(3);
}

function attributes(values: Record<string, string | number>): string {
	return Object.entries(values)
		.map(([key, value]) => ` ${key}="${escapeXmlAttribute(String(value))}"`)
		.join("");
}

function renderTestCase(testcase: TestCaseReport): string {
	const lines: string[] = [];
	lines.push(
		`    <testcase${attributes({
			name: testcase.name,
			classname: testcase.classname,
			time: seconds(testcase.timeSeconds),
		})}>`,
	);
	const properties = Object.entries(testcase.properties);
	if (properties.length > 0) {
		lines.push("      <properties>");
		for (const [name, value] of properties) {
			lines.push(`        <property${attributes({ name, value })}/>`);
		}
		lines.push("      </properties>");
	}
	if (testcase.outcome === "failed" || testcase.outcome === "error") {
		const element = testcase.outcome === "failed" ? "failure" : "error";
		const message = testcase.message ?? "";
		lines.push(
			`      <${element}${attributes({
				message,
				type: testcase.type ?? "Error",
			})}>${escapeXmlText(testcase.detail ?? message)}</${element}>`,
		);
	} else if (testcase.outcome === "skipped") {
		lines.push(
			testcase.message
				? `      <skipped${attributes({ message: testcase.message })}/>`
				: "      <skipped/>",
		);
	}
	lines.push("    </testcase>");
	return lines.join("\n");
}

/** Renders one `<testsuite>` element for a stage. */
export function renderTestSuite(report: StageReport): string {
	const totals = totalsOf(report.testcases);
	const head = `  <testsuite${attributes({
		name: report.stage,
		tests: totals.tests,
		failures: totals.failures,
		errors: totals.errors,
		skipped: totals.skipped,
		time: seconds(report.timeSeconds || totals.timeSeconds),
		timestamp: report.timestamp,
	})}`;
	if (report.testcases.length === 0) return `${head}/>`;
	return [
		`${head}>`,
		...report.testcases.map(renderTestCase),
		"  </testsuite>",
	].join("\n");
}

/** Renders a complete JUnit document: one `<testsuites>` with the summed totals. */
export function renderTestSuites(
	name: string,
	reports: readonly StageReport[],
): string {
	const totals = totalsOf(reports.flatMap((report) => report.testcases));
	const time = reports.reduce(
		(sum, report) =>
			sum + (report.timeSeconds || totalsOf(report.testcases).timeSeconds),
		0,
	);
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<testsuites${attributes({
			name,
			tests: totals.tests,
			failures: totals.failures,
			errors: totals.errors,
			skipped: totals.skipped,
			time: seconds(time),
		})}>`,
		...reports.map(renderTestSuite),
		"</testsuites>",
		"",
	].join("\n");
}
