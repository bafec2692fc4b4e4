import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type MockRegion, startMockRegion } from "../mock-region/index.ts";
import { MaasClient } from "./index.ts";
import {
	currentFlow,
	inFlow,
	RequestFlow,
	trackRequest,
	withFlow,
	withRequestLog,
} from "./request-flow.ts";
import {
	type LoggedRequest,
	RequestLogFile,
	readRequestLog,
} from "./request-log.ts";
import { sendWire } from "./wire.ts";

function newLog(): RequestLogFile {
	const dir = mkdtempSync(join(tmpdir(), "maas-request-flow-"));
	return RequestLogFile.create(join(dir, "requests.jsonl"));
}

function entries(log: RequestLogFile): LoggedRequest[] {
	return readRequestLog(log.path).entries;
}

/** Records a request under `path` that takes `ms` and ends with 200. */
async function fakeRequest(path: string, ms = 2): Promise<void> {
	const done = trackRequest("GET", { path });
	await new Promise((resolve) => setTimeout(resolve, ms));
	done({ status: 200 });
}

function byPath(list: LoggedRequest[]): Map<string, LoggedRequest> {
	return new Map(list.map((entry) => [entry.path, entry]));
}

describe("request flows", () => {
	test("each request of a flow follows the one before it", async () => {
		const log = newLog();
		await withRequestLog(log, "probes", () =>
			withFlow("probe:A", async () => {
				await fakeRequest("/1");
				await fakeRequest("/2");
				await fakeRequest("/3");
			}),
		);
		const found = byPath(entries(log));
		expect(found.get("/1")?.after).toEqual([]);
		expect(found.get("/2")?.after).toEqual([found.get("/1")?.id]);
		expect(found.get("/3")?.after).toEqual([found.get("/2")?.id]);
		expect(found.get("/3")).toMatchObject({
			stage: "probes",
			flow: "probe:A",
			method: "GET",
			status: 200,
		});
	});

	test("parallel requests share their predecessor", async () => {
		const log = newLog();
		await withRequestLog(log, "probes", () =>
			withFlow("fixture:samples", async () => {
				await fakeRequest("/first");
				await Promise.all([fakeRequest("/a", 5), fakeRequest("/b", 1)]);
				await fakeRequest("/last");
			}),
		);
		const found = byPath(entries(log));
		const first = found.get("/first")?.id;
		expect(found.get("/a")?.after).toEqual([first]);
		expect(found.get("/b")?.after).toEqual([first]);
		expect(found.get("/last")?.after.sort()).toEqual(
			[found.get("/a")?.id, found.get("/b")?.id].sort(),
		);
	});

	test("flows side by side do not follow each other", async () => {
		const log = newLog();
		await withRequestLog(log, "probes", () =>
			Promise.all([
				withFlow("probe:A", () => fakeRequest("/a", 1)),
				withFlow("probe:B", async () => {
					await new Promise((resolve) => setTimeout(resolve, 5));
					await fakeRequest("/b");
				}),
			]),
		);
		const found = byPath(entries(log));
		expect(found.get("/a")?.after).toEqual([]);
		expect(found.get("/b")?.after).toEqual([]);
	});

	test("a flow that awaited another one follows its last requests", async () => {
		const log = newLog();
		await withRequestLog(log, "probes", async () => {
			const fixture = new RequestFlow("fixture:live", "probes");
			await inFlow(fixture, async () => {
				await fakeRequest("/create");
				await fakeRequest("/list");
			});
			await withFlow("probe:EDIT", async () => {
				currentFlow()?.follow(fixture.lastIds());
				await fakeRequest("/edit");
			});
		});
		const found = byPath(entries(log));
		expect(found.get("/edit")?.after).toEqual([found.get("/list")?.id]);
		expect(found.get("/edit")?.flow).toBe("probe:EDIT");
		expect(found.get("/list")?.flow).toBe("fixture:live");
	});

	test("a queue wait goes to the next request only, as queuedAfter", async () => {
		const log = newLog();
		await withRequestLog(log, "probes", () =>
			withFlow("probe:CREATE", async () => {
				currentFlow()?.queuedBehind(["other.7"]);
				await fakeRequest("/post");
				await fakeRequest("/list");
			}),
		);
		const found = byPath(entries(log));
		expect(found.get("/post")?.queuedAfter).toEqual(["other.7"]);
		expect(found.get("/post")?.after).toEqual([]);
		expect(found.get("/list")).not.toHaveProperty("queuedAfter");
	});

	test("a flow inherits the stage unless it names one", async () => {
		const log = newLog();
		await withRequestLog(log, "gate", async () => {
			await fakeRequest("/login");
			await withFlow("preflight", () => fakeRequest("/list"), "preflight");
			await withFlow("inner", () => fakeRequest("/other"));
		});
		const found = byPath(entries(log));
		expect(found.get("/login")).toMatchObject({ stage: "gate", flow: "gate" });
		expect(found.get("/list")).toMatchObject({
			stage: "preflight",
			flow: "preflight",
		});
		expect(found.get("/other")).toMatchObject({ stage: "gate", flow: "inner" });
	});

	test("only the first end of a request is recorded", async () => {
		const log = newLog();
		await withRequestLog(log, "probes", async () => {
			const done = trackRequest("PUT", { path: "/twice" });
			done({ status: 204 });
			done({ status: 500 });
		});
		expect(entries(log).map((entry) => entry.status)).toEqual([204]);
	});

	test("a request outside the log's scope is not recorded in it", async () => {
		const log = newLog();
		await withRequestLog(log, "probes", () => fakeRequest("/inside"));
		await fakeRequest("/outside");
		expect(entries(log).map((entry) => entry.path)).toEqual(["/inside"]);
	});
});

