import { relative } from "node:path";
import type { TaskMeta } from "vitest";
import type {
	Reporter,
	SerializedError,
	TestCase,
	TestModule,
	TestRunEndReason,
	Vitest,
} from "vitest/node";
import { loadConfig } from "../config/index.ts";
import "./meta.ts";
import { writeStageReport } from "./stage-files.ts";
import type { StageReport, TestCaseReport } from "./stage-report.ts";
import { cleanText } from "./xml.ts";

/**
 * Vitest reporter that writes one JUnit file per stage (vitest project) to
 * `<MAAS_REPORT_DIR>/junit/<stage>.xml`, plus its JSON sidecar. Use it as
 * `vitest run --project probes --reporter=./src/report/junit-reporter.ts`.
 *
 * Each test becomes a `<testcase>` with properties from `task.meta` (see
 * meta.ts). Failures that belong to no test also become failing testcases,
 * so a CI system that reads only the XML never shows a broken run as green.
 * These are unhandled errors (`GATE-UNHANDLED-ERROR <message>`), modules
 * that did not load and failed suite hooks (`GATE-MODULE-ERROR <file>`), and
 * tests still pending when the run ended.
 */

export interface JunitReporterOptions {
	/** Report folder; default `loadConfig().reportDir` (MAAS_REPORT_DIR). */
	reportDir?: string;
}

/** task.meta field -> JUnit property name, in output order. */
const META_PROPERTIES: ReadonlyArray<readonly [keyof TaskMeta, string]> = [
	["requirement", "requirement"],
	["level", "level"],
	["source", "source"],
	["target", "target"],
	["status", "status"],
	["errorCode", "error_code"],
	["requestId", "request_id"],
	["alternative", "alternative"],
	["warning", "warning"],
	["stage", "stage"],
];

export class JunitReporter implements Reporter {
	private readonly options: JunitReporterOptions;
	private reportDir = "";
	private root = process.cwd();
	private projectNames: string[] = [];
	private startedAt = new Date();

	constructor(options: JunitReporterOptions = {}) {
		this.options = options;
	}

	onInit(vitest: Vitest): void {
		this.root = vitest.config.root;
		// Loading the configuration also registers its secrets with redact in
		// this (the vitest main) process. With an explicit report folder a
		// missing or invalid configuration is not the reporter's concern.
		let configuredDir: string | undefined;
		try {
			configuredDir = loadConfig().reportDir;
		} catch (error) {
			if (this.options.reportDir === undefined) throw error;
		}
		this.reportDir = this.options.reportDir ?? configuredDir ?? "reports";
		this.projectNames = vitest.projects.map((project) => project.name);
		this.startedAt = new Date();
	}

	onTestRunStart(): void {
		this.startedAt = new Date();
	}

	onTestRunEnd(
		testModules: ReadonlyArray<TestModule>,
		unhandledErrors: ReadonlyArray<SerializedError>,
		reason: TestRunEndReason,
	): void {
		const stages = new Map<string, StageReport>();
		const stageOf = (name: string): StageReport => {
			let report = stages.get(name);
			if (!report) {
				report = {
					stage: name,
					timestamp: this.startedAt.toISOString(),
					timeSeconds: 0,
					testcases: [],
				};
				stages.set(name, report);
			}
			return report;
		};
		// Every selected project gets a file, also one with no test files,
		// so the gate can tell "ran nothing" from "did not run".
		for (const name of this.projectNames) stageOf(name);

		const fileStages = new Map<string, string>();
		for (const testModule of testModules) {
			const stage = testModule.project.name;
			fileStages.set(testModule.moduleId, stage);
			stageOf(stage).testcases.push(
				...this.moduleTestcases(testModule, stage, reason),
			);
		}
		for (const error of unhandledErrors) {
			const testPath = stringField(error, "VITEST_TEST_PATH");
			const stage =
				(testPath && fileStages.get(testPath)) ??
				this.projectNames[0] ??
				testModules[0]?.project.name ??
				"vitest";
			stageOf(stage).testcases.push(
				this.unhandledTestcase(error, stage, testPath),
			);
		}

		const elapsed = (Date.now() - this.startedAt.getTime()) / 1000;
		for (const report of stages.values()) {
			report.timeSeconds = elapsed;
			writeStageReport(this.reportDir, report);
		}
	}

