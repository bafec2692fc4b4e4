/**
 * After a verification process ends (maybe killed before its teardown),
 * the reconciler deletes what the run left alive and records what is gone,
 * and touches nothing that is not the run's. Given a lane's names, it
 * touches only those.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { createLedgerReconciler } from "../../contracts/support/ledger-reconcile.ts";
import { countTimeouts } from "../../contracts/support/timeout-counter.ts";
import { MaasClient } from "../client/index.ts";
import { type MockRegion, startMockRegion } from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-reconcile-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let mock: MockRegion | undefined;
let client: MaasClient | undefined;
afterEach(async () => {
	await client?.close();
	await mock?.close();
});

async function setUp(runId: string) {
	mock = await startMockRegion({ seed: [{ endpoint_name: "someone-elses" }] });
	client = new MaasClient({
		endpoint: mock.url,
		projectId: mock.projectId,
		token: mock.token,
		timeoutMs: 2000,
	});
	const ledger = Ledger.open(join(workDir, `${runId}.jsonl`), runId);
	return { mock, client, ledger };
}

/** A region that never answers a delete and keeps the endpoint. */
async function setUpStuck(runId: string) {
	mock = await startMockRegion({
		deviations: ["delete-never-responds", "delete-keeps-endpoint"],
	});
	client = new MaasClient({
		endpoint: mock.url,
		projectId: mock.projectId,
		token: mock.token,
		timeoutMs: 300,
	});
	const ledger = Ledger.open(join(workDir, `${runId}.jsonl`), runId);
	return { mock, client, ledger };
}

/** Reserves a name, creates the endpoint and records it, as a state does. */
async function createRecorded(
	client: MaasClient,
	ledger: Ledger,
): Promise<{ name: string; id: string }> {
	const name = ledger.reserveName("conformance-");
	const { id } = await client.createEndpoint({
		endpoint_name: name,
		source: "custom_from_maas",
		model_name: "m",
	});
	ledger.recordCreated(name, id as string);
	return { name, id: id as string };
}

