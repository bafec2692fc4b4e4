import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { MaasClient } from "../client/index.ts";
import {
	type DeviationName,
	type MockRegion,
	startMockRegion,
} from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";
import { cleanupRun } from "./cleanup.ts";

/**
 * The gate's cleanup against the mock region: it deletes the run's
 * endpoints, at most 2 at once, touches no other endpoint, and reports
 * each endpoint it could not delete.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
	region: MockRegion;
	client: MaasClient;
	ledger: Ledger;
	/** Most deletes in flight at once so far. */
	maxDeletesInFlight: () => number;
}

let runs = 0;

/** Starts a region with 3 endpoints of a run and one of someone else. */
async function setUp(deviations: DeviationName[]): Promise<Setup> {
	const region = await startMockRegion({
		deviations,
		seed: [{ endpoint_name: "someone-elses-endpoint" }],
	});
	cleanups.push(() => region.close());
	const real = new MaasClient({
		endpoint: region.url,
		projectId: region.projectId,
		token: region.token,
		timeoutMs: 300,
	});
	cleanups.push(() => real.close());
	let inFlight = 0;
	let maxInFlight = 0;
	// The same client, with its deletes counted while they are in flight.
	const client = Object.assign(Object.create(real) as MaasClient, {
		listEndpoints: () => real.listEndpoints(),
		deleteEndpoint: async (id: string) => {
			inFlight += 1;
			maxInFlight = Math.max(maxInFlight, inFlight);
			try {
				return await real.deleteEndpoint(id);
			} finally {
				inFlight -= 1;
			}
		},
	});
	const dir = mkdtempSync(join(tmpdir(), "maas-cleanup-"));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	runs += 1;
	const runId = `cleanup${runs}`;
	const ledger = Ledger.open(join(dir, `ledger-${runId}.jsonl`), runId);
	for (let i = 0; i < 3; i++) {
		const name = ledger.reserveName("conformance-");
		const { id } = await real.createEndpoint({
			endpoint_name: name,
			source: "custom_from_maas",
			model_name: "conformance-placeholder-model",
		});
		ledger.recordCreated(name, id as string);
	}
	return {
		region,
		client,
		ledger,
		maxDeletesInFlight: () => maxInFlight,
	};
}

describe("gate cleanup", () => {
	test("deletes the run's endpoints, 2 at once", async () => {
		const { region, client, ledger, maxDeletesInFlight } = await setUp([]);
		const result = await cleanupRun({ client, ledger });
		expect(result.problems).toEqual([]);
		expect(result.deleted).toHaveLength(3);
		expect(maxDeletesInFlight()).toBe(2);
		expect(region.endpoints().map((e) => e.endpoint_name)).toEqual([
			"someone-elses-endpoint",
		]);
		expect(ledger.alive()).toEqual([]);
	});

	test("reports each delete that never responds", async () => {
		const { region, client, ledger, maxDeletesInFlight } = await setUp([
			"delete-never-responds",
			"delete-keeps-endpoint",
		]);
		const result = await cleanupRun({ client, ledger });
		expect(result.deleted).toEqual([]);
		expect(result.problems).toHaveLength(3);
		for (const problem of result.problems) {
			expect(problem.reason).toMatch(
				/failed: DELETE .* timed out after 300 ms/,
			);
		}
		expect(maxDeletesInFlight()).toBe(2);
		expect(region.endpoints()).toHaveLength(4);
		expect(ledger.alive()).toHaveLength(3);
	});
});
