import { afterEach, describe, expect, test } from "vitest";
import { curlFor, sendWire, type WireRequest } from "../client/wire.ts";
import {
	checkClientError,
	checkEmptySuccess,
	checkRejectedSafely,
	checkSuccessStatus,
	NOT_FOUND,
	TOKEN_REJECTED,
} from "./checks.ts";
import {
	fromFailure,
	fromWire,
	type Observation,
	sentRequest,
} from "./observation.ts";
import {
	type Behaviour,
	startTestServer,
	type TestServer,
} from "./test-server.ts";

let servers: TestServer[] = [];

afterEach(async () => {
	await Promise.all(servers.map((server) => server.close()));
	servers = [];
});

/** Sends one DELETE to a server that responds with `behaviour`. */
async function observe(
	behaviour: Behaviour,
	timeoutMs = 2_000,
): Promise<Observation> {
	const server = await startTestServer(behaviour);
	servers.push(server);
	const request: WireRequest = {
		url: server.url,
		method: "DELETE",
		path: "/v1/p/maas/services/custom-endpoint/endpoint/x",
		headers: { "X-Auth-Token": "token-for-tests" },
		timeoutMs,
		graceMs: 50,
	};
	const sent = sentRequest(request, curlFor);
	try {
		return fromWire(sent, await sendWire(request));
	} catch (error) {
		return fromFailure(sent, error, timeoutMs);
	}
}

