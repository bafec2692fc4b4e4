import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { mergeReports } from "./merge.ts";
import { appendTestcases, writeStageReport } from "./stage-files.ts";
import type { StageReport, TestCaseReport } from "./stage-report.ts";
import { findAll, parseXml } from "./xml-check.ts";

let reportDir: string;

beforeEach(() => {
	reportDir = mkdtempSync(join(tmpdir(), "maas-merge-"));
});
afterEach(() => rmSync(reportDir, { recursive: true, force: true }));

function passed(name: string, extra: Partial<TestCaseReport> = {}) {
	return {
		name,
		classname: "x/file.ts",
		timeSeconds: 0.5,
		properties: { requirement: name.split(" ")[0] ?? "" },
		outcome: "passed",
		...extra,
	} satisfies TestCaseReport;
}

function stage(name: string, testcases: TestCaseReport[]): StageReport {
	return {
		stage: name,
		timestamp: "2025-01-01T00:00:00.000Z",
		timeSeconds: 2,
		testcases,
	};
}

describe("mergeReports", () => {
	test("one testsuites with totals and one testsuite per stage in run order", () => {
		writeStageReport(
			reportDir,
			stage("probes", [
				passed("DELETE-204-EMPTY a"),
				passed("LIST-SCHEMA b", {
					outcome: "failed",
					message: "LIST-SCHEMA: count missing\nmore",
				}),
				passed("CONTROL-204-EMPTY c", { outcome: "skipped" }),
			]),
		);
		writeStageReport(
			reportDir,
			stage("contracts", [passed("DELETE-204-EMPTY d")]),
		);
		appendTestcases(reportDir, "verify", [
			passed("GATE-STAGE-verify no test files", {
				outcome: "error",
				message: "verify: no test files",
			}),
		]);

		const result = mergeReports({ reportDir });
		const root = parseXml(readFileSync(join(reportDir, "junit.xml"), "utf8"));
		expect(root.name).toBe("testsuites");
		expect(root.attributes).toMatchObject({
			tests: "5",
			failures: "1",
			errors: "1",
			skipped: "1",
			time: "4.500",
		});
		expect(
			findAll(root, "testsuite").map((suite) => suite.attributes.name),
		).toEqual(["contracts", "verify", "probes"]);
		expect(result.verdict).toBe("does-not-conform");
		expect(result.totals.passed).toBe(2);
		const summary = readFileSync(join(reportDir, "summary.txt"), "utf8");
		expect(summary).toBe(result.summary);
		expect(summary).toContain("contracts: 1 passed, 0 failed\n");
		expect(summary).toContain("probes: 1 passed, 1 failed, 1 skipped\n");
		expect(summary).toContain(
			"LIST-SCHEMA [probes] LIST-SCHEMA: count missing\n",
		);
		expect(summary).toContain(
			"GATE-STAGE-verify [verify] verify: no test files",
		);
	});

	test("a run where everything passed conforms", () => {
		writeStageReport(reportDir, stage("probes", [passed("DELETE-204-EMPTY")]));
		expect(mergeReports({ reportDir }).verdict).toBe("conforms");
	});

	test("a run without any testcase does not conform", () => {
		expect(mergeReports({ reportDir }).verdict).toBe("does-not-conform");
	});

	test("an unreadable sidecar is an error naming the file", () => {
		writeStageReport(reportDir, stage("probes", []));
		writeFileSync(join(reportDir, "junit", "probes.json"), '{"x":1}');
		expect(() => mergeReports({ reportDir })).toThrow(/probes\.json/);
	});
});
