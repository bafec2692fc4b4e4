/**
 * The verify stage's runner against the mock region, one interaction at a
 * time: a lane's process verifies interaction after interaction; a stall
 * past the interaction's deadline and a crash each fail that interaction
 * only and the next one gets a new process; a spent stage budget stops the
 * interaction in progress and fails the later ones at once; a verification
 * that cannot start reports why, and no other process is started. Lanes
 * verifying side by side are in verification-lanes.test.ts.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
} from "../../contracts/support/pact-file.ts";
import { VerificationProcess } from "../../contracts/support/verification-process.ts";
import {
	VerificationRunner,
	type VerificationRunnerOptions,
} from "../../contracts/support/verification-runner.ts";
import {
	loadConfig,
	PROJECT_ROOT,
	toChildEnvironment,
} from "../config/index.ts";
import {
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";
import { registerSecret } from "../redact.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-verification-runner-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const PACT_FILE = listPactFiles(COMMITTED_PACT_DIR)[0] as string;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let runs = 0;

async function target(options: MockRegionOptions, requestTimeoutMs: number) {
	const mock = await startMockRegion(options);
	cleanups.push(() => mock.close());
	registerSecret(mock.token);
	runs += 1;
	const runId = `runner${runs}`;
	const ledgerFile = join(workDir, `${runId}.jsonl`);
	const env = toChildEnvironment(loadConfig({ env: {}, envFile: false }), {
		MAAS_ENDPOINT: mock.url,
		MAAS_PROJECT_ID: mock.projectId,
		MAAS_AUTH_TOKEN: mock.token,
		MAAS_RUN_ID: runId,
		MAAS_LEDGER_FILE: ledgerFile,
		MAAS_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
	});
	return { mock, env, ledger: Ledger.open(ledgerFile, runId) };
}

function runner(options: VerificationRunnerOptions): VerificationRunner {
	const made = new VerificationRunner(options);
	cleanups.push(() => made.close());
	return made;
}

function groupIsGone(pid: number | undefined): boolean {
	try {
		process.kill(-(pid as number), 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "ESRCH";
	}
}

describe("verification runner", () => {
	test("several interactions one after another: one lane, one process", async () => {
		const { env, ledger, mock } = await target({}, 3000);
		const verifier = runner({ env, requestTimeoutMs: 3000 });
		const reports = [];
		for (const description of [
			"delete an existing endpoint",
			"delete an endpoint twice",
			"list endpoints",
		]) {
			reports.push(await verifier.verify(PACT_FILE, description));
		}
		expect(reports.map((report) => report.message)).toEqual(["", "", ""]);
		expect(reports.every((report) => report.passed)).toBe(true);
		const [first] = reports;
		expect(first?.pid).toBeDefined();
		expect(reports.every((report) => report.pid === first?.pid)).toBe(true);
		expect(reports.map((report) => report.lane)).toEqual([0, 0, 0]);
		expect(ledger.burnedNames()).toBe(2);
		expect(ledger.alive()).toEqual([]);
		expect(mock.endpoints()).toEqual([]);
	});

	test("processes started early: used only for the same environment", async () => {
		const { env } = await target({}, 3000);
		const early = [new VerificationProcess(env), new VerificationProcess(env)];
		const adopting = runner({
			env,
			requestTimeoutMs: 3000,
			startedProcesses: early,
		});
		const [first, second] = await Promise.all([
			adopting.verify(PACT_FILE, "list endpoints"),
			adopting.verify(PACT_FILE, "delete an unknown endpoint"),
		]);
		expect([first?.message, second?.message]).toEqual(["", ""]);
		expect([first?.pid, second?.pid]).toEqual(early.map((made) => made.pid));

		const other = new VerificationProcess({ ...env, MAAS_RUN_ID: "otherrun" });
		const refusing = runner({
			env,
			requestTimeoutMs: 3000,
			startedProcesses: [other],
		});
		const own = await refusing.verify(PACT_FILE, "list endpoints");
		expect(own.message).toBe("");
		expect(own.pid).not.toBe(other.pid);
		expect(groupIsGone(other.pid)).toBe(true);
	});

	test("stalled interaction: killed at its deadline", async () => {
		// The verifier would wait 90 s for the delete that never comes, so
		// only the interaction's deadline ends it.
		const { env, mock } = await target(
			{ deviations: ["delete-never-responds"] },
			30_000,
		);
		const verifier = runner({
			env,
			requestTimeoutMs: 30_000,
			interactionDeadlineMs: 4000,
		});
		const stalled = await verifier.verify(
			PACT_FILE,
			"delete an existing endpoint",
		);
		expect(stalled.passed).toBe(false);
		expect(stalled.message).toMatch(
			/^provider verification of "delete an existing endpoint" did not finish within 4000 ms and was stopped; the region may have sent a body on a 204/,
		);
		expect(groupIsGone(stalled.pid)).toBe(true);
		expect(stalled.message).not.toContain(mock.token);

		const next = await verifier.verify(PACT_FILE, "list endpoints");
		expect(next.message).toBe("");
		expect(next.pid).not.toBe(stalled.pid);
	});

	test("204 with a body: only that interaction fails", async () => {
		const { env } = await target({ deviations: ["delete-204-body"] }, 3000);
		const verifier = runner({ env, requestTimeoutMs: 3000 });
		const broken = await verifier.verify(
			PACT_FILE,
			"delete an existing endpoint",
		);
		expect(broken.passed).toBe(false);
		expect(broken.message).toMatch(
			/(crashed|did not finish within \d+ ms).*the region may have sent a body on a 204/,
		);
		const next = await verifier.verify(PACT_FILE, "list endpoints");
		expect(next.message).toBe("");
	});

	test("timed-out requests: counted", async () => {
		// The region never responds to the state's delete. The list shows
		// the delete took effect, so the state goes ahead and the
		// interaction verifies.
		const { env } = await target(
			{ deviations: ["delete-never-responds"] },
			1000,
		);
		const verifier = runner({ env, requestTimeoutMs: 1000 });
		const report = await verifier.verify(PACT_FILE, "delete an endpoint twice");
		expect(report.message).toBe("");
		expect(report.outcome?.timedOutRequests).toBe(1);
		expect(report.outcome?.notes?.join("\n")).toContain("timed out");
		expect(verifier.timedOutRequests()).toBe(1);
	});

	test("spent stage budget: stops and fails the rest", async () => {
		const { env } = await target(
			{ deviations: ["delete-never-responds"] },
			30_000,
		);
		let otherTimeouts = 0;
		const verifier = runner({
			env,
			requestTimeoutMs: 30_000,
			stageBudgetMs: 8000,
			otherTimedOutRequests: () => otherTimeouts,
		});
		const stopped = await verifier.verify(
			PACT_FILE,
			"delete an existing endpoint",
		);
		expect(stopped.passed).toBe(false);
		expect(stopped.message).toMatch(
			/^provider verification of "delete an existing endpoint" was stopped: the stage's time budget of 8000 ms ran out after \d+ timed-out requests?; /,
		);
		expect(groupIsGone(stopped.pid)).toBe(true);

		otherTimeouts = 2;
		const rest = await verifier.verify(PACT_FILE, "list endpoints");
		expect(rest.passed).toBe(false);
		expect(rest.pid).toBeUndefined();
		expect(rest.message).toBe(
			`"list endpoints" not verified: the stage's time budget of 8000 ms ran out after ${verifier.timedOutRequests()} timed-out requests; a region that leaves requests unanswered must be fixed, one that answers slowly needs a larger MAAS_REQUEST_TIMEOUT_MS`,
		);
		expect(verifier.timedOutRequests()).toBeGreaterThanOrEqual(2);
	});

	test("unknown description: rejected, next one runs", async () => {
		const { env } = await target({}, 3000);
		const verifier = runner({ env, requestTimeoutMs: 3000 });
		const report = await verifier.verify(PACT_FILE, "no such interaction");
		expect(report.passed).toBe(false);
		expect(report.message).toContain(
			'has 0 interactions described "no such interaction"',
		);
		const next = await verifier.verify(PACT_FILE, "list endpoints");
		expect(next.message).toBe("");
		expect(next.pid).toBe(report.pid);
	});

	test("missing run id: every interaction fails", async () => {
		const { env } = await target({}, 3000);
		const { MAAS_RUN_ID: _runId, ...withoutRunId } = env;
		const verifier = runner({ env: withoutRunId, requestTimeoutMs: 3000 });
		const first = await verifier.verify(PACT_FILE, "list endpoints");
		expect(first.passed).toBe(false);
		expect(first.message).toMatch(
			/could not run: provider verification needs MAAS_RUN_ID; run it through the verify stage/,
		);
		const second = await verifier.verify(
			PACT_FILE,
			"delete an unknown endpoint",
		);
		expect(second.passed).toBe(false);
		expect(second.pid).toBeUndefined();
		expect(second.message).toContain("needs MAAS_RUN_ID");
	});

	test("closed stdin: the process ends", async () => {
		const { env } = await target({}, 3000);
		const orphanDir = join(workDir, "orphan");
		const child = spawn(
			process.execPath,
			[
				"--import",
				"tsx",
				join(PROJECT_ROOT, "contracts", "support", "verification-worker.ts"),
				orphanDir,
				"marker",
			],
			{
				cwd: PROJECT_ROOT,
				env,
				detached: true,
				stdio: ["pipe", "pipe", "ignore"],
			},
		);
		let stdout = "";
		child.stdout.setEncoding("utf8");
		child.stdout.on("data", (chunk: string) => {
			stdout += chunk;
			// Closing its stdin is what the parent's death does to the pipe.
			if (stdout.includes("marker ready\n")) child.stdin.end();
		});
		const signal = await new Promise<string | null>((resolve) => {
			child.on("close", (_code, ended) => resolve(ended));
		});
		expect(stdout).toContain("marker ready\n");
		expect(signal).toBe("SIGKILL");
		// Nobody else is left to remove its folder.
		expect(existsSync(orphanDir)).toBe(false);
	});
});
