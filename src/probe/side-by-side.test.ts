import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startStage } from "../cli/stage-runner.ts";
import { stageTimeoutFor } from "../cli/stage-timeout.ts";
import { REQUEST_LOG_FILE, readRequestLog } from "../client/request-log.ts";
import {
	loadConfig,
	PROJECT_ROOT,
	toChildEnvironment,
} from "../config/index.ts";
import { type MockRegion, startMockRegion } from "../mock-region/index.ts";
import { readStageReport } from "../report/stage-files.ts";
import type { StageReport } from "../report/stage-report.ts";
import { randomRunId } from "./run-id.ts";

/**
 * The probes stage as the gate runs it, against a region that delays every
 * response by 150 ms. The checks of different spec files run side by side,
 * and the report still names each check's own spec file.
 */

const DELAY_MS = 150;

let dir: string;
let region: MockRegion;
let report: StageReport | undefined;
let log: ReturnType<typeof readRequestLog>;
let exitCode: number | undefined;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "maas-side-by-side-"));
	region = await startMockRegion({ delayMs: DELAY_MS });
	const runId = randomRunId();
	const config = loadConfig({
		env: {
			MAAS_ENDPOINT: region.url,
			MAAS_PROJECT_ID: region.projectId,
			MAAS_AUTH_TOKEN: region.token,
			MAAS_REPORT_DIR: dir,
		},
		envFile: false,
	});
	const env = toChildEnvironment(config, {
		MAAS_RUN_ID: runId,
		MAAS_LEDGER_FILE: join(dir, `ledger-${runId}.jsonl`),
		NO_COLOR: "1",
	});
	for (const name of ["PATH", "HOME"]) {
		const value = process.env[name];
		if (value !== undefined) env[name] = value;
	}
	const stage = startStage({
		stage: "probes",
		root: PROJECT_ROOT,
		vitestEntry: join(PROJECT_ROOT, "node_modules", "vitest", "vitest.mjs"),
		reporterPath: join(PROJECT_ROOT, "src", "report", "junit-reporter.ts"),
		env,
		logFile: join(dir, "probes.log"),
		timeoutMs: stageTimeoutFor(config.requestTimeoutMs),
	});
	exitCode = (await stage.result).exitCode;
	report = readStageReport(dir, "probes");
	log = readRequestLog(join(dir, REQUEST_LOG_FILE));
}, 300_000);

afterAll(async () => {
	await region?.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("probes stage", () => {
	test("passes on the conformant region", () => {
		expect(exitCode).toBe(0);
		expect(report?.testcases.filter((t) => t.outcome !== "passed")).toEqual([]);
	});

	test("names each check's own spec file as its classname", () => {
		const specFiles = readdirSync(join(PROJECT_ROOT, "specs"))
			.filter((name) => name.endsWith(".spec.ts"))
			.map((name) => `probes/specs/${name}`)
			.sort();
		const classnames = new Set(report?.testcases.map((t) => t.classname));
		expect([...classnames].sort()).toEqual(specFiles);
	});

	test("checks of different spec files have requests in flight at once", () => {
		const fileOf = new Map(
			(report?.testcases ?? []).map((testcase) => [
				`probe:${testcase.properties.requirement}`,
				testcase.classname,
			]),
		);
		const checks = log.entries.filter((entry) => fileOf.has(entry.flow));
		const overlapping = checks.some((one) =>
			checks.some(
				(other) =>
					fileOf.get(one.flow) !== fileOf.get(other.flow) &&
					one.startMs < other.endMs &&
					other.startMs < one.endMs,
			),
		);
		expect(checks.length).toBeGreaterThan(10);
		expect(overlapping).toBe(true);
	});
});
