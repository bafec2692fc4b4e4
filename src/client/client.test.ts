import { createServer } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { ApiError, ProtocolError } from "../errors.ts";
import { redact } from "../redact.ts";
import { type ExchangeRecord, MaasClient } from "./index.ts";
import {
	type RawTestServer,
	type Responder,
	reply,
	startRawServer,
} from "./raw-test-server.ts";

const TOKEN = "client-test-token-5f2c";
const PROJECT = "0123456789abcdef0123456789abcdef";
const BASE = `/v1/${PROJECT}/maas/services/custom-endpoint`;

const servers: RawTestServer[] = [];
const clients: MaasClient[] = [];

afterEach(async () => {
	await Promise.all(clients.splice(0).map((client) => client.close()));
	await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(respond: Responder): Promise<RawTestServer> {
	const server = await startRawServer(respond);
	servers.push(server);
	return server;
}

function clientFor(
	server: { url: string },
	options: Partial<ConstructorParameters<typeof MaasClient>[0]> = {},
): MaasClient {
	const client = new MaasClient({
		endpoint: server.url,
		projectId: PROJECT,
		token: TOKEN,
		timeoutMs: 2000,
		...options,
	});
	clients.push(client);
	return client;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error("expected the promise to reject");
}

function json(status: string, body: unknown, extraHeaders = ""): string {
	const text = JSON.stringify(body);
	return `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${extraHeaders}\r\n${text}`;
}

const LIST = {
	total: 1,
	count: "1",
	items: [{ id: "e-1", endpoint_name: "conformance-abcd-1", rpm: null }],
	quantity_limit: 10,
};

describe("field cases", () => {
	test("delete 204: success without body", async () => {
		const server = await serve(reply("HTTP/1.1 204 No Content\r\n\r\n"));
		const response = await clientFor(server).deleteEndpoint("e/1");
		expect(response.status).toBe(204);
		expect(response.body).toBeUndefined();
		const [request] = server.requests;
		expect(request?.method).toBe("DELETE");
		expect(request?.target).toBe(`${BASE}/endpoint/e%2F1`);
		expect(request?.headers["x-auth-token"]).toBe(TOKEN);
	});

	test("chunked empty list: ProtocolError, not SyntaxError", async () => {
		const server = await serve(
			reply(
				"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			),
		);
		const error = await errorOf(clientFor(server).listEndpoints());
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error).not.toBeInstanceOf(SyntaxError);
		expect((error as Error).message).toContain(
			"empty body where JSON was expected (status 200, content-type application/json)",
		);
	});

	test("HTML 502: ApiError with raw text", async () => {
		const server = await serve(
			reply(
				"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 37\r\n\r\n<html><h1>502 Bad Gateway</h1></html>",
			),
		);
		const error = await errorOf(clientFor(server).listEndpoints());
		expect(error).toBeInstanceOf(ApiError);
		const details = (error as ApiError).details;
		expect(details.status).toBe(502);
		expect(details.contentType).toBe("text/html");
		expect(details.rawText).toBe("<html><h1>502 Bad Gateway</h1></html>");
		expect(details.errorCode).toBeUndefined();
		expect(details.method).toBe("GET");
		expect(details.url).toBe(`${server.url}${BASE}/endpoint`);
	});

	test("a 204 with Content-Length: 2 and {} ends in a clear ProtocolError, repeatably", async () => {
		const server = await serve(
			reply("HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n{}"),
		);
		const client = clientFor(server);
		for (const _ of [1, 2]) {
			const error = await errorOf(client.deleteEndpoint("e-1"));
			expect(error).toMatchObject({ code: "MAAS_PROTOCOL_ERROR" });
			expect((error as Error).message).toContain("Content-Length");
		}
	});

	test("a 204 followed by stray bytes on a kept-alive connection is success", async () => {
		const server = await serve((socket) =>
			socket.write("HTTP/1.1 204 No Content\r\n\r\n{}"),
		);
		const client = clientFor(server);
		expect((await client.deleteEndpoint("e-1")).status).toBe(204);
		expect((await client.deleteEndpoint("e-2")).status).toBe(204);
	});

	test("a body over maxBodyBytes is a ProtocolError (declared length)", async () => {
		const server = await serve(reply(json("200 OK", { pad: "x".repeat(500) })));
		const error = await errorOf(
			clientFor(server, { maxBodyBytes: 100 }).listEndpoints(),
		);
		expect(error).toBeInstanceOf(ProtocolError);
		expect((error as Error).message).toContain("exceeds 100 bytes");
	});

	test("a body over maxBodyBytes is a ProtocolError (chunked, no length)", async () => {
		const chunk = "x".repeat(64);
		const server = await serve((socket) => {
			socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
			// Endless chunks: the client must stop reading on its own.
			const timer = setInterval(() => {
				if (socket.destroyed) clearInterval(timer);
				else socket.write(`40\r\n${chunk}\r\n`);
			}, 5);
			socket.on("close", () => clearInterval(timer));
		});
		const error = await errorOf(
			clientFor(server, {
				maxBodyBytes: 1000,
				timeoutMs: 10_000,
			}).listEndpoints(),
		);
		expect(error).toBeInstanceOf(ProtocolError);
		expect((error as Error).message).toContain("exceeds 1000 bytes");
	});

	test("truncated JSON is a ProtocolError quoting the start and the content type", async () => {
		const server = await serve(
			reply(
				'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{"total": 1,',
			),
		);
		const error = await errorOf(clientFor(server).listEndpoints());
		expect(error).toBeInstanceOf(ProtocolError);
		const message = (error as Error).message;
		expect(message).toContain("body is not JSON");
		expect(message).toContain("content-type application/json");
		expect(message).toContain('{\\"total\\": 1,');
	});

	test("headers then a stalled body is a RequestTimeoutError", async () => {
		const server = await serve((socket) =>
			socket.write(
				'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"to',
			),
		);
		const error = await errorOf(
			clientFor(server, { timeoutMs: 300 }).listEndpoints(),
		);
		expect(error).toMatchObject({ code: "MAAS_REQUEST_TIMEOUT" });
		expect((error as Error).message).toContain("300 ms");
	});

	test("a trickling body hits the overall deadline", async () => {
		// One byte every 50 ms never trips undici's idle bodyTimeout, so only
		// the per-request deadline can end this exchange.
		const server = await serve((socket) => {
			socket.write(
				"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
			);
			const timer = setInterval(() => {
				if (socket.destroyed) clearInterval(timer);
				else socket.write(" ");
			}, 50);
			socket.on("close", () => clearInterval(timer));
		});
		const error = await errorOf(
			clientFor(server, { timeoutMs: 400 }).listEndpoints(),
		);
		expect(error).toMatchObject({ code: "MAAS_REQUEST_TIMEOUT" });
	});

	test("a server that never answers is a RequestTimeoutError", async () => {
		const server = await serve(() => undefined);
		const error = await errorOf(
			clientFor(server, { timeoutMs: 200 }).listEndpoints(),
		);
		expect(error).toMatchObject({ code: "MAAS_REQUEST_TIMEOUT" });
	});

	test("a refused connection is a TargetUnreachableError", async () => {
		const probe = createServer();
		await new Promise<void>((resolve) =>
			probe.listen(0, "127.0.0.1", () => resolve()),
		);
		const address = probe.address();
		await new Promise<void>((resolve) => probe.close(() => resolve()));
		if (address === null || typeof address === "string")
			throw new Error("no port");
		const error = await errorOf(
			clientFor({ url: `http://127.0.0.1:${address.port}` }).listEndpoints(),
		);
		expect(error).toMatchObject({ code: "MAAS_TARGET_UNREACHABLE" });
	});

	test("a reset before the answer is a TargetUnreachableError", async () => {
		const server = await serve((socket) => socket.resetAndDestroy());
		const error = await errorOf(clientFor(server).listEndpoints());
		expect(error).toMatchObject({ code: "MAAS_TARGET_UNREACHABLE" });
	});

	test("a 3xx is a ProtocolError", async () => {
		const server = await serve(
			reply(
				"HTTP/1.1 302 Found\r\nLocation: /login\r\nContent-Length: 0\r\n\r\n",
			),
		);
		const error = await errorOf(clientFor(server).listEndpoints());
		expect(error).toBeInstanceOf(ProtocolError);
		expect((error as Error).message).toContain("302");
	});
});

describe("error responses", () => {
	test("take error_code, error_msg and request_id from a JSON body", async () => {
		const server = await serve(
			reply(
				json(
					"400 Bad Request",
					{
						error_code: "ModelArts.6291",
						error_msg: "CustomEndpointNotFound",
						request_id: "req-body",
					},
					"X-Request-Id: req-header\r\n",
				),
			),
		);
		const error = (await errorOf(
			clientFor(server).editEndpoint("nope", { remark: "x" }),
		)) as ApiError;
		expect(error).toBeInstanceOf(ApiError);
		expect(error.status).toBe(400);
		expect(error.errorCode).toBe("ModelArts.6291");
		expect(error.details.errorMsg).toBe("CustomEndpointNotFound");
		expect(error.details.requestId).toBe("req-body");
		expect(error.details.rawText).toContain("ModelArts.6291");
		expect(error.message).toContain("responded with 400 (ModelArts.6291)");
	});

	test("take the request id from X-Request-Id when the body has none", async () => {
		const server = await serve(
			reply(
				json(
					"401 Unauthorized",
					{
						error_code: "APIGW.0301",
						error_msg: "Incorrect IAM authentication information",
					},
					"X-Request-Id: req-header\r\n",
				),
			),
		);
		const error = (await errorOf(
			clientFor(server).withToken(undefined).listEndpoints(),
		)) as ApiError;
		expect(error.details.requestId).toBe("req-header");
		expect(error.errorCode).toBe("APIGW.0301");
	});

	test("ignore error_code and error_msg that are not strings", async () => {
		const server = await serve(
			reply(json("400 Bad Request", { error_code: 6291, error_msg: ["x"] })),
		);
		const error = (await errorOf(
			clientFor(server).listEndpoints(),
		)) as ApiError;
		expect(error.errorCode).toBeUndefined();
		expect(error.details.errorMsg).toBeUndefined();
		expect(error.details.rawText).toBe('{"error_code":6291,"error_msg":["x"]}');
	});

	test("keep only the first 4 KiB of the raw text", async () => {
		const page = "e".repeat(10_000);
		const server = await serve(
			reply(
				`HTTP/1.1 500 Internal Server Error\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
			),
		);
		const error = (await errorOf(
			clientFor(server).listEndpoints(),
		)) as ApiError;
		expect(error.details.rawText.length).toBe(4096);
	});
});

describe("operations", () => {
	test("create sends the JSON body and returns the id of a 201", async () => {
		const server = await serve(
			reply(json("201 Created", { id: "e-9", endpoint_name: "n" })),
		);
		const response = await clientFor(server).createEndpoint({
			endpoint_name: "n",
			source: "custom_from_maas",
			model_name: "m",
		});
		expect(response.status).toBe(201);
		expect(response.id).toBe("e-9");
		const [request] = server.requests;
		expect(request?.method).toBe("POST");
		expect(request?.target).toBe(`${BASE}/endpoint`);
		expect(request?.headers["content-type"]).toBe("application/json");
		expect(JSON.parse(request?.body.toString() ?? "")).toEqual({
			endpoint_name: "n",
			source: "custom_from_maas",
			model_name: "m",
		});
	});

	test("create without an id in the body returns id undefined", async () => {
		for (const body of [{ endpoint_name: "n" }, { id: "" }, { id: 7 }, [1]]) {
			const server = await serve(reply(json("200 OK", body)));
			const response = await clientFor(server).createEndpoint({
				endpoint_name: "n",
			});
			expect(response.status).toBe(200);
			expect(response.id).toBeUndefined();
		}
	});

	test("create with an empty 2xx body returns body and id undefined", async () => {
		const server = await serve(
			reply("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
		);
		const response = await clientFor(server).createEndpoint({
			endpoint_name: "n",
		});
		expect(response.body).toBeUndefined();
		expect(response.id).toBeUndefined();
	});

	test("JSON is accepted whatever the content type says", async () => {
		const text = JSON.stringify(LIST);
		const server = await serve(
			reply(
				`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Request-Id: r-1\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
			),
		);
		const response = await clientFor(server).listEndpoints();
		expect(response.body).toEqual(LIST);
		expect(response.requestId).toBe("r-1");
		expect(response.headers["content-type"]).toBe("text/plain");
	});

	test("edit succeeds with a 200 JSON body and with a 204", async () => {
		const ok = await serve(reply(json("200 OK", { id: "e-1", remark: "r" })));
		const edited = await clientFor(ok).editEndpoint("e-1", { remark: "r" });
		expect(edited.body).toEqual({ id: "e-1", remark: "r" });
		expect(ok.requests[0]?.method).toBe("PUT");
		expect(ok.requests[0]?.target).toBe(`${BASE}/endpoint/e-1`);

		const empty = await serve(reply("HTTP/1.1 204 No Content\r\n\r\n"));
		const none = await clientFor(empty).editEndpoint("e-1", { remark: "r" });
		expect(none.status).toBe(204);
		expect(none.body).toBeUndefined();
	});

	test("edit with an empty 200 is a ProtocolError", async () => {
		const server = await serve(
			reply("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
		);
		const error = await errorOf(
			clientFor(server).editEndpoint("e-1", { remark: "r" }),
		);
		expect((error as Error).message).toContain(
			"empty body where JSON was expected (status 200, content-type none)",
		);
	});

	test("setEndpointState sends PUT control/{id} with the action", async () => {
		const server = await serve(reply("HTTP/1.1 204 No Content\r\n\r\n"));
		const response = await clientFor(server).setEndpointState(
			"e 1",
			"deactivate",
		);
		expect(response.body).toBeUndefined();
		const [request] = server.requests;
		expect(request?.target).toBe(`${BASE}/control/e%201`);
		expect(JSON.parse(request?.body.toString() ?? "")).toEqual({
			action: "deactivate",
		});
	});

	test("findEndpointByName finds by endpoint_name or returns undefined", async () => {
		const server = await serve(reply(json("200 OK", LIST)));
		const client = clientFor(server);
		expect((await client.findEndpointByName("conformance-abcd-1"))?.id).toBe(
			"e-1",
		);
		expect(await client.findEndpointByName("other")).toBeUndefined();
	});

	test("findEndpointByName on a list without items is a ProtocolError", async () => {
		const server = await serve(reply(json("200 OK", { total: 0 })));
		const error = await errorOf(clientFor(server).findEndpointByName("x"));
		expect(error).toBeInstanceOf(ProtocolError);
	});

	test("withToken and withProjectId change only the token or the project", async () => {
		const server = await serve(reply(json("200 OK", LIST)));
		const client = clientFor(server);
		const anonymous = client.withToken(undefined);
		const other = client.withProjectId("p/2");
		clients.push(anonymous, other);
		await anonymous.listEndpoints();
		await other.listEndpoints();
		await client.withToken("other-token-1234").listEndpoints();
		expect(server.requests[0]?.headers["x-auth-token"]).toBeUndefined();
		expect(server.requests[1]?.target).toBe(
			"/v1/p%2F2/maas/services/custom-endpoint/endpoint",
		);
		expect(server.requests[1]?.headers["x-auth-token"]).toBe(TOKEN);
		expect(server.requests[2]?.headers["x-auth-token"]).toBe(
			"other-token-1234",
		);
		expect(other.projectId).toBe("p/2");
		expect(anonymous.endpoint).toBe(client.endpoint);
	});

	test("a trailing slash on the endpoint is removed", async () => {
		const server = await serve(reply(json("200 OK", LIST)));
		const client = clientFor({ url: `${server.url}/` });
		expect(client.endpoint).toBe(server.url);
		await client.listEndpoints();
		expect(server.requests[0]?.target).toBe(`${BASE}/endpoint`);
	});

	test("a closed client refuses further requests", async () => {
		const server = await serve(reply(json("200 OK", LIST)));
		const client = clientFor(server);
		await client.close();
		await expect(client.listEndpoints()).rejects.toThrow("closed");
	});

	test("the token is registered with redact", () => {
		clientFor(
			{ url: "http://127.0.0.1:1" },
			{ token: "registered-by-client-77" },
		);
		expect(redact("x registered-by-client-77 y")).toBe("x *** y");
	});
});

describe("onExchange", () => {
	test("gets one record per request, with status, request id and error code", async () => {
		const answers = [
			json("200 OK", LIST, "X-Request-Id: r-ok\r\n"),
			json("400 Bad Request", {
				error_code: "ModelArts.6291",
				error_msg: "not found",
				request_id: "r-err",
			}),
		];
		const server = await serve((socket) => socket.end(answers.shift() ?? ""));
		const records: ExchangeRecord[] = [];
		const client = clientFor(server, { onExchange: (r) => records.push(r) });

		await client.listEndpoints();
		await errorOf(client.deleteEndpoint("gone"));

		expect(records).toHaveLength(2);
		expect(records[0]).toMatchObject({
			method: "GET",
			url: `${server.url}${BASE}/endpoint`,
			status: 200,
			requestId: "r-ok",
			errorCode: undefined,
		});
		expect(records[0]?.error).toBeUndefined();

		expect(records[1]).toMatchObject({
			method: "DELETE",
			status: 400,
			requestId: "r-err",
			errorCode: "ModelArts.6291",
		});
		expect(records[1]?.error).toContain("responded with 400");

		for (const record of records) {
			expect(record.endedAt).toBeGreaterThanOrEqual(record.startedAt);
			expect(JSON.stringify(record)).not.toContain(TOKEN);
		}
	});

	test("records a request that got no response with status undefined", async () => {
		const server = await serve(() => undefined);
		const records: ExchangeRecord[] = [];
		const client = clientFor(server, {
			timeoutMs: 200,
			onExchange: (r) => records.push(r),
		});
		await errorOf(client.listEndpoints());
		expect(records).toHaveLength(1);
		expect(records[0]?.status).toBeUndefined();
		expect(records[0]?.error).toContain("timed out");
	});
});
