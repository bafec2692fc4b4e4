/**
 * In the verify stage, a provider-state setup, the interaction's request
 * (seen by the request filter) and the teardown form one flow of the run's
 * request log, and a request the filter keeps from the region is not in it.
 * An interaction that waited for its lane records the requests that freed
 * it as `queuedAfter`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import {
	controlPath,
	EXAMPLE_ENDPOINT_ID,
	endpointCollectionPath,
	PLACEHOLDER_TOKEN,
	PROVIDER_STATES,
} from "../../contracts/support/contract.ts";
import { createProviderStates } from "../../contracts/support/provider-states.ts";
import { createRequestFilter } from "../../contracts/support/request-filter.ts";
import { VerificationFlows } from "../../contracts/support/verification-flows.ts";
import { MaasClient } from "../client/index.ts";
import { trackRequest, withRequestLog } from "../client/request-flow.ts";
import {
	REQUEST_LOG_FILE,
	RequestLogFile,
	readRequestLog,
} from "../client/request-log.ts";
import { type MockRegion, startMockRegion } from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";

describe("VerificationFlows", () => {
	test("setups, the request and teardowns of one interaction share a flow", () => {
		const flows = new VerificationFlows();
		const setup = flows.forSetup("an endpoint exists");
		expect(flows.forSetup("a second state")).toBe(setup);
		expect(flows.forRequest("PUT control/x")).toBe(setup);
		expect(flows.forTeardown("an endpoint exists")).toBe(setup);
		expect(setup.name).toBe("state:an endpoint exists");
		expect(setup.stage).toBe("verify");
	});

	test("the next interaction starts a new flow, with or without a state", () => {
		const flows = new VerificationFlows();
		const first = flows.forSetup("an endpoint exists");
		flows.forRequest("DELETE endpoint/x");
		flows.forTeardown("an endpoint exists");
		const stateless = flows.forRequest("GET endpoint");
		expect(stateless).not.toBe(first);
		expect(stateless.name).toBe("interaction:GET endpoint");
		const another = flows.forRequest("DELETE endpoint/y");
		expect(another).not.toBe(stateless);
		expect(flows.forSetup("an endpoint exists")).not.toBe(first);
	});
});

describe("VerificationFlows across the interactions of a lane", () => {
	test("an interaction that waited for the lane: its first request records the wait", () => {
		const dir = mkdtempSync(join(tmpdir(), "maas-verify-queue-"));
		const file = join(dir, REQUEST_LOG_FILE);
		const flows = new VerificationFlows();
		const reported: string[][] = [];
		flows.onRequestFinished = (ids) => reported.push(ids);
		withRequestLog(RequestLogFile.create(file), "verify", () => {
			flows.startInteraction(["lane.7", "lane.8"]);
			const setup = flows.forSetup("an endpoint exists");
			trackRequest("POST", { path: "/create" }, setup)({ status: 200 });
			const request = flows.forRequest("DELETE endpoint/x");
			expect(request).toBe(setup);
			trackRequest("DELETE", { path: "/delete" }, request)({ status: 204 });

			flows.startInteraction();
			const next = flows.forRequest("GET endpoint");
			expect(next).not.toBe(setup);
			trackRequest("GET", { path: "/list" }, next)({ status: 200 });
		});
		const { entries } = readRequestLog(file);
		const [create, remove, list] = entries;
		expect(create?.queuedAfter).toEqual(["lane.7", "lane.8"]);
		expect(remove?.queuedAfter).toBeUndefined();
		expect(remove?.after).toEqual([create?.id]);
		expect(list?.after).toEqual([]);
		expect(list?.queuedAfter).toBeUndefined();
		// After each request, the latest ones of the interaction in progress.
		expect(reported).toEqual([[create?.id], [remove?.id], [list?.id]]);
		expect(flows.lastRequestIds()).toEqual([list?.id]);
		rmSync(dir, { recursive: true, force: true });
	});
});

describe("the verify stage's request log", () => {
	let region: MockRegion;
	let reportDir: string;
	let proxy: Server;
	let proxyUrl: string;
	let client: MaasClient;
	const flows = new VerificationFlows();

	beforeAll(async () => {
		region = await startMockRegion();
		reportDir = mkdtempSync(join(tmpdir(), "maas-verify-log-"));
		// A stage process the gate started logs by these variables.
		vi.stubEnv("MAAS_RUN_ID", "verifylog1");
		vi.stubEnv("MAAS_REPORT_DIR", reportDir);
		vi.stubEnv("MAAS_ENDPOINT", region.url);
		client = new MaasClient({
			endpoint: region.url,
			projectId: region.projectId,
			token: region.token,
			timeoutMs: 5000,
		});
		// Stands in for the verifier's proxy: the filter, then a 204 response.
		const filter = createRequestFilter({
			token: region.token,
			projectId: region.projectId,
			flows,
		});
		proxy = createServer((request, response) => {
			filter(request as never, response, () => {
				response.statusCode = 204;
				response.end();
			});
		});
		await new Promise<void>((resolve) =>
			proxy.listen(0, "127.0.0.1", () => resolve()),
		);
		const address = proxy.address();
		if (address === null || typeof address === "string") {
			throw new Error("the stand-in proxy has no TCP address");
		}
		proxyUrl = `http://127.0.0.1:${address.port}`;
	});

	afterAll(async () => {
		vi.unstubAllEnvs();
		await client.close();
		await new Promise((resolve) => proxy.close(resolve));
		await region.close();
	});

	test("one interaction is one chain", async () => {
		const states = createProviderStates({
			client,
			ledger: Ledger.open(join(reportDir, "ledger.jsonl"), "verifylog1"),
			namePrefix: "conformance-",
			source: "custom_from_maas",
			modelName: "conformance-placeholder-model",
			flows,
		});
		const handler = states.handlers[PROVIDER_STATES.endpointExists];
		const { id } = await handler.setup();
		const sent = await fetch(`${proxyUrl}${controlPath(id as string)}`, {
			method: "PUT",
			headers: { "X-Auth-Token": PLACEHOLDER_TOKEN },
		});
		expect(sent.status).toBe(204);
		await handler.teardown();
		const blocked = await fetch(
			`${proxyUrl}${controlPath(EXAMPLE_ENDPOINT_ID)}`,
			{ method: "PUT" },
		);
		expect(blocked.status).toBe(500);
		const listed = await fetch(`${proxyUrl}${endpointCollectionPath()}`);
		expect(listed.status).toBe(204);

		const file = join(reportDir, REQUEST_LOG_FILE);
		const { entries, problems } = readRequestLog(file);
		expect(problems).toEqual([]);
		const prefix = `/v1/${region.projectId}/maas/services/custom-endpoint`;
		expect(
			entries.map((entry) => [entry.flow, entry.method, entry.path]),
		).toEqual([
			["state:an endpoint exists", "POST", `${prefix}/endpoint`],
			["state:an endpoint exists", "PUT", `${prefix}/control/${id}`],
			["state:an endpoint exists", "GET", `${prefix}/endpoint`],
			["state:an endpoint exists", "DELETE", `${prefix}/endpoint/${id}`],
			["interaction:GET endpoint", "GET", `${prefix}/endpoint`],
		]);
		for (const [index, entry] of entries.slice(1, 4).entries()) {
			expect(entry.after).toEqual([entries[index]?.id]);
		}
		expect(entries[4]?.after).toEqual([]);
		expect(entries.every((entry) => entry.stage === "verify")).toBe(true);
		expect(entries[1]?.status).toBe(204);
		expect(readFileSync(file, "utf8")).not.toContain(region.token);
	});
});
