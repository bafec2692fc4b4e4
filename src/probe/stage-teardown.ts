/**
 * Global setup of the `probes` project. Setup settles the run id and the
 * ledger file when the gate set none (a stage run by hand) and hands them to
 * the worker. Teardown deletes, through the client, every endpoint that this
 * run's ledger still shows alive, and no other id. The gate's own clean-up
 * afterwards is the backstop.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { MaasClient } from "../client/index.ts";
import { withFlow } from "../client/request-flow.ts";
import { type Config, loadConfig } from "../config/index.ts";
import { redact } from "../redact.ts";
import { type StageRelease, stageReleaseOf } from "../stage-release.ts";
import { Ledger } from "./ledger.ts";
import "./provided-context.ts";
import { randomRunId } from "./run-id.ts";

interface Settled {
	config: Readonly<Config>;
	runId: string;
	ledgerFile: string;
}

export default function setup(project: TestProject): () => Promise<void> {
	let settled: Settled | undefined;
	let release: StageRelease | undefined;
	try {
		const config = loadConfig();
		const runId = config.runId ?? randomRunId();
		const ledgerFile =
			config.ledgerFile ?? join(config.reportDir, `ledger-${runId}.jsonl`);
		project.provide("maasRunId", runId);
		project.provide("maasLedgerFile", ledgerFile);
		settled = { config, runId, ledgerFile };
		release = stageReleaseOf(config);
	} catch {
		// The checks report the configuration error themselves.
	}
	return async () => {
		// After every check: a stage of its own in the run's request log.
		const done = settled;
		// A stage the gate never released has sent nothing; the gate may
		// still be using the run's endpoints elsewhere, or cleans up itself.
		if (release && !existsSync(release.file)) return;
		if (done) {
			await withFlow(
				"probes-teardown",
				() => deleteLeftovers(done),
				"probes-teardown",
			);
		}
	};
}

/**
 * Deletes the run's endpoints the ledger shows alive and records each one
 * the list no longer shows. Problems go to stderr as one line each.
 */
export async function deleteLeftovers({
	config,
	runId,
	ledgerFile,
}: Settled): Promise<void> {
	const ledger = Ledger.open(ledgerFile, runId);
	for (const problem of ledger.problems()) {
		report(
			`ledger ${ledgerFile} line ${problem.line} is not a ledger entry (${problem.reason}); the gate's clean-up will read the same file`,
		);
	}
	const alive = ledger.alive();
	if (alive.length === 0) return;
	if (
		config.endpoint === undefined ||
		config.projectId === undefined ||
		config.authToken === undefined
	) {
		report(
			`${alive.length} endpoints of run ${runId} are alive but MAAS_ENDPOINT, MAAS_PROJECT_ID or MAAS_AUTH_TOKEN is not set, so they cannot be deleted here; run "maas-conformance sweep --delete"`,
		);
		return;
	}
	const client = new MaasClient({
		endpoint: config.endpoint,
		projectId: config.projectId,
		token: config.authToken,
		timeoutMs: config.requestTimeoutMs,
	});
	try {
		const succeeded = new Set<string>();
		for (const entry of alive) {
			const id = entry.id as string;
			try {
				await client.deleteEndpoint(id);
				succeeded.add(id);
			} catch (error) {
				report(
					`delete of endpoint ${entry.name} (${id}) at the end of the probes failed: ${error instanceof Error ? error.message : String(error)}`,
				);
			}
		}
		let listed: Set<string> | undefined;
		try {
			const { body } = await client.listEndpoints();
			listed = new Set(
				(Array.isArray(body?.items) ? body.items : []).map((item) => item.id),
			);
		} catch {
			listed = undefined;
		}
		for (const entry of alive) {
			const id = entry.id as string;
			const gone = listed ? !listed.has(id) : succeeded.has(id);
			if (gone) ledger.recordDeleted(id);
			else {
				report(
					`endpoint ${entry.name} (${id}) is still alive after the probes; the gate's clean-up will retry`,
				);
			}
		}
	} finally {
		await client.close();
	}
}

function report(line: string): void {
	process.stderr.write(`${redact(`probes clean-up: ${line}`)}\n`);
}
