/**
 * One interaction verified by a process of its own: a pass, a hard
 * timeout that kills the process group, and verifications that cannot
 * start, each with a message that names the cause.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
} from "../../contracts/support/pact-file.ts";
import { runVerification } from "../../contracts/support/run-verification.ts";
import {
	loadConfig,
	PROJECT_ROOT,
	toChildEnvironment,
} from "../config/index.ts";
import {
	type MockRegion,
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";
import { registerSecret } from "../redact.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-verify-one-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const [pactFile] = listPactFiles(COMMITTED_PACT_DIR);

let mock: MockRegion | undefined;
afterEach(async () => {
	await mock?.close();
	mock = undefined;
});

let runs = 0;

async function target(options: MockRegionOptions, requestTimeoutMs: number) {
	mock = await startMockRegion(options);
	registerSecret(mock.token);
	runs += 1;
	const runId = `verifyone${runs}`;
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

function groupIsGone(pid: number | undefined): boolean {
	try {
		process.kill(-(pid as number), 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "ESRCH";
	}
}

describe("one interaction's verification", () => {
	test("passes on the conformant mock", async () => {
		const { env, ledger, mock } = await target({}, 3000);
		const report = await runVerification({
			pactFile: pactFile as string,
			description: "delete an existing endpoint",
			env,
			requestTimeoutMs: 3000,
		});
		expect(report.message).toBe("");
		expect(report.passed).toBe(true);
		expect(ledger.burnedNames()).toBe(1);
		expect(ledger.alive()).toEqual([]);
		expect(mock.endpoints()).toEqual([]);
	});

	test("stops at the hard timeout", async () => {
		// Every response takes a minute and the verifier would wait 90 s, so
		// only the hard timeout ends this one.
		const { env, mock } = await target({ delayMs: 60_000 }, 30_000);
		const report = await runVerification({
			pactFile: pactFile as string,
			description: "delete an existing endpoint",
			env,
			requestTimeoutMs: 30_000,
			hardTimeoutMs: 4000,
		});
		expect(report.passed).toBe(false);
		expect(report.message).toMatch(
			/^provider verification of "delete an existing endpoint" did not finish within 4000 ms and was stopped; the region may have sent a body on a 204/,
		);
		expect(report.end.signal).toBe("SIGKILL");
		expect(groupIsGone(report.end.pid)).toBe(true);
		expect(report.message).not.toContain(mock.token);
	});

	test("rejects an unknown description", async () => {
		const { env } = await target({}, 3000);
		const report = await runVerification({
			pactFile: pactFile as string,
			description: "no such interaction",
			env,
			requestTimeoutMs: 3000,
		});
		expect(report.passed).toBe(false);
		expect(report.message).toContain(
			'has 0 interactions described "no such interaction"',
		);
	});

	test("reports a missing run id", async () => {
		const { env } = await target({}, 3000);
		const { MAAS_RUN_ID: _runId, ...withoutRunId } = env;
		const report = await runVerification({
			pactFile: pactFile as string,
			description: "list endpoints",
			env: withoutRunId,
			requestTimeoutMs: 3000,
		});
		expect(report.passed).toBe(false);
		expect(report.message).toMatch(
			/could not run: provider verification needs MAAS_RUN_ID; run it through the verify stage/,
		);
	});

	test("ends when its parent dies", async () => {
		const { env } = await target({ delayMs: 60_000 }, 30_000);
		const child = spawn(
			process.execPath,
			[
				"--import",
				"tsx",
				join(PROJECT_ROOT, "contracts", "support", "verify-one.ts"),
				pactFile as string,
				"delete an existing endpoint",
				join(workDir, "orphan-outcome.json"),
			],
			{
				cwd: PROJECT_ROOT,
				env,
				detached: true,
				stdio: ["pipe", "ignore", "ignore"],
			},
		);
		const ended = new Promise<string | null>((resolve) => {
			child.on("close", (_code, signal) => resolve(signal));
		});
		// Closing its stdin is what the parent's death does to the pipe.
		setTimeout(() => child.stdin.end(), 3000);
		expect(await ended).toBe("SIGKILL");
	});
});
