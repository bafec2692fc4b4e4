/**
 * Provider states make what they promise through the client and the
 * ledger, return the values to inject, and leave nothing behind, also
 * when the interaction itself created an endpoint. They keep the run's
 * limit of live endpoints and their lane's limit of one, and the other
 * lane's endpoint counts only against the run's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { PROVIDER_STATES } from "../../contracts/support/contract.ts";
import {
	createProviderStates,
	type ProviderStateOptions,
} from "../../contracts/support/provider-states.ts";
import { MaasClient } from "../client/index.ts";
import {
	type MockRegion,
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-states-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const open: Array<{ mock: MockRegion; client: MaasClient }> = [];
afterEach(async () => {
	for (const { mock, client } of open.splice(0)) {
		await client.close();
		await mock.close();
	}
});

let runs = 0;

async function setUp(options: MockRegionOptions = {}) {
	const mock = await startMockRegion({
		seed: [{ endpoint_name: "someone-elses" }],
		...options,
	});
	const client = new MaasClient({
		endpoint: mock.url,
		projectId: mock.projectId,
		token: mock.token,
		timeoutMs: 2000,
	});
	open.push({ mock, client });
	runs += 1;
	const ledger = Ledger.open(
		join(workDir, `ledger-${runs}.jsonl`),
		`states${runs}`,
	);
	const states = createProviderStates({
		client,
		ledger,
		namePrefix: "conformance-",
		source: "custom_from_maas",
		modelName: "model-x",
	});
	const ours = () =>
		mock.endpoints().filter((e) => e.endpoint_name !== "someone-elses");
	return { mock, client, ledger, states, ours };
}

/** Another set of states on the same run: another lane's, or a later interaction's. */
function statesOf(
	client: MaasClient,
	ledger: Ledger,
	options: Partial<ProviderStateOptions> = {},
) {
	return createProviderStates({
		client,
		ledger,
		namePrefix: "conformance-",
		source: "custom_from_maas",
		modelName: "model-x",
		...options,
	});
}