describe("requests through the transport", () => {
	let region: MockRegion;

	beforeAll(async () => {
		region = await startMockRegion();
	});

	afterAll(async () => {
		await region.close();
	});

	test("client and wire requests are recorded", async () => {
		const log = newLog();
		const client = new MaasClient({
			endpoint: region.url,
			projectId: region.projectId,
			token: region.token,
			timeoutMs: 5000,
		});
		try {
			await withRequestLog(log, "probes", () =>
				withFlow("probe:LIST", async () => {
					await client.listEndpoints();
					await client.deleteEndpoint("no-such-id").catch(() => undefined);
					await sendWire({
						url: region.url,
						method: "GET",
						path: `/v1/${region.projectId}/maas/services/custom-endpoint/endpoint`,
						headers: { "X-Auth-Token": region.token },
						timeoutMs: 5000,
					});
				}),
			);
		} finally {
			await client.close();
		}
		const list = entries(log);
		const prefix = `/v1/${region.projectId}/maas/services/custom-endpoint`;
		expect(
			list.map((entry) => [entry.method, entry.path, entry.status]),
		).toEqual([
			["GET", `${prefix}/endpoint`, 200],
			["DELETE", `${prefix}/endpoint/no-such-id`, 400],
			["GET", `${prefix}/endpoint`, 200],
		]);
		expect(list[1]?.after).toEqual([list[0]?.id]);
		for (const entry of list) {
			expect(entry.endMs).toBeGreaterThanOrEqual(entry.startMs);
		}
		expect(readFileSync(log.path, "utf8")).not.toContain(region.token);
	});

	test("a request that got no response has status null and the error code", async () => {
		const log = newLog();
		const closed = await startMockRegion();
		const url = closed.url;
		await closed.close();
		const client = new MaasClient({
			endpoint: url,
			projectId: "p",
			timeoutMs: 2000,
		});
		try {
			await withRequestLog(log, "preflight", () =>
				client.listEndpoints().catch(() => undefined),
			);
		} finally {
			await client.close();
		}
		expect(entries(log)).toMatchObject([
			{ status: null, error: "MAAS_TARGET_UNREACHABLE" },
		]);
	});

	test("with origins, requests to another server are not recorded", async () => {
		const log = newLog();
		const other = await startMockRegion();
		const clientOf = (target: MockRegion) =>
			new MaasClient({
				endpoint: target.url,
				projectId: target.projectId,
				token: target.token,
				timeoutMs: 5000,
			});
		const mine = clientOf(region);
		const theirs = clientOf(other);
		try {
			await withRequestLog(
				log,
				"contracts",
				async () => {
					await mine.listEndpoints();
					await theirs.listEndpoints();
				},
				[new URL(region.url).origin],
			);
		} finally {
			await mine.close();
			await theirs.close();
			await other.close();
		}
		expect(entries(log)).toHaveLength(1);
	});
});