describe("ledger reconciler", () => {
	test("deletes a created endpoint left alive and records it", async () => {
		const { mock, client, ledger } = await setUp("reconcile1");
		const reconciler = createLedgerReconciler({
			client,
			ledger,
			namePrefix: "conformance-",
		});
		await createRecorded(client, ledger);
		expect(await reconciler.reconcile()).toEqual([]);
		expect(mock.endpoints().map((e) => e.endpoint_name)).toEqual([
			"someone-elses",
		]);
		expect(ledger.alive()).toEqual([]);
	});

	test("records and deletes an endpoint created under a reserved name behind the ledger's back", async () => {
		const { mock, client, ledger } = await setUp("reconcile2");
		const reconciler = createLedgerReconciler({
			client,
			ledger,
			namePrefix: "conformance-",
		});
		const name = ledger.reserveName("conformance-");
		await client.createEndpoint({
			endpoint_name: name,
			source: "custom_from_maas",
			model_name: "m",
		});
		expect(await reconciler.reconcile()).toEqual([]);
		expect(mock.endpoints().map((e) => e.endpoint_name)).toEqual([
			"someone-elses",
		]);
		expect(ledger.burnedNames()).toBe(1);
		expect(ledger.alive()).toEqual([]);
	});

	test("records an endpoint that is already gone without deleting anything", async () => {
		const { mock, client, ledger } = await setUp("reconcile3");
		const reconciler = createLedgerReconciler({
			client,
			ledger,
			namePrefix: "conformance-",
		});
		const { id } = await createRecorded(client, ledger);
		await client.deleteEndpoint(id as string);
		const before = mock.requests().length;
		expect(await reconciler.reconcile()).toEqual([]);
		expect(ledger.alive()).toEqual([]);
		expect(
			mock
				.requests()
				.slice(before)
				.map((r) => r.method),
		).toEqual(["GET"]);
	});

	test("leaves endpoints of earlier stages and of anyone else alone", async () => {
		const { mock, client, ledger } = await setUp("reconcile4");
		const { name: earlier, id } = await createRecorded(client, ledger);
		const reconciler = createLedgerReconciler({
			client,
			ledger,
			namePrefix: "conformance-",
		});
		const before = mock.requests().length;
		expect(await reconciler.reconcile()).toEqual([]);
		expect(mock.requests().length).toBe(before);
		expect(
			mock
				.endpoints()
				.map((e) => e.endpoint_name)
				.sort(),
		).toEqual([earlier, "someone-elses"]);
		await client.deleteEndpoint(id as string);
	});

	test("reports a failed delete once and does not send it again", async () => {
		const { client, ledger } = await setUpStuck("reconcile6");
		// The mock logs a request once it is answered, so the client counts
		// the deletes here: each one times out.
		const counted = countTimeouts(client);
		const reconciler = createLedgerReconciler({
			client: counted.client,
			ledger,
			namePrefix: "conformance-",
		});
		const { name } = await createRecorded(client, ledger);
		expect((await reconciler.reconcile()).join("\n")).toMatch(
			new RegExp(
				`could not clean up endpoint ${name}: .*timed out after 300 ms`,
			),
		);
		expect(counted.count()).toBe(1);
		expect(await reconciler.reconcile()).toEqual([]);
		expect(counted.count()).toBe(1);
		expect(ledger.alive().map((entry) => entry.name)).toEqual([name]);
	});

	test("with names: touches only those", async () => {
		const { mock, client, ledger } = await setUp("reconcile7");
		const reconciler = createLedgerReconciler({
			client,
			ledger,
			namePrefix: "conformance-",
		});
		const made: Record<string, string> = {};
		for (const lane of ["mine", "other"]) {
			const { name } = await createRecorded(client, ledger);
			made[lane] = name;
		}
		const mine = made.mine as string;
		const other = made.other as string;
		expect(reconciler.unsettled([mine])).toEqual([mine]);
		expect(await reconciler.reconcile({ names: [mine] })).toEqual([]);
		expect(reconciler.unsettled([mine])).toEqual([]);
		expect(
			mock
				.endpoints()
				.map((e) => e.endpoint_name)
				.sort(),
		).toEqual([other, "someone-elses"]);
		expect(ledger.alive().map((entry) => entry.name)).toEqual([other]);
		// Without names, everything the stage reserved.
		expect(await reconciler.reconcile()).toEqual([]);
		expect(mock.endpoints().map((e) => e.endpoint_name)).toEqual([
			"someone-elses",
		]);
	});

	test("a name whose delete failed: stays unsettled", async () => {
		const { client, ledger } = await setUpStuck("reconcile8");
		const reconciler = createLedgerReconciler({
			client,
			ledger,
			namePrefix: "conformance-",
		});
		const name = ledger.reserveName("conformance-");
		const unused = ledger.reserveName("conformance-");
		await client.createEndpoint({
			endpoint_name: name,
			source: "custom_from_maas",
			model_name: "m",
		});
		expect(
			(await reconciler.reconcile({ names: [name, unused] })).join("\n"),
		).toContain(`could not clean up endpoint ${name}`);
		expect(reconciler.unsettled([name, unused])).toEqual([name]);
	});

	test("reports a failed clean-up instead of throwing", async () => {
		const { client, ledger } = await setUp("reconcile5");
		const reconciler = createLedgerReconciler({
			client,
			ledger,
			namePrefix: "conformance-",
		});
		const broken = client.withToken("not-a-valid-token");
		const failing = createLedgerReconciler({
			client: broken,
			ledger,
			namePrefix: "conformance-",
		});
		ledger.reserveName("conformance-");
		expect((await failing.reconcile()).join("\n")).toMatch(
			/could not list endpoints to clean up conformance-reconcile5-1: .*401/,
		);
		await broken.close();
		expect(await reconciler.reconcile()).toEqual([]);
	});
});
