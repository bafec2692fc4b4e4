import { describe, expect, test } from "vitest";
import type { StageReport, TestCaseReport } from "./stage-report.ts";
import { formatSummary, stageLine } from "./summary.ts";

function testcase(
	name: string,
	outcome: TestCaseReport["outcome"],
	properties: Record<string, string> = {},
	message?: string,
): TestCaseReport {
	return {
		name,
		classname: "probes/specs/x.spec.ts",
		timeSeconds: 0,
		properties,
		outcome,
		...(message ? { message } : {}),
	};
}

function stage(name: string, testcases: TestCaseReport[]): StageReport {
	return { stage: name, timestamp: "", timeSeconds: 0, testcases };
}

const STAGES = [
	stage(
		"contracts",
		Array.from({ length: 9 }, (_, i) => testcase(`C-${i}`, "passed")),
	),
	stage("probes", [
		testcase(
			"DELETE-204-EMPTY successful delete answers 204",
			"failed",
			{ requirement: "DELETE-204-EMPTY" },
			"\n\nDELETE-204-EMPTY: body of 2 bytes on a 204\nsent: DELETE ...",
		),
		testcase("DELETE-REPEAT-REJECTED second delete", "passed", {
			requirement: "DELETE-REPEAT-REJECTED",
			alternative: "404",
		}),
		testcase("LIST-QUOTA-DOCUMENTED quota", "passed", {
			requirement: "LIST-QUOTA-DOCUMENTED",
			warning: "quantity_limit 12 is neither 10 nor 30\nmore",
			alternative: "quota 12",
		}),
		testcase("GATE-UNHANDLED-ERROR boom", "error", {}, "unhandled error: boom"),
	]),
];

describe("formatSummary", () => {
	const text = formatSummary({
		stages: STAGES,
		reportPath: "/r/junit.xml",
		endpoints: { burnedNames: 3, peakAlive: 2 },
		target: "http://127.0.0.1:9",
	});

	test("one line per stage", () => {
		expect(text).toContain("contracts: 9 passed, 0 failed\n");
		expect(text).toContain("probes: 2 passed, 2 failed\n");
	});

	test("failed checks with requirement id and first message line", () => {
		expect(text).toContain(
			"  DELETE-204-EMPTY [probes] DELETE-204-EMPTY: body of 2 bytes on a 204\n",
		);
		expect(text).not.toContain("sent: DELETE");
		expect(text).toContain(
			"  GATE-UNHANDLED-ERROR [probes] unhandled error: boom\n",
		);
	});

	test("SHOULD warnings, alternatives, endpoints, report path and verdict", () => {
		expect(text).toContain(
			"  LIST-QUOTA-DOCUMENTED [probes] quantity_limit 12 is neither 10 nor 30\n",
		);
		expect(text).toContain("  DELETE-REPEAT-REJECTED: 404\n");
		expect(text).toContain("  LIST-QUOTA-DOCUMENTED: quota 12\n");
		expect(text).toContain(
			"Endpoints: 3 names burned, at most 2 alive at once\n",
		);
		expect(text).toContain("Report: /r/junit.xml\n");
		expect(text.trimEnd().split("\n").at(-1)).toBe(
			"Verdict: DOES NOT CONFORM (2 of 13 checks failed)",
		);
	});

	test("an all-green run conforms and notes skipped checks", () => {
		const green = formatSummary({
			stages: [
				stage("probes", [testcase("A", "passed"), testcase("B", "skipped")]),
			],
			reportPath: "r",
		});
		expect(green.trimEnd().split("\n").at(-1)).toBe(
			"Verdict: CONFORMS (1 checks passed, 1 skipped (not checked))",
		);
		expect(stageLine(stage("probes", [testcase("B", "skipped")]))).toBe(
			"probes: 0 passed, 0 failed, 1 skipped",
		);
	});

	test("a first line ending in a colon gets its reason", () => {
		const text = formatSummary({
			stages: [
				stage("verify", [
					testcase(
						"DELETE-204-EMPTY delete an existing endpoint",
						"failed",
						{ requirement: "DELETE-204-EMPTY" },
						'provider verification of "delete an existing endpoint" failed:\n  status 200, expected 204\n  more',
					),
				]),
			],
			reportPath: "r",
		});
		expect(text).toContain(
			'  DELETE-204-EMPTY [verify] provider verification of "delete an existing endpoint" failed: status 200, expected 204\n',
		);
		expect(text).not.toContain("more");
	});

	test("an interrupted run is neither conforming nor failing", () => {
		const stopped = formatSummary({
			stages: [
				stage("probes", [testcase("A", "passed")]),
				stage("gate", [testcase("GATE-INTERRUPTED run stopped", "error")]),
			],
			reportPath: "r",
			interruptedBy: "SIGINT",
		});
		expect(stopped.trimEnd().split("\n").at(-1)).toBe(
			"Verdict: INTERRUPTED by SIGINT before all checks ran (1 passed, 1 failed or stopped, of 2)",
		);
	});
});
