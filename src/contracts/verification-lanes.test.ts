/**
 * The verify stage's lanes against the mock region, through a proxy that
 * delays or resets chosen requests. Two interactions are verified at the
 * same time, and a stall or a crash in one lane fails only that lane's
 * interaction. A lane's clean-up leaves the other lane's endpoint alone, a
 * lane never keeps two endpoints, and across the whole pact at most 2 of
 * the run's endpoints are alive at once.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { UNKNOWN_ENDPOINT_ID } from "../../contracts/support/contract.ts";
import { createLedgerReconciler } from "../../contracts/support/ledger-reconcile.ts";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
	readPactFile,
} from "../../contracts/support/pact-file.ts";
import {
	VerificationRunner,
	type VerificationRunnerOptions,
} from "../../contracts/support/verification-runner.ts";
import { criticalPath } from "../bench/critical-path.ts";
import { MaasClient } from "../client/index.ts";
import {
	type LoggedRequest,
	REQUEST_LOG_FILE,
	readRequestLog,
} from "../client/request-log.ts";
import { loadConfig, toChildEnvironment } from "../config/index.ts";
import {
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";
import { registerSecret } from "../redact.ts";
import {
	holdFirst,
	type ProxiedRequest,
	pairFirstTwo,
	type RequestRule,
	resetFirst,
	startHoldingProxy,
} from "./holding-proxy.ts";
import { regionAlivePeak } from "./region-alive-peak.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-verification-lanes-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const PACT_FILE = listPactFiles(COMMITTED_PACT_DIR)[0] as string;
const DESCRIPTIONS = readPactFile(PACT_FILE).interactions.map(
	(interaction) => interaction.description,
);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const isList = (request: ProxiedRequest) =>
	request.method === "GET" &&
	/\/custom-endpoint\/endpoint(\?.*)?$/.test(request.path);
const isControl = (request: ProxiedRequest) =>
	request.method === "PUT" &&
	request.path.includes("/custom-endpoint/control/");
const isDelete = (request: ProxiedRequest) => request.method === "DELETE";
const isUnknownDelete = (request: ProxiedRequest) =>
	isDelete(request) && request.path.endsWith(`/${UNKNOWN_ENDPOINT_ID}`);

let runs = 0;

interface SetUp {
	mock?: MockRegionOptions;
	rules?: RequestRule[];
	requestTimeoutMs: number;
	runner?: Partial<VerificationRunnerOptions>;
	/** Where the verification processes write the run's request log. */
	reportDir?: string;
}

/** Starts a mock region behind a holding proxy, and a runner with a reconciler. */
async function setUp(options: SetUp) {
	const mock = await startMockRegion(options.mock ?? {});
	cleanups.push(() => mock.close());
	const proxy = await startHoldingProxy(mock.url, options.rules ?? []);
	cleanups.push(() => proxy.close());
	registerSecret(mock.token);
	runs += 1;
	const runId = `lanes${runs}`;
	const ledgerFile = join(workDir, `${runId}.jsonl`);
	const config = loadConfig({ env: {}, envFile: false });
	const env = toChildEnvironment(config, {
		MAAS_ENDPOINT: proxy.url,
		MAAS_PROJECT_ID: mock.projectId,
		MAAS_AUTH_TOKEN: mock.token,
		MAAS_RUN_ID: runId,
		MAAS_LEDGER_FILE: ledgerFile,
		MAAS_REQUEST_TIMEOUT_MS: String(options.requestTimeoutMs),
		...(options.reportDir ? { MAAS_REPORT_DIR: options.reportDir } : {}),
	});
	const ledger = Ledger.open(ledgerFile, runId);
	const client = new MaasClient({
		endpoint: proxy.url,
		projectId: mock.projectId,
		token: mock.token,
		timeoutMs: options.requestTimeoutMs,
	});
	cleanups.push(() => client.close());
	const reconciler = createLedgerReconciler({
		client,
		ledger,
		namePrefix: config.namePrefix,
	});
	const runner = new VerificationRunner({
		env,
		requestTimeoutMs: options.requestTimeoutMs,
		reconciler,
		...options.runner,
	});
	cleanups.push(() => runner.close());
	runner.warmUp();
	return { mock, proxy, ledger, reconciler, runner };
}