describe("provider states", () => {
	test('"an endpoint exists" creates one and its teardown deletes it', async () => {
		const { ledger, states, ours } = await setUp();
		const values =
			await states.handlers[PROVIDER_STATES.endpointExists].setup();
		expect(values.name).toMatch(/^conformance-states\d+-1$/);
		expect(ours().map((e) => [e.id, e.endpoint_name])).toEqual([
			[values.id, values.name],
		]);
		expect(ledger.alive().map((e) => e.id)).toEqual([values.id]);
		await states.handlers[PROVIDER_STATES.endpointExists].teardown();
		expect(ours()).toEqual([]);
		expect(ledger.alive()).toEqual([]);
		expect(states.failures()).toEqual([]);
	});

	test("a teardown after the interaction deleted the endpoint only records it", async () => {
		const { client, ledger, mock, states } = await setUp();
		const values =
			await states.handlers[PROVIDER_STATES.endpointExists].setup();
		await client.deleteEndpoint(values.id as string); // what the interaction does
		const before = mock.requests().length;
		await states.handlers[PROVIDER_STATES.endpointExists].teardown();
		expect(ledger.alive()).toEqual([]);
		// One list to look, no second delete.
		expect(
			mock
				.requests()
				.slice(before)
				.map((r) => r.method),
		).toEqual(["GET"]);
	});

	test('"an endpoint was deleted" returns a gone id and a burned name', async () => {
		const { mock, states, ours } = await setUp({ createReturnsId: false });
		const values =
			await states.handlers[PROVIDER_STATES.endpointDeleted].setup();
		expect(values).toMatchObject({
			source: "custom_from_maas",
			modelName: "model-x",
		});
		expect(values.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(ours()).toEqual([]);
		expect(mock.burnedNames()).toContain(values.name);
	});

	test('"an endpoint name is reserved" creates nothing; its teardown deletes what the interaction created', async () => {
		const { client, ledger, states, ours } = await setUp();
		const values = await states.handlers[PROVIDER_STATES.nameReserved].setup();
		expect(ours()).toEqual([]);
		// The interaction: a create with the injected name.
		await client.createEndpoint({
			endpoint_name: values.name,
			source: "custom_from_maas",
			model_name: "m",
		});
		expect(ours()).toHaveLength(1);
		await states.handlers[PROVIDER_STATES.nameReserved].teardown();
		expect(ours()).toEqual([]);
		expect(ledger.burnedNames()).toBe(1);
		expect(ledger.alive()).toEqual([]);
	});

	test("teardown deletes an endpoint created with a burned name", async () => {
		const { client, states, ours } = await setUp({
			deviations: ["name-reusable-after-delete"],
		});
		const values =
			await states.handlers[PROVIDER_STATES.endpointDeleted].setup();
		await client.createEndpoint({
			endpoint_name: values.name,
			source: "custom_from_maas",
			model_name: "m",
		});
		expect(ours()).toHaveLength(1);
		await states.handlers[PROVIDER_STATES.endpointDeleted].teardown();
		expect(ours()).toEqual([]);
	});

	test("a failed setup is kept for the report", async () => {
		const { states } = await setUp({ quota: 1 });
		await expect(
			states.handlers[PROVIDER_STATES.endpointExists].setup(),
		).rejects.toMatchObject({
			code: "MAAS_API_ERROR",
		});
		expect(states.failures()).toEqual([
			expect.stringMatching(
				/^provider state "an endpoint exists" setup failed: POST .* 400 \(ModelArts\.6297\)/,
			),
		]);
	});

	test("refuses to create a third live endpoint of the run", async () => {
		const { client, ledger, mock, states } = await setUp({ quota: 10 });
		// Each of two lanes keeps one endpoint alive. A third set of states
		// would exceed the run's limit, although it keeps none itself.
		const otherLane = statesOf(client, ledger);
		await states.handlers[PROVIDER_STATES.endpointExists].setup();
		await otherLane.handlers[PROVIDER_STATES.endpointExists].setup();
		const third = statesOf(client, ledger);
		for (const state of [
			PROVIDER_STATES.endpointExists,
			PROVIDER_STATES.nameReserved,
		] as const) {
			await expect(third.handlers[state].setup()).rejects.toMatchObject({
				code: "MAAS_SAFETY_VIOLATION",
				message: expect.stringContaining(
					"the run already has 2 endpoints alive and may have at most 2",
				),
			});
		}
		expect(mock.endpoints()).toHaveLength(3);
		await states.handlers[PROVIDER_STATES.endpointExists].teardown();
		await otherLane.handlers[PROVIDER_STATES.endpointExists].teardown();
	});

	test("the other lane's live endpoint: no reason to refuse", async () => {
		const { client, ledger, states, ours } = await setUp();
		const otherLane = statesOf(client, ledger);
		await otherLane.handlers[PROVIDER_STATES.endpointExists].setup();
		const values =
			await states.handlers[PROVIDER_STATES.endpointExists].setup();
		expect(ours().map((endpoint) => endpoint.id)).toContain(values.id);
		const reserved = await states.handlers[PROVIDER_STATES.nameReserved]
			.setup()
			.catch((error: Error) => error);
		// Its own endpoint is what stops this lane, not the other lane's.
		expect(reserved).toMatchObject({
			code: "MAAS_SAFETY_VIOLATION",
			message: expect.stringContaining(
				`this verification lane already has 1 endpoint that may be alive (${values.name}) and may have at most 1`,
			),
		});
		await states.handlers[PROVIDER_STATES.endpointExists].teardown();
		await otherLane.handlers[PROVIDER_STATES.endpointExists].teardown();
		expect(ours()).toEqual([]);
	});

	test("a lane's endpoint it could not delete: refuses a second one", async () => {
		const { client, ledger, ours } = await setUp();
		const held = statesOf(client, ledger, {
			laneHeld: ["conformance-states-held-1"],
		});
		for (const state of Object.values(PROVIDER_STATES)) {
			await expect(held.handlers[state].setup()).rejects.toMatchObject({
				code: "MAAS_SAFETY_VIOLATION",
				message: expect.stringContaining(
					"this verification lane already has 1 endpoint that may be alive (conformance-states-held-1)",
				),
			});
		}
		expect(held.failures()).toHaveLength(3);
		expect(ours()).toEqual([]);
		// Nothing was reserved for a refused setup.
		expect(ledger.entries()).toEqual([]);
	});

	test("a deleted endpoint of the lane: frees it for the next", async () => {
		const { states, ours } = await setUp();
		await states.handlers[PROVIDER_STATES.endpointDeleted].setup();
		const values =
			await states.handlers[PROVIDER_STATES.endpointExists].setup();
		expect(ours().map((endpoint) => endpoint.id)).toEqual([values.id]);
		await states.handlers[PROVIDER_STATES.endpointExists].teardown();
	});

	test("each reserved name: reported before it is used", async () => {
		const { client, ledger, mock } = await setUp();
		const reported: Array<{ name: string; creates: number }> = [];
		const creates = () =>
			mock.requests().filter((request) => request.method === "POST").length;
		const states = statesOf(client, ledger, {
			onReserve: (name) => reported.push({ name, creates: creates() }),
		});
		const values =
			await states.handlers[PROVIDER_STATES.endpointExists].setup();
		expect(reported).toEqual([{ name: values.name, creates: 0 }]);
		await states.handlers[PROVIDER_STATES.endpointExists].teardown();
	});

	test("delete that breaks HTTP but took effect passes with a note", async () => {
		const { ledger, states, ours } = await setUp({
			deviations: ["delete-204-body"],
		});
		const values =
			await states.handlers[PROVIDER_STATES.endpointDeleted].setup();
		expect(values.id).toBeDefined();
		expect(ours()).toEqual([]);
		expect(ledger.alive()).toEqual([]);
		expect(states.failures()).toEqual([]);
		expect(states.notes().join("\n")).toMatch(
			/the delete of .* failed .* but the endpoint is gone from the list/,
		);
	});

	test("a delete that leaves the endpoint listed fails the state", async () => {
		const { states } = await setUp({
			deviations: ["delete-keeps-endpoint", "delete-204-body"],
		});
		await expect(
			states.handlers[PROVIDER_STATES.endpointDeleted].setup(),
		).rejects.toThrow();
		expect(states.failures()).toHaveLength(1);
	});
});
