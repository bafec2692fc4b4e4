/**
 * Runs the verify stage as the gate does (`vitest run --project verify` in
 * a child process) against the mock region. Every documented alternative
 * passes every interaction. A region that breaks the delete rule fails
 * exactly the DELETE-204-EMPTY testcase, also when it crashes the verifier
 * or never responds, and the run still ends. After every run none of the
 * run's endpoints is left, at most 2 were alive at once though the stage
 * verifies in two lanes, and the endpoint that was there before is
 * untouched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
	EXAMPLE_ENDPOINT_ID,
	EXAMPLE_ENDPOINT_NAME,
} from "../../contracts/support/contract.ts";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
	readPactFile,
	requirementOf,
} from "../../contracts/support/pact-file.ts";
import { runVitestProject } from "../../contracts/support/vitest-run.ts";
import { loadConfig, toChildEnvironment } from "../config/index.ts";
import {
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";
import { regionAlivePeak } from "./region-alive-peak.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-verify-stage-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Requirement ids of the committed interactions, one per testcase. */
const REQUIREMENTS = listPactFiles(COMMITTED_PACT_DIR)
	.flatMap((file) => readPactFile(file).interactions)
	.map((interaction) => requirementOf(interaction));

const SEED = { endpoint_name: "someone-elses-endpoint" };

interface StageCase {
	name: string;
	options: MockRegionOptions;
	/** Requirement ids whose testcase must fail; all others must pass. */
	failing: string[];
	/** Pattern the failing testcase's message must match. */
	message?: RegExp;
}

const CASES: StageCase[] = [
	{ name: "the conformant mock", options: {}, failing: [] },
	{ name: "not found as 404", options: { notFoundStatus: 404 }, failing: [] },
	{ name: "create answered 201", options: { createStatus: 201 }, failing: [] },
	{
		name: "create answered without an id",
		options: { createReturnsId: false },
		failing: [],
	},
	{ name: "a quota of 30", options: { quota: 30 }, failing: [] },
	{
		name: "undocumented extra fields",
		options: { extraFields: true },
		failing: [],
	},
	{
		name: "the Delete page's invalid-token example",
		options: { invalidTokenStyle: "delete-example" },
		failing: [],
	},
	{
		name: "a delete answered 200 with JSON",
		options: { deviations: ["delete-200-json"] },
		failing: ["DELETE-204-EMPTY"],
		message: /StatusMismatch: expected 204 but was 200/,
	},
	{
		name: "a 204 with a body",
		options: { deviations: ["delete-204-body"] },
		failing: ["DELETE-204-EMPTY"],
		message:
			/(crashed|did not finish within \d+ ms).*the region may have sent a body on a 204/,
	},
	{
		name: "a delete that is never answered",
		options: { deviations: ["delete-never-responds"] },
		failing: ["DELETE-204-EMPTY"],
		message:
			/no complete answer within the verifier's 9000 ms|did not finish within \d+ ms/,
	},
];

/** The machine has two cores: at most two stage runs at once. */
const MAX_PARALLEL = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
	if (running >= MAX_PARALLEL) {
		await new Promise<void>((resolve) => waiting.push(resolve));
	}
	running += 1;
	try {
		return await work();
	} finally {
		running -= 1;
		waiting.shift()?.();
	}
}

let runs = 0;

describe("verify stage against the mock region", () => {
	test("has one testcase per committed interaction to check", () => {
		expect(REQUIREMENTS.length).toBeGreaterThanOrEqual(5);
		expect(REQUIREMENTS).toContain("DELETE-204-EMPTY");
	});

	for (const stageCase of CASES) {
		test.concurrent(
			`${stageCase.failing.length === 0 ? "passes" : `fails only ${stageCase.failing.join(", ")}`} with ${stageCase.name}`,
			{ timeout: 300_000 },
			() =>
				withSlot(async () => {
					runs += 1;
					const runId = `vstage${runs}`;
					const ledgerFile = join(workDir, `ledger-${runId}.jsonl`);
					const mock = await startMockRegion({
						...stageCase.options,
						seed: [SEED],
					});
					try {
						const [seeded] = mock.endpoints();
						const env = toChildEnvironment(
							loadConfig({ env: {}, envFile: false }),
							{
								MAAS_ENDPOINT: mock.url,
								MAAS_PROJECT_ID: mock.projectId,
								MAAS_AUTH_TOKEN: mock.token,
								MAAS_RUN_ID: runId,
								MAAS_LEDGER_FILE: ledgerFile,
								MAAS_REPORT_DIR: join(workDir, runId),
								MAAS_REQUEST_TIMEOUT_MS: "3000",
							},
						);
						const run = await runVitestProject({
							project: "verify",
							env,
							timeoutMs: 280_000,
						});
						expect(run.timedOut, run.output).toBe(false);
						expect(run.tests.map((item) => item.title.split(" ")[0])).toEqual(
							expect.arrayContaining(REQUIREMENTS as string[]),
						);
						expect(run.tests).toHaveLength(REQUIREMENTS.length);

						const failed = run.tests.filter((item) => item.status !== "passed");
						expect(
							failed.map((item) => item.meta?.requirement),
							failed
								.map((item) => item.failureMessages.join("\n"))
								.join("\n\n"),
						).toEqual(stageCase.failing);
						expect(run.exitCode).toBe(stageCase.failing.length === 0 ? 0 : 1);
						for (const item of failed) {
							const message = item.failureMessages.join("\n");
							if (stageCase.message) expect(message).toMatch(stageCase.message);
							expect(message).not.toContain(mock.token);
						}
						for (const item of run.tests) {
							expect(item.meta).toMatchObject({
								requirement: item.title.split(" ")[0],
								stage: "verify",
								target: mock.url,
							});
						}

						// Nothing of the run is left, nothing else was touched.
						expect(mock.endpoints()).toEqual([seeded]);
						const seedId = seeded?.id as string;
						expect(
							mock.requests().filter((r) => r.path.includes(seedId)),
						).toEqual([]);
						expect(
							mock
								.requests()
								.filter((r) => r.path.includes(EXAMPLE_ENDPOINT_ID)),
						).toEqual([]);
						expect(mock.burnedNames()).not.toContain(EXAMPLE_ENDPOINT_NAME);
						const ledger = Ledger.open(ledgerFile, runId);
						expect(ledger.alive()).toEqual([]);
						expect(ledger.peakAlive()).toBeLessThanOrEqual(2);
						// The region's own log bounds it too, the endpoints the
						// interactions created included. A delete that never gets a
						// response would count as not freeing its endpoint.
						if (stageCase.failing.length === 0) {
							expect(regionAlivePeak(mock.requests())).toBeLessThanOrEqual(2);
						}
						expect(ledger.burnedNames()).toBeGreaterThan(0);
					} finally {
						await mock.close();
					}
				}),
		);
	}
});