function json(
	status: string,
	body: unknown,
	type = "application/json",
): string {
	const text = typeof body === "string" ? body : JSON.stringify(body);
	return `HTTP/1.1 ${status}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}

const NOT_FOUND_BODY = {
	error_msg: "CustomEndpointNotFound",
	error_code: "ModelArts.6291",
};

describe("checkEmptySuccess", () => {
	test("passes a bare 204", async () => {
		const verdict = checkEmptySuccess(
			await observe("HTTP/1.1 204 No Content\r\n\r\n"),
		);
		expect(verdict.violations).toEqual([]);
	});

	test("passes a 204 with Content-Length: 0", async () => {
		const verdict = checkEmptySuccess(
			await observe("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"),
		);
		expect(verdict.violations).toEqual([]);
	});

	test("reports body bytes and Content-Length of a 204 together", async () => {
		const verdict = checkEmptySuccess(
			await observe("HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n{}"),
		);
		expect(verdict.violations).toEqual([
			"2 body bytes followed the header block",
			'Content-Length is "2", not 0',
		]);
	});

	test("reports Transfer-Encoding on a 204", async () => {
		const verdict = checkEmptySuccess(
			await observe(
				"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			),
		);
		expect(verdict.violations).toContain(
			'Transfer-Encoding "chunked" is present',
		);
		expect(verdict.violations).toContain(
			"5 body bytes followed the header block",
		);
	});

	test("reports a Content-Length that promises bytes never sent", async () => {
		const verdict = checkEmptySuccess(
			await observe("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"),
		);
		expect(verdict.violations).toEqual(['Content-Length is "5", not 0']);
	});

	test("reports a 200 with a JSON body", async () => {
		const verdict = checkEmptySuccess(
			await observe(json("200 OK", { result: "deleted" })),
		);
		expect(verdict.violations[0]).toBe("status is 200, expected 204");
		expect(verdict.violations).toContain(
			"20 body bytes followed the header block",
		);
	});

	test("needs the wire: a client observation cannot pass", () => {
		const verdict = checkEmptySuccess({
			sent: { method: "DELETE", path: "/", curl: "" },
			status: 204,
			headers: [],
			rawBody: Buffer.alloc(0),
			body: Buffer.alloc(0),
		});
		expect(verdict.violations).toEqual([
			"the exchange was not read from the wire, so its body bytes are unknown",
		]);
	});
});

describe("checkClientError", () => {
	test("passes each documented not-found response and names it", async () => {
		const table = checkClientError(
			await observe(json("400 Bad Request", NOT_FOUND_BODY)),
			{ alternatives: NOT_FOUND },
		);
		expect(table.violations).toEqual([]);
		expect(table.alternative).toBe("400 ModelArts.6291");
		const page = checkClientError(
			await observe(json("404 Not Found", NOT_FOUND_BODY)),
			{ alternatives: NOT_FOUND },
		);
		expect(page.violations).toEqual([]);
		expect(page.alternative).toBe("404");
	});

	test("rejects a 4xx that is none of the documented responses", async () => {
		const verdict = checkClientError(
			await observe(
				json("401 Unauthorized", { error_msg: "x", error_code: "APIGW.0301" }),
			),
			{ alternatives: NOT_FOUND },
		);
		expect(verdict.violations).toEqual([
			"status 401 with error_code APIGW.0301 is none of the documented responses: 400 ModelArts.6291, 404",
		]);
	});

	test("a 400 with another code is not the documented not-found response", async () => {
		const verdict = checkClientError(
			await observe(
				json("400 Bad Request", {
					error_msg: "x",
					error_code: "ModelArts.0104",
				}),
			),
			{ alternatives: NOT_FOUND },
		);
		expect(verdict.violations).toHaveLength(1);
	});

	test("any 4xx passes when any client error is allowed, and is recorded", async () => {
		const verdict = checkClientError(
			await observe(
				json("403 Forbidden", { error_msg: "x", error_code: "APIGW.0302" }),
			),
			{ alternatives: TOKEN_REJECTED, anyClientError: true },
		);
		expect(verdict.violations).toEqual([]);
		expect(verdict.alternative).toBe("403 APIGW.0302");
	});

	test("reports a success and a server error", async () => {
		const success = checkClientError(
			await observe("HTTP/1.1 204 No Content\r\n\r\n"),
			{ alternatives: NOT_FOUND },
		);
		expect(success.violations).toEqual([
			"status 204 is a success; the request must be rejected with a 4xx",
		]);
		const server = checkClientError(
			await observe(
				json("500 Internal Server Error", {
					error_msg: "boom",
					error_code: "ModelArts.9999",
				}),
			),
			{ alternatives: NOT_FOUND },
		);
		expect(server.violations).toEqual([
			"status 500 is a server error; expected a 4xx client error",
		]);
	});

	test("reports every fault of an HTML error page at once", async () => {
		const verdict = checkClientError(
			await observe(
				json("404 Not Found", "<html><h1>Not Found</h1></html>", "text/html"),
			),
			{ alternatives: NOT_FOUND, contentType: true },
		);
		expect(verdict.alternative).toBe("404");
		expect(verdict.violations).toEqual([
			expect.stringMatching(/^the error body is not JSON/),
			'Content-Type is "text/html", not application/json',
		]);
	});

	test("reports schema errors of the error body", async () => {
		const verdict = checkClientError(
			await observe(
				json("400 Bad Request", { error_msg: "", error_code: 6291 }),
			),
		);
		expect(verdict.violations.length).toBeGreaterThanOrEqual(2);
		expect(verdict.violations.join("\n")).toMatch(/error_code/);
		expect(verdict.violations.join("\n")).toMatch(/error_msg/);
	});

	test("reports an empty and a truncated error body", async () => {
		const empty = checkClientError(
			await observe("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
		);
		expect(empty.violations).toEqual(["the error body is empty"]);
		const cut = checkClientError(
			await observe(json("400 Bad Request", '{"error_msg":"na')),
		);
		expect(cut.violations[0]).toMatch(/^the error body is not JSON/);
	});

	test("accepts a charset parameter, rejects text/plain", async () => {
		const charset = checkClientError(
			await observe(
				json(
					"400 Bad Request",
					NOT_FOUND_BODY,
					"application/json;charset=UTF-8",
				),
			),
			{ contentType: true },
		);
		expect(charset.violations).toEqual([]);
		const plain = checkClientError(
			await observe(json("400 Bad Request", NOT_FOUND_BODY, "text/plain")),
			{ contentType: true },
		);
		expect(plain.violations).toEqual([
			'Content-Type is "text/plain", not application/json',
		]);
	});

	test("a chunked error body is judged after removing the framing", async () => {
		const text = JSON.stringify(NOT_FOUND_BODY);
		const chunked = `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`;
		const verdict = checkClientError(await observe(chunked), {
			alternatives: NOT_FOUND,
		});
		expect(verdict.violations).toEqual([]);
		expect(verdict.observation.errorCode).toBe("ModelArts.6291");
	});
});

describe("transport failures", () => {
	test("a reset becomes a violation that says so", async () => {
		const verdict = checkClientError(await observe("reset"));
		expect(verdict.violations).toEqual([
			expect.stringMatching(/^the connection failed or was reset/),
		]);
	});

	test("no response becomes a timeout violation naming the limit", async () => {
		const verdict = checkEmptySuccess(await observe("hang", 300));
		expect(verdict.violations).toEqual([
			"no complete response within 300 ms (MAAS_REQUEST_TIMEOUT_MS)",
		]);
	});
});

describe("checkRejectedSafely and checkSuccessStatus", () => {
	test("a malformed id may get any status but 2xx and 5xx", async () => {
		expect(
			checkRejectedSafely(
				await observe(json("400 Bad Request", NOT_FOUND_BODY)),
			).violations,
		).toEqual([]);
		expect(
			checkRejectedSafely(await observe("HTTP/1.1 204 No Content\r\n\r\n"))
				.violations,
		).toEqual(["status 204 is a success for a malformed id"]);
		expect(
			checkRejectedSafely(
				await observe(json("502 Bad Gateway", "<html></html>")),
			).violations,
		).toEqual(["status 502 is a server error"]);
	});

	test("a success status must be one of the allowed ones", async () => {
		const ok = checkSuccessStatus(
			await observe("HTTP/1.1 204 No Content\r\n\r\n"),
			[200, 204],
		);
		expect(ok).toMatchObject({ violations: [], alternative: "204" });
		const wrong = checkSuccessStatus(
			await observe(json("202 Accepted", {})),
			[200, 204],
		);
		expect(wrong.violations).toEqual(["status is 202, expected 200 or 204"]);
	});
});
