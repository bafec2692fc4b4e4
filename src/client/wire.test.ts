import { createServer } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import {
	type RawTestServer,
	type Responder,
	reply,
	startRawServer,
} from "./raw-test-server.ts";
import { chunkedBodyState, curlFor, sendWire } from "./wire.ts";

const servers: RawTestServer[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(respond: Responder): Promise<RawTestServer> {
	const server = await startRawServer(respond);
	servers.push(server);
	return server;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error("expected the promise to reject");
}

/** Returns a port nothing listens on, by binding and releasing it. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve()),
	);
	const address = server.address();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	if (address === null || typeof address === "string")
		throw new Error("no port");
	return address.port;
}

describe("sendWire: field cases", () => {
	test("a bare 204 has no body bytes and no Content-Length", async () => {
		const server = await serve(reply("HTTP/1.1 204 No Content\r\n\r\n"));
		const exchange = await sendWire({
			url: server.url,
			method: "DELETE",
			path: "/v1/p/maas/services/custom-endpoint/endpoint/e1",
			timeoutMs: 2000,
		});
		expect(exchange.status).toBe(204);
		expect(exchange.statusText).toBe("No Content");
		expect(exchange.bodyBytes.length).toBe(0);
		expect(exchange.contentLength).toBeUndefined();
		expect(exchange.chunked).toBe(false);
		expect(exchange.ended).toBe("closed");
	});

	test("a 204 with Content-Length: 2 keeps the stray {} bytes", async () => {
		const server = await serve(
			reply("HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n{}"),
		);
		const exchange = await sendWire({
			url: server.url,
			method: "DELETE",
			path: "/x",
			timeoutMs: 2000,
		});
		expect(exchange.status).toBe(204);
		expect(exchange.bodyBytes.toString()).toBe("{}");
		expect(exchange.contentLength).toBe("2");
	});

	test("a chunked empty 200 is reported as chunked with its terminator", async () => {
		const server = await serve(
			reply(
				"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			),
		);
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			timeoutMs: 2000,
		});
		expect(exchange.status).toBe(200);
		expect(exchange.chunked).toBe(true);
		expect(exchange.bodyBytes.toString()).toBe("0\r\n\r\n");
		expect(exchange.header("content-type")).toBe("application/json");
	});

	test("a 204 with Transfer-Encoding: chunked keeps the chunk bytes", async () => {
		const server = await serve(
			reply(
				"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			),
		);
		const exchange = await sendWire({
			url: server.url,
			method: "PUT",
			path: "/x",
			body: '{"action":"activate"}',
			timeoutMs: 2000,
		});
		expect(exchange.status).toBe(204);
		expect(exchange.chunked).toBe(true);
		expect(exchange.bodyBytes.toString()).toBe("0\r\n\r\n");
	});

	test("a server that never answers gives RequestTimeoutError", async () => {
		const server = await serve(() => undefined);
		const error = await errorOf(
			sendWire({ url: server.url, method: "GET", path: "/x", timeoutMs: 200 }),
		);
		expect(error).toMatchObject({ code: "MAAS_REQUEST_TIMEOUT" });
		expect((error as Error).message).toContain(`GET ${server.url}/x`);
	});

	test("a reset before any byte gives TargetUnreachableError", async () => {
		const server = await serve((socket) => socket.resetAndDestroy());
		const error = await errorOf(
			sendWire({ url: server.url, method: "GET", path: "/x", timeoutMs: 2000 }),
		);
		expect(error).toMatchObject({ code: "MAAS_TARGET_UNREACHABLE" });
	});

	test("a reset after the headers keeps the bytes that arrived", async () => {
		const server = await serve((socket) => {
			socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", () => {
				setTimeout(() => socket.resetAndDestroy(), 50);
			});
		});
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			timeoutMs: 2000,
		});
		expect(exchange.status).toBe(200);
		expect(exchange.bodyBytes.toString()).toBe("abc");
		expect(exchange.ended).toBe("closed");
	});
});

describe("sendWire: the request", () => {
	test("sends Host, Connection: close, Content-Length and the path as is", async () => {
		const server = await serve(reply("HTTP/1.1 204 No Content\r\n\r\n"));
		const exchange = await sendWire({
			url: `${server.url}/`,
			method: "PUT",
			path: "/v1/a%2Fb/../x?y=1",
			headers: {
				"X-Auth-Token": "wire-test-token",
				"Content-Type": "application/json",
			},
			body: '{"action":"ü"}',
			timeoutMs: 2000,
		});
		const [request] = server.requests;
		expect(request?.method).toBe("PUT");
		expect(request?.target).toBe("/v1/a%2Fb/../x?y=1");
		expect(request?.headers.host).toBe(`127.0.0.1:${server.port}`);
		expect(request?.headers.connection).toBe("close");
		expect(request?.headers["content-length"]).toBe(
			String(Buffer.byteLength('{"action":"ü"}')),
		);
		expect(request?.headers["x-auth-token"]).toBe("wire-test-token");
		expect(request?.body.toString()).toBe('{"action":"ü"}');
		// The record of what was sent masks the credential.
		expect(exchange.request.headers["X-Auth-Token"]).toBe("***");
		expect(JSON.stringify(exchange.request)).not.toContain("wire-test-token");
	});

	test("sends no Content-Length without a body, and user headers replace generated ones", async () => {
		const server = await serve(reply("HTTP/1.1 204 No Content\r\n\r\n"));
		await sendWire({
			url: server.url,
			method: "DELETE",
			path: "/x",
			headers: { connection: "keep-alive" },
			timeoutMs: 2000,
		});
		const [request] = server.requests;
		expect(request?.headers["content-length"]).toBeUndefined();
		expect(request?.headers.connection).toBe("keep-alive");
		expect(request?.head.match(/connection:/gi)).toHaveLength(1);
	});
});

describe("sendWire: reading the body", () => {
	test("waits graceMs after a 204 on an open connection for stray bytes", async () => {
		const server = await serve((socket) => {
			socket.write("HTTP/1.1 204 No Content\r\n\r\n");
			setTimeout(() => socket.write("{}"), 30);
		});
		const exchange = await sendWire({
			url: server.url,
			method: "DELETE",
			path: "/x",
			graceMs: 300,
			timeoutMs: 5000,
		});
		expect(exchange.bodyBytes.toString()).toBe("{}");
		expect(exchange.ended).toBe("grace");
	});

	test("reads Content-Length bytes, then the bytes beyond them within graceMs", async () => {
		const server = await serve((socket) => {
			socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
			setTimeout(() => socket.write("xx"), 30);
		});
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			graceMs: 300,
			timeoutMs: 5000,
		});
		expect(exchange.bodyBytes.toString()).toBe("{}xx");
		expect(exchange.ended).toBe("framed");
	});

	test("reads a chunked body in several writes up to the terminating chunk", async () => {
		const server = await serve((socket) => {
			socket.write(
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}",
			);
			setTimeout(() => socket.write("\r\n0\r\n\r\n"), 30);
		});
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			graceMs: 100,
			timeoutMs: 5000,
		});
		expect(exchange.bodyBytes.toString()).toBe("2\r\n{}\r\n0\r\n\r\n");
		expect(exchange.ended).toBe("framed");
	});

	test("without framing reads until the server closes", async () => {
		const server = await serve((socket) => {
			socket.write("HTTP/1.1 200 OK\r\n\r\nhello ");
			setTimeout(() => socket.end("world"), 30);
		});
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			timeoutMs: 5000,
		});
		expect(exchange.bodyBytes.toString()).toBe("hello world");
		expect(exchange.ended).toBe("closed");
	});

	test("without framing on a connection that stays open ends with timeout", async () => {
		const server = await serve((socket) => {
			socket.write("HTTP/1.1 200 OK\r\n\r\npartial");
		});
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			timeoutMs: 300,
		});
		expect(exchange.status).toBe(200);
		expect(exchange.bodyBytes.toString()).toBe("partial");
		expect(exchange.ended).toBe("timeout");
	});

	test("keeps at most maxBodyBytes and says it truncated", async () => {
		const server = await serve(
			reply(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${"a".repeat(100)}`),
		);
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			maxBodyBytes: 10,
			timeoutMs: 2000,
		});
		expect(exchange.bodyBytes.length).toBe(10);
		expect(exchange.truncated).toBe(true);
	});

	test("keeps repeated headers in order and joins them in header()", async () => {
		const server = await serve(
			reply("HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n"),
		);
		const exchange = await sendWire({
			url: server.url,
			method: "GET",
			path: "/x",
			timeoutMs: 2000,
		});
		expect(exchange.headers).toEqual([
			["X-A", "1"],
			["x-a", "2"],
			["Content-Length", "0"],
		]);
		expect(exchange.header("X-a")).toBe("1, 2");
		expect(exchange.header("missing")).toBeUndefined();
	});
});

describe("sendWire: failures", () => {
	test("a refused connection gives TargetUnreachableError", async () => {
		const port = await closedPort();
		const error = await errorOf(
			sendWire({
				url: `http://127.0.0.1:${port}`,
				method: "GET",
				path: "/x",
				timeoutMs: 2000,
			}),
		);
		expect(error).toMatchObject({ code: "MAAS_TARGET_UNREACHABLE" });
		expect((error as Error).message).toContain("ECONNREFUSED");
	});

	test("a close without any byte gives TargetUnreachableError", async () => {
		const server = await serve(reply(""));
		const error = await errorOf(
			sendWire({ url: server.url, method: "GET", path: "/x", timeoutMs: 2000 }),
		);
		expect(error).toMatchObject({ code: "MAAS_TARGET_UNREACHABLE" });
	});

	test("a close in the middle of the header block gives ProtocolError", async () => {
		const server = await serve(reply("HTTP/1.1 200 OK\r\nContent-Le"));
		const error = await errorOf(
			sendWire({ url: server.url, method: "GET", path: "/x", timeoutMs: 2000 }),
		);
		expect(error).toMatchObject({ code: "MAAS_PROTOCOL_ERROR" });
	});

	test("a status line that is not HTTP/1.x gives ProtocolError", async () => {
		const server = await serve(reply("SSH-2.0-OpenSSH\r\n\r\n"));
		const error = await errorOf(
			sendWire({ url: server.url, method: "GET", path: "/x", timeoutMs: 2000 }),
		);
		expect(error).toMatchObject({ code: "MAAS_PROTOCOL_ERROR" });
		expect((error as Error).message).toContain("SSH-2.0-OpenSSH");
	});

	test("https goes through TLS: the server sees a ClientHello", async () => {
		let firstByte: number | undefined;
		const server = await serve(() => undefined);
		// The raw server waits for an HTTP head, which TLS never sends; watch
		// the bytes directly instead.
		const tlsServer = createServer((socket) => {
			socket.once("data", (chunk: Buffer) => {
				firstByte = chunk[0];
				socket.destroy();
			});
		});
		await new Promise<void>((resolve) =>
			tlsServer.listen(0, "127.0.0.1", () => resolve()),
		);
		const address = tlsServer.address();
		if (address === null || typeof address === "string")
			throw new Error("no port");
		try {
			const error = await errorOf(
				sendWire({
					url: `https://127.0.0.1:${address.port}`,
					method: "GET",
					path: "/x",
					timeoutMs: 2000,
				}),
			);
			expect(error).toMatchObject({ code: "MAAS_TARGET_UNREACHABLE" });
			// 0x16 is the TLS handshake record type.
			expect(firstByte).toBe(0x16);
		} finally {
			await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
			expect(server.requests).toHaveLength(0);
		}
	});
});

describe("chunkedBodyState", () => {
	test("tells complete, incomplete and malformed chunked bodies apart", () => {
		expect(chunkedBodyState(Buffer.from("0\r\n\r\n"))).toBe("done");
		expect(
			chunkedBodyState(Buffer.from("2;ext=1\r\n{}\r\n0\r\nX-T: 1\r\n\r\n")),
		).toBe("done");
		expect(chunkedBodyState(Buffer.from("2\r\n{}\r\n"))).toBe("more");
		expect(chunkedBodyState(Buffer.from("0\r\n"))).toBe("more");
		expect(chunkedBodyState(Buffer.from("zz\r\n"))).toBe("invalid");
		expect(chunkedBodyState(Buffer.from("2\r\n{}xx"))).toBe("invalid");
	});
});

describe("curlFor", () => {
	test("renders a curl line with the token masked and quotes shell-safe", () => {
		const line = curlFor({
			url: "http://127.0.0.1:8080/",
			method: "PUT",
			path: "/v1/p/maas/services/custom-endpoint/control/e'1",
			headers: {
				"X-Auth-Token": "curl-secret-token",
				"Content-Type": "application/json",
			},
			body: `{"action":"it's"}`,
			timeoutMs: 1000,
		});
		expect(line).toBe(
			`curl -sS -i -X PUT 'http://127.0.0.1:8080/v1/p/maas/services/custom-endpoint/control/e'\\''1' -H 'X-Auth-Token: ***' -H 'Content-Type: application/json' --data-binary '{"action":"it'\\''s"}'`,
		);
		expect(line).not.toContain("curl-secret-token");
	});

	test("masks a password in the body", () => {
		const line = curlFor({
			url: "http://127.0.0.1:8080",
			method: "POST",
			path: "/v3/auth/tokens",
			body: '{"user":{"name":"u","password":"hunter2-password"}}',
			timeoutMs: 1000,
		});
		expect(line).not.toContain("hunter2-password");
		expect(line).toContain('"password":"***"');
	});
});