describe("verification lanes", () => {
	test("two interactions: verified at the same time", async () => {
		const pair = pairFirstTwo(
			(request) => isList(request) || isUnknownDelete(request),
		);
		const { runner } = await setUp({
			rules: [pair.rule],
			requestTimeoutMs: 5000,
		});
		const reports = await Promise.all([
			runner.verify(PACT_FILE, "list endpoints"),
			runner.verify(PACT_FILE, "delete an unknown endpoint"),
		]);
		expect(reports.map((report) => report.message)).toEqual(["", ""]);
		expect(reports.map((report) => report.lane)).toEqual([0, 1]);
		expect(pair.paired()).toBe(true);
	});

	test("one lane: the held request waits for one that never comes", async () => {
		const pair = pairFirstTwo(
			(request) => isList(request) || isUnknownDelete(request),
		);
		const { runner } = await setUp({
			rules: [pair.rule],
			requestTimeoutMs: 1000,
			runner: { lanes: 1 },
		});
		const reports = await Promise.all([
			runner.verify(PACT_FILE, "list endpoints"),
			runner.verify(PACT_FILE, "delete an unknown endpoint"),
		]);
		expect(reports[0]?.passed).toBe(false);
		expect(reports[0]?.message).toContain(
			'provider verification of "list endpoints"',
		);
		// Only once the first gave up did the second get the lane.
		expect(reports[1]?.message).toBe("");
		expect(reports.map((report) => report.lane)).toEqual([0, 0]);
	});

	test("stall in one lane: fails only its interaction", async () => {
		// The disable is never forwarded; the verifier would wait 90 s, so
		// only the interaction's deadline ends it.
		const stalled = holdFirst(isControl);
		const { mock, runner, ledger } = await setUp({
			rules: [stalled.rule],
			requestTimeoutMs: 30_000,
			runner: { interactionDeadlineMs: 10_000 },
		});
		const order: string[] = [];
		const settle = async (description: string) => {
			const report = await runner.verify(PACT_FILE, description);
			order.push(description);
			return report;
		};
		const [stall, beside] = await Promise.all([
			settle("disable an endpoint"),
			settle("list endpoints"),
		]);
		expect(stall?.message).toMatch(
			/^provider verification of "disable an endpoint" did not finish within 10000 ms and was stopped/,
		);
		expect(beside?.message).toBe("");
		expect(order).toEqual(["list endpoints", "disable an endpoint"]);
		expect([stall?.lane, beside?.lane]).toEqual([0, 1]);
		// The lane's clean-up deleted the endpoint the killed process left.
		expect(stall?.cleanup).toEqual([]);
		expect(mock.endpoints()).toEqual([]);
		expect(ledger.alive()).toEqual([]);

		const next = await runner.verify(PACT_FILE, "delete an unknown endpoint");
		expect(next.message).toBe("");
		expect(next.lane).toBe(0);
		expect(next.pid).not.toBe(stall?.pid);
	});

	test("crash in one lane: fails only its interaction", async () => {
		// The crashing delete and the list are in flight together.
		const pair = pairFirstTwo(
			(request) => isList(request) || isDelete(request),
		);
		const { runner } = await setUp({
			mock: { deviations: ["delete-204-body"] },
			rules: [pair.rule],
			requestTimeoutMs: 3000,
		});
		const [broken, beside] = await Promise.all([
			runner.verify(PACT_FILE, "delete an existing endpoint"),
			runner.verify(PACT_FILE, "list endpoints"),
		]);
		expect(pair.paired()).toBe(true);
		expect(broken?.passed).toBe(false);
		expect(broken?.message).toMatch(
			/(crashed|did not finish within \d+ ms).*the region may have sent a body on a 204/,
		);
		expect(beside?.message).toBe("");
		expect([broken?.lane, beside?.lane]).toEqual([0, 1]);

		const next = await runner.verify(PACT_FILE, "delete an unknown endpoint");
		expect(next.message).toBe("");
		expect(next.lane).toBe(0);
		expect(next.pid).not.toBe(broken?.pid);
	});

	test("a lane's clean-up: leaves the other lane's endpoint alone", async () => {
		// Lane 0 disables its endpoint only after lane 1 cleaned up. Lane 1's
		// teardown cannot list, so its clean-up finds the endpoint its
		// interaction created, and lane 0's beside it.
		const disable = holdFirst(isControl);
		const { mock, runner, ledger } = await setUp({
			rules: [disable.rule, resetFirst(isList)],
			requestTimeoutMs: 5000,
		});
		const other = runner.verify(PACT_FILE, "disable an endpoint");
		const held = await disable.arrived;
		const otherId = held.path.split("/").pop() as string;
		const created = await runner.verify(PACT_FILE, "create an endpoint");

		expect(created.lane).toBe(1);
		expect(created.message).toMatch(
			/provider state "an endpoint name is reserved" teardown failed/,
		);
		expect(created.cleanup).toEqual([]);
		expect(created.names).toHaveLength(1);
		// The clean-up deleted what lane 1 made; lane 0's endpoint is alive.
		expect(mock.endpoints().map((endpoint) => endpoint.id)).toEqual([otherId]);
		expect(
			mock.requests().filter((request) => request.path.endsWith(otherId)),
		).toEqual([]);

		disable.release();
		const disabled = await other;
		expect(disabled.lane).toBe(0);
		expect(disabled.message).toBe("");
		expect(mock.endpoints()).toEqual([]);
		expect(ledger.alive()).toEqual([]);
	});

	test("a lane left holding an endpoint: retires while another lane works", async () => {
		// The teardown cannot list and the clean-up's delete is reset, so
		// lane 0 keeps the endpoint its interaction created.
		const { mock, runner } = await setUp({
			rules: [resetFirst(isList), resetFirst(isDelete)],
			requestTimeoutMs: 5000,
		});
		const stuck = await runner.verify(PACT_FILE, "create an endpoint");
		expect(stuck.lane).toBe(0);
		expect(stuck.cleanup.join("\n")).toMatch(
			new RegExp(`could not clean up endpoint ${stuck.names[0]}`),
		);
		expect(mock.endpoints()).toHaveLength(1);

		const later = [];
		for (const description of [
			"delete an existing endpoint",
			"list endpoints",
		]) {
			later.push(await runner.verify(PACT_FILE, description));
		}
		expect(later.map((report) => report.message)).toEqual(["", ""]);
		expect(later.map((report) => report.lane)).toEqual([1, 1]);
		// Only the stuck endpoint is left, for the gate's cleanup.
		expect(mock.endpoints().map((endpoint) => endpoint.endpoint_name)).toEqual(
			stuck.names,
		);
	});

	test("the last lane left holding an endpoint: its states refuse a second", async () => {
		const { mock, runner } = await setUp({
			rules: [resetFirst(isList), resetFirst(isDelete)],
			requestTimeoutMs: 5000,
			runner: { lanes: 1 },
		});
		const stuck = await runner.verify(PACT_FILE, "create an endpoint");
		expect(stuck.cleanup).toHaveLength(1);
		const posts = () =>
			mock.requests().filter((request) => request.method === "POST").length;
		const postsBefore = posts();

		const refused = await runner.verify(
			PACT_FILE,
			"delete an existing endpoint",
		);
		expect(refused.lane).toBe(0);
		expect(refused.message).toMatch(
			new RegExp(
				`this verification lane already has 1 endpoint that may be alive \\(${stuck.names[0]}\\) and may have at most 1`,
			),
		);
		expect(posts()).toBe(postsBefore);
		// An interaction without an endpoint still runs in the lane.
		const list = await runner.verify(PACT_FILE, "list endpoints");
		expect(list.message).toBe("");
		expect(mock.endpoints()).toHaveLength(1);
	});

	test("the whole pact in two lanes: at most 2 of the run's endpoints alive at once", async () => {
		const reportDir = join(workDir, "whole-pact");
		mkdirSync(reportDir);
		const { mock, runner, ledger, reconciler } = await setUp({
			mock: { delayMs: 20 },
			requestTimeoutMs: 3000,
			reportDir,
		});
		const reports = await Promise.all(
			DESCRIPTIONS.map((description) => runner.verify(PACT_FILE, description)),
		);
		expect(reports.map((report) => report.message)).toEqual(
			DESCRIPTIONS.map(() => ""),
		);
		expect(new Set(reports.map((report) => report.lane))).toEqual(
			new Set([0, 1]),
		);
		expect(await reconciler.reconcile()).toEqual([]);
		expect(regionAlivePeak(mock.requests())).toBeLessThanOrEqual(2);
		expect(ledger.peakAlive()).toBeLessThanOrEqual(2);
		expect(ledger.alive()).toEqual([]);
		expect(mock.endpoints()).toEqual([]);
		expect(ledger.burnedNames()).toBe(5);

		// The request log: complete, and each lane's process one chain of
		// requests, the two side by side.
		const { entries, problems } = readRequestLog(
			join(reportDir, REQUEST_LOG_FILE),
		);
		expect(problems).toEqual([]);
		expect(entries).toHaveLength(mock.requests().length);
		expect(entries.every((entry) => entry.stage === "verify")).toBe(true);
		// A request id starts with the tag of the process that sent it.
		const byLane = new Map<string, LoggedRequest[]>();
		for (const entry of entries) {
			const tag = entry.id.split(".")[0] as string;
			byLane.set(tag, [...(byLane.get(tag) ?? []), entry]);
		}
		expect(byLane.size).toBe(2);
		const lanes = [...byLane.values()];
		for (const lane of lanes) {
			expect(criticalPath(lane, { withQueues: true }).length).toBe(lane.length);
		}
		const whole = criticalPath(entries, { withQueues: true });
		expect(whole.unknownIds).toEqual([]);
		expect(whole.length).toBe(Math.max(...lanes.map((lane) => lane.length)));
		expect(whole.length).toBeLessThan(entries.length);
	});
});
