import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { loadConfig } from "../config/index.ts";
import {
	type MockRegion,
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { BudgetExhaustedError, EndpointBudget } from "./budget.ts";
import { ProbeSession } from "./session.ts";
import { deleteLeftovers } from "./stage-teardown.ts";

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
	options: MockRegionOptions = {},
	budget?: EndpointBudget,
	timeoutMs = 5000,
): Promise<{ mock: MockRegion; session: ProbeSession; dir: string }> {
	const mock = await startMockRegion(options);
	cleanups.push(() => mock.close());
	const dir = mkdtempSync(join(tmpdir(), "probe-session-"));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	const config = loadConfig({
		env: {
			MAAS_ENDPOINT: mock.url,
			MAAS_PROJECT_ID: mock.projectId,
			MAAS_AUTH_TOKEN: mock.token,
			MAAS_REQUEST_TIMEOUT_MS: String(timeoutMs),
			MAAS_RUN_ID: "sess1234",
			MAAS_LEDGER_FILE: join(dir, "ledger.jsonl"),
		},
		envFile: false,
	});
	const session = new ProbeSession({
		config,
		endpoint: mock.url,
		projectId: mock.projectId,
		token: mock.token,
		runId: "sess1234",
		ledgerFile: join(dir, "ledger.jsonl"),
		...(budget ? { budget } : {}),
	});
	cleanups.push(() => session.client.close());
	return { mock, session, dir };
}

const deletes = (mock: MockRegion) =>
	mock.requests().filter((entry) => entry.method === "DELETE").length;

describe("ProbeSession creates", () => {
	test("reserves the name, creates, and records the id from the response", async () => {
		const { mock, session } = await setUp();
		const outcome = await session.createEndpoint("fixture", "remark");
		expect(outcome).toMatchObject({
			name: "conformance-sess1234-1",
			idSource: "response",
			listed: true,
		});
		expect(mock.endpoints().map((endpoint) => endpoint.id)).toEqual([
			outcome.id,
		]);
		expect(session.ledger.alive()).toMatchObject([
			{ name: outcome.name, id: outcome.id, state: "created" },
		]);
		expect(session.budget.inUse).toBe(1);
	});

	test("finds the id by name when the response has none", async () => {
		const { mock, session } = await setUp({ createReturnsId: false });
		const outcome = await session.createEndpoint("fixture", "remark");
		expect(outcome.idSource).toBe("list");
		expect(outcome.id).toBe(mock.endpoints()[0]?.id);
	});

	test("a rejected create frees its slot and burns no name", async () => {
		const { session } = await setUp({ quota: 0 });
		const outcome = await session.createEndpoint("fixture", "remark");
		expect(outcome.id).toBeUndefined();
		expect(outcome.observation.status).toBe(400);
		expect(session.budget.inUse).toBe(0);
		expect(session.ledger.burnedNames()).toBe(0);
	});

	test("accepted rejected-create is recorded and deleted", async () => {
		const { mock, session } = await setUp({
			deviations: ["create-missing-name-accepted"],
		});
		const placeholder = session.ledger.reserveName("conformance-");
		const outcome = await session.createExpectingRejection(
			"missing name",
			{ source: "custom_from_maas", model_name: "m" },
			placeholder,
		);
		expect(outcome.accepted).toBe(true);
		expect(outcome.createdIds).toHaveLength(1);
		expect(outcome.cleanup).toEqual([
			`endpoint ${outcome.createdIds[0]} was deleted again`,
		]);
		expect(mock.endpoints()).toEqual([]);
		expect(session.ledger.entries()).toMatchObject([
			{ name: placeholder, id: outcome.createdIds[0], state: "deleted" },
		]);
		expect(session.budget.inUse).toBe(0);
		expect(session.budget.peak).toBe(1);
	});

	test("a create expected to fail still needs a free slot", async () => {
		const budget = new EndpointBudget(1);
		const { mock, session } = await setUp({}, budget);
		const live = await session.createEndpoint("live", "remark");
		session.hold(live.id as string);
		const before = mock.requests().length;
		await expect(
			session.createExpectingRejection(
				"duplicate",
				{ endpoint_name: live.name },
				live.name,
			),
		).rejects.toBeInstanceOf(BudgetExhaustedError);
		expect(mock.requests()).toHaveLength(before);
	});
});

