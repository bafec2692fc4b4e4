import {
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { renderTestSuites } from "./junit-xml.ts";
import type { StageReport, TestCaseReport } from "./stage-report.ts";

/**
 * Each stage is written twice: `junit/<stage>.xml` for CI systems and the
 * JSON sidecar `junit/<stage>.json`, from which `merge.ts` builds the merged
 * report without parsing XML.
 */

/** Folder of the per-stage files: `<reportDir>/junit`. */
export function stageReportDir(reportDir: string): string {
	return join(reportDir, "junit");
}

/** File name part for a stage; keeps it inside the folder whatever the name. */
export function stageFileName(stage: string): string {
	return stage.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_") || "_";
}

export function stageXmlPath(reportDir: string, stage: string): string {
	return join(stageReportDir(reportDir), `${stageFileName(stage)}.xml`);
}

export function stageJsonPath(reportDir: string, stage: string): string {
	return join(stageReportDir(reportDir), `${stageFileName(stage)}.json`);
}

/** Writes `junit/<stage>.xml` (one `<testsuites>`) and its JSON sidecar. */
export function writeStageReport(reportDir: string, report: StageReport): void {
	mkdirSync(stageReportDir(reportDir), { recursive: true });
	writeFileSync(
		stageJsonPath(reportDir, report.stage),
		`${JSON.stringify(report, null, 2)}\n`,
	);
	writeFileSync(
		stageXmlPath(reportDir, report.stage),
		renderTestSuites(report.stage, [report]),
	);
}

/** Removes a stage's two files, if it wrote any. */
export function removeStageReport(reportDir: string, stage: string): void {
	rmSync(stageJsonPath(reportDir, stage), { force: true });
	rmSync(stageXmlPath(reportDir, stage), { force: true });
}

/** Reads one stage's sidecar; undefined when the stage wrote none. */
export function readStageReport(
	reportDir: string,
	stage: string,
): StageReport | undefined {
	let text: string;
	try {
		text = readFileSync(stageJsonPath(reportDir, stage), "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
		throw error;
	}
	return parseStageReport(text, stageJsonPath(reportDir, stage));
}

/** Reads every sidecar in `<reportDir>/junit`, sorted by file name. */
export function readAllStageReports(reportDir: string): StageReport[] {
	let names: string[];
	try {
		names = readdirSync(stageReportDir(reportDir));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
		throw error;
	}
	return names
		.filter((name) => name.endsWith(".json"))
		.sort()
		.map((name) => {
			const file = join(stageReportDir(reportDir), name);
			return parseStageReport(readFileSync(file, "utf8"), file);
		});
}

function parseStageReport(text: string, file: string): StageReport {
	const value = JSON.parse(text) as Partial<StageReport>;
	if (
		typeof value !== "object" ||
		value === null ||
		typeof value.stage !== "string" ||
		!Array.isArray(value.testcases)
	) {
		throw new Error(
			`${file} is not a stage report (expected "stage" and "testcases"); delete it and rerun the gate`,
		);
	}
	return {
		stage: value.stage,
		timestamp: String(value.timestamp ?? new Date(0).toISOString()),
		timeSeconds: Number(value.timeSeconds ?? 0),
		testcases: value.testcases,
	};
}

/**
 * Adds testcases to a stage's files (creating them when the stage wrote
 * none), e.g. the gate's own GATE-STAGE-* and GATE-CLEANUP results.
 */
export function appendTestcases(
	reportDir: string,
	stage: string,
	testcases: readonly TestCaseReport[],
	startedAt: Date = new Date(),
): StageReport {
	const report: StageReport = readStageReport(reportDir, stage) ?? {
		stage,
		timestamp: startedAt.toISOString(),
		timeSeconds: 0,
		testcases: [],
	};
	report.testcases.push(...testcases);
	writeStageReport(reportDir, report);
	return report;
}