	private moduleTestcases(
		testModule: TestModule,
		stage: string,
		reason: TestRunEndReason,
	): TestCaseReport[] {
		const file = this.relativeFile(testModule.moduleId);
		const classname = `${stage}/${file}`;
		const testcases: TestCaseReport[] = [];

		// Errors outside any test: the module did not load (import or syntax
		// error), or a beforeAll/afterAll hook of the module or a suite threw.
		const outside: Array<{ where: string; error: SerializedError }> = [];
		for (const error of testModule.errors()) outside.push({ where: "", error });
		for (const suite of testModule.children.allSuites()) {
			for (const error of suite.errors()) {
				outside.push({
					where: `suite ${JSON.stringify(suite.fullName)}: `,
					error,
				});
			}
		}
		const first = outside[0];
		if (first) {
			testcases.push({
				name: `GATE-MODULE-ERROR ${file}`,
				classname,
				timeSeconds: 0,
				properties: { stage },
				outcome: "error",
				type: "ModuleError",
				message: cleanText(
					`${file} failed outside its tests (import, syntax or hook error): ${first.where}${first.error.message ?? "unknown error"}`,
				),
				detail: outside
					.map(({ where, error }) => `${where}${formatError(error)}`)
					.join("\n\n"),
			});
		}

		for (const test of testModule.children.allTests()) {
			const specFile = test.meta().specFile;
			testcases.push(
				testcaseOf(
					test,
					stage,
					specFile ? `${stage}/${specFile}` : classname,
					reason,
				),
			);
		}
		return testcases;
	}

	private unhandledTestcase(
		error: SerializedError,
		stage: string,
		testPath: string | undefined,
	): TestCaseReport {
		const firstLine = cleanText(error.message ?? "").split("\n")[0] ?? "";
		const testName = stringField(error, "VITEST_TEST_NAME");
		const where = [
			testPath ? `file ${this.relativeFile(testPath)}` : undefined,
			// Vitest names the test that was running when the error surfaced,
			// which is not necessarily the one that caused it.
			testName ? `last test started: ${JSON.stringify(testName)}` : undefined,
		].filter(Boolean);
		return {
			name: `GATE-UNHANDLED-ERROR ${firstLine || (error.name ?? "error")}`,
			classname: `${stage}/${testPath ? this.relativeFile(testPath) : "unhandled"}`,
			timeSeconds: 0,
			properties: { stage },
			outcome: "error",
			type: cleanText(error.name ?? "UnhandledError"),
			message: cleanText(
				`unhandled error${where.length ? ` (${where.join(", ")})` : ""}: ${
					error.message ?? ""
				}`,
			),
			detail: formatError(error),
		};
	}

	private relativeFile(moduleId: string): string {
		return relative(this.root, moduleId).split("\\").join("/") || moduleId;
	}
}

function testcaseOf(
	test: TestCase,
	stage: string,
	classname: string,
	reason: TestRunEndReason,
): TestCaseReport {
	const meta = test.meta();
	const properties: Record<string, string> = {};
	for (const [key, property] of META_PROPERTIES) {
		const value = meta[key];
		if (value !== undefined && value !== null && value !== "") {
			properties[property] = cleanText(String(value));
		}
	}
	properties.stage ??= stage;

	const result = test.result();
	const testcase: TestCaseReport = {
		name: cleanText(test.name),
		classname,
		timeSeconds: (test.diagnostic()?.duration ?? 0) / 1000,
		properties,
		outcome: "passed",
	};
	if (result.state === "failed") {
		testcase.outcome = "failed";
		testcase.type = cleanText(result.errors[0]?.name ?? "Error");
		testcase.message = cleanText(result.errors[0]?.message ?? "failed");
		testcase.detail = result.errors.map(formatError).join("\n\n");
	} else if (result.state === "skipped") {
		testcase.outcome = "skipped";
		if (result.note) testcase.message = cleanText(result.note);
	} else if (result.state === "pending") {
		testcase.outcome = "error";
		testcase.type = "TestNotFinished";
		testcase.message = `the test did not finish before the run ended (${reason})`;
	}
	return testcase;
}

function stringField(error: SerializedError, key: string): string | undefined {
	const value = error[key];
	return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Formats the whole text of an error: stack (or name and message), diff, causes. */
function formatError(error: SerializedError, depth = 0): string {
	const parts: string[] = [];
	const head = `${error.name ?? "Error"}: ${error.message ?? ""}`;
	const stack = typeof error.stack === "string" ? error.stack : "";
	// A V8 stack starts with "Name: message"; keep the message when it does not.
	parts.push(
		stack.includes(error.message ?? "") && stack.length > 0
			? stack
			: [head, stack].filter(Boolean).join("\n"),
	);
	const diff = (error as { diff?: unknown }).diff;
	if (typeof diff === "string" && diff.length > 0) parts.push(diff);
	if (error.cause && typeof error.cause === "object" && depth < 5) {
		parts.push(`Caused by: ${formatError(error.cause, depth + 1)}`);
	}
	return cleanText(parts.join("\n"));
}

export default JunitReporter;