describe("ProbeSession rejects endpoints outside the run's ledger", () => {
	test("delete, edit and control of someone else's endpoint throw SafetyError and send nothing", async () => {
		const { mock, session } = await setUp({
			seed: [{ endpoint_name: "someone-else" }],
		});
		const foreign = mock.endpoints()[0]?.id as string;
		const before = mock.requests().length;
		await expect(session.deleteEndpoint(foreign, "test")).rejects.toMatchObject(
			{
				code: "MAAS_SAFETY_VIOLATION",
			},
		);
		expect(() => session.edit(foreign, { remark: "x" })).toThrow(
			/not in the ledger of run sess1234/,
		);
		expect(() => session.control(foreign, "deactivate")).toThrow(
			/the probes only touch endpoints they created/,
		);
		await expect(session.remove(foreign, "test")).rejects.toMatchObject({
			code: "MAAS_SAFETY_VIOLATION",
		});
		expect(mock.requests()).toHaveLength(before);
		expect(mock.endpoints()).toHaveLength(1);
	});

	test("a deleted endpoint of the run may be deleted again, but not edited", async () => {
		const { session } = await setUp();
		const { id } = await session.createEndpoint("fixture", "remark");
		const first = await session.deleteEndpoint(id as string, "first delete");
		expect(first).toMatchObject({ gone: true, listed: false });
		const second = await session.deleteEndpoint(id as string, "second delete");
		expect(second.observation.status).toBe(400);
		expect(() => session.edit(id as string, { remark: "x" })).toThrow(
			/it is deleted in the ledger/,
		);
	});

	test("an id from unknownId() may be targeted; the ledger is untouched", async () => {
		const { session } = await setUp();
		const outcome = await session.deleteEndpoint(
			session.unknownId(),
			"unknown",
		);
		expect(outcome.observation.status).toBe(400);
		expect(outcome.observation.errorCode).toBe("ModelArts.6291");
		expect(session.ledger.entries()).toEqual([]);
	});

	test("only malformed ids made by malformedIds() are sent", async () => {
		const { session } = await setUp();
		expect(() =>
			session.deleteMalformed({ label: "forged", segment: "../x" }),
		).toThrow(/was not made by malformedIds/);
		const [first] = session.malformedIds();
		const observation = await session.deleteMalformed(
			first as { label: string; segment: string },
		);
		expect(observation.status).toBe(400);
	});
});

describe("ProbeSession deletes", () => {
	test("a rejected delete leaves the endpoint alive in the ledger", async () => {
		const { session } = await setUp();
		const { id } = await session.createEndpoint("fixture", "remark");
		const outcome = await session.deleteEndpoint(id as string, "no token", {
			auth: "none",
		});
		expect(outcome.observation.status).toBe(401);
		expect(outcome).toMatchObject({ gone: false, listed: true });
		expect(session.isAlive(id as string)).toBe(true);
	});

	test("wrongly accepted delete records its cause", async () => {
		const { mock, session } = await setUp({
			deviations: ["delete-ignores-project"],
		});
		const { id } = await session.createEndpoint("fixture", "remark");
		const outcome = await session.deleteEndpoint(
			id as string,
			"a delete under another project id",
			{ project: "other" },
		);
		expect(outcome.gone).toBe(true);
		expect(mock.endpoints()).toEqual([]);
		expect(session.isAlive(id as string)).toBe(false);
		expect(session.removalOf(id as string)).toBe(
			"a delete under another project id",
		);
		expect(session.budget.inUse).toBe(0);
	});

	test("endpoint kept after 204 stays alive, slot stuck", async () => {
		const { session } = await setUp({ deviations: ["delete-keeps-endpoint"] });
		const { id } = await session.createEndpoint("fixture", "remark");
		const outcome = await session.deleteEndpoint(id as string, "delete");
		expect(outcome).toMatchObject({ gone: false, listed: true });
		expect(session.isAlive(id as string)).toBe(true);
		expect(session.budget.holders().map((slot) => slot.state)).toEqual([
			"stuck",
		]);
	});

	test("unanswered delete counts once the list confirms", async () => {
		const { session: fast } = await setUp(
			{ deviations: ["delete-never-responds"] },
			undefined,
			300,
		);
		const { id } = await fast.createEndpoint("fixture", "remark");
		const outcome = await fast.deleteEndpoint(id as string, "delete");
		expect(outcome.observation.failure).toMatch(
			/no complete response within 300 ms/,
		);
		expect(outcome.gone).toBe(true);
	});
});

describe("stage teardown", () => {
	test("deletes the run's alive endpoints and nothing else", async () => {
		const { mock, session } = await setUp({
			seed: [{ endpoint_name: "someone-else" }],
		});
		const first = await session.createEndpoint("a", "remark");
		const second = await session.createEndpoint("b", "remark");
		await session.deleteEndpoint(second.id as string, "deleted by a check");
		await deleteLeftovers({
			config: session.config,
			runId: session.runId,
			ledgerFile: session.ledger.file,
		});
		expect(mock.endpoints().map((endpoint) => endpoint.endpoint_name)).toEqual([
			"someone-else",
		]);
		expect(session.ledger.alive()).toEqual([]);
		expect(
			session.ledger.entries().find((entry) => entry.id === first.id)?.state,
		).toBe("deleted");
		// One delete per endpoint of the run: none for the seeded one.
		expect(deletes(mock)).toBe(2);
	});
});
