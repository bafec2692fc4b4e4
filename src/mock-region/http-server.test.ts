import { connect } from "node:net";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { startHttpServer } from "./http-server.ts";
import { jsonReply } from "./reply.ts";
import {
	createEndpoint,
	endpointPath,
	firstUser,
	loginBody,
	send,
	useRegions,
	waitUntil,
} from "./test-helpers.ts";

const start = useRegions();
const format = { deviations: new Set<never>(), extraFields: false };

function openSocket(
	url: string,
	bytes: string,
): Promise<{ closed: Promise<number> }> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		let received = 0;
		const socket = connect({ host: hostname, port: Number(port) }, () => {
			socket.write(bytes);
			resolve({ closed });
		});
		socket.on("data", (chunk: Buffer) => {
			received += chunk.length;
		});
		socket.on("error", () => {});
		const closed = new Promise<number>((done) =>
			socket.on("close", () => done(received)),
		);
	});
}

describe("http server", () => {
	test("a throwing handler is answered 400 APIGW.0201", async () => {
		let calls = 0;
		const server = await startHttpServer({
			host: "127.0.0.1",
			port: 0,
			delayMs: 0,
			maxBodyBytes: 1024,
			format,
			handle: (incoming) => {
				calls += 1;
				if (incoming.target === "/async") {
					return Promise.reject(new Error("async failure"));
				}
				if (incoming.target === "/sync") {
					throw new TypeError("sync failure");
				}
				return jsonReply(200, { ok: true });
			},
		});
		try {
			for (const [path, message] of [
				["/sync", "sync failure"],
				["/async", "async failure"],
			] as const) {
				const response = await request(`${server.url}${path}`);
				expect(response.statusCode).toBe(400);
				expect(response.headers["content-type"]).toBe("application/json");
				const body = (await response.body.json()) as Record<string, string>;
				expect(body.error_code).toBe("APIGW.0201");
				expect(body.error_msg).toContain(message);
				expect(body.request_id).toBe(response.headers["x-request-id"]);
			}
			const after = await request(`${server.url}/fine`);
			expect(after.statusCode).toBe(200);
			await after.body.dump();
			expect(calls).toBe(3);
			expect(server.requests().map((entry) => entry.status)).toEqual([
				400, 400, 200,
			]);
		} finally {
			await server.close();
		}
	});

	test("request log records method, path, status and times", async () => {
		const region = await start();
		await send(region, "GET", `${endpointPath(region)}?a=1`);
		await send(region, "GET", endpointPath(region), { token: null });
		const log = region.requests();
		expect(log).toHaveLength(2);
		expect(log[0]).toMatchObject({
			method: "GET",
			path: `${endpointPath(region)}?a=1`,
			status: 200,
		});
		expect(log[1]).toMatchObject({ method: "GET", status: 401 });
		for (const entry of log) {
			expect(entry.endedAt).toBeGreaterThanOrEqual(entry.startedAt);
		}
		log.pop();
		expect(region.requests()).toHaveLength(2);
	});

	test("delayMs holds responses until close cancels them", async () => {
		const region = await start({ delayMs: 600_000 });
		const pending = send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "delayed" },
		});
		const outcome = pending.then(
			() => "response",
			() => "connection closed",
		);
		await waitUntil(() => region.endpoints().length === 1);
		await region.close();
		expect(await outcome).toBe("connection closed");
		expect(region.requests().map((entry) => entry.status)).toEqual([0]);
	});

	test("delayMs delays IAM, API and error responses", async () => {
		const delayMs = 150;
		const region = await start({ delayMs });
		const iam = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(firstUser(region), { name: region.region }),
		});
		expect(iam.status).toBe(201);
		await createEndpoint(region, "slow");
		const error = await send(region, "GET", "/unknown", { token: null });
		expect(error.status).toBe(404);
		const log = region.requests();
		expect(log).toHaveLength(3);
		for (const entry of log) {
			// A lower bound only; 5 ms covers timer rounding against Date.now().
			expect(entry.endedAt - entry.startedAt).toBeGreaterThanOrEqual(
				delayMs - 5,
			);
		}
	});

	test("close destroys idle, partial and pending connections", async () => {
		const region = await start({ delayMs: 600_000 });
		const { host } = new URL(region.url);
		const partialHead = await openSocket(
			region.url,
			`GET / HTTP/1.1\r\nHost: ${host}\r\n`,
		);
		const partialBody = await openSocket(
			region.url,
			`POST ${endpointPath(region)} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"endpoint`,
		);
		const delayed = await openSocket(
			region.url,
			`GET ${endpointPath(region)} HTTP/1.1\r\nHost: ${host}\r\nX-Auth-Token: ${region.token}\r\n\r\n`,
		);
		await region.close();
		expect(await partialHead.closed).toBe(0);
		expect(await partialBody.closed).toBe(0);
		expect(await delayed.closed).toBe(0);
		await region.close();
		const refused = await request(`${region.url}/`).then(
			() => "connected",
			(error: NodeJS.ErrnoException) => error.code,
		);
		expect(refused).toBe("ECONNREFUSED");
	});

	test("close ends an idle keep-alive connection", async () => {
		const region = await start();
		const idle = await openSocket(
			region.url,
			`GET ${endpointPath(region)} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${region.token}\r\n\r\n`,
		);
		await waitUntil(() => region.requests().length === 1);
		await region.close();
		expect(await idle.closed).toBeGreaterThan(0);
	});
});

describe("padded JSON reply", () => {
	test("stops streaming when the client disconnects", async () => {
		const server = await startHttpServer({
			host: "127.0.0.1",
			port: 0,
			delayMs: 0,
			maxBodyBytes: 1024,
			format,
			handle: (incoming) =>
				incoming.target === "/big"
					? {
							kind: "padded-json",
							status: 200,
							body: { a: 1 },
							totalBytes: 256 * 1024 * 1024,
						}
					: jsonReply(200, { ok: true }),
		});
		try {
			const { hostname, port } = new URL(server.url);
			const socket = connect({ host: hostname, port: Number(port) });
			socket.on("error", () => {});
			socket.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
			await new Promise<void>((resolve) =>
				socket.once("data", () => resolve()),
			);
			socket.destroy();
			await waitUntil(() => server.requests().length === 1);
			expect(server.requests()[0]?.status).toBe(0);
			const after = await request(`${server.url}/small`);
			expect(after.statusCode).toBe(200);
			expect(await after.body.json()).toEqual({ ok: true });
		} finally {
			await server.close();
		}
	});
});
