import { describe, expect, test } from "vitest";
import { curlFor, type WireRequest } from "../client/wire.ts";
import { registerSecret } from "../redact.ts";
import { requirementById } from "../requirements/index.ts";
import type { Verdict } from "./checks.ts";
import { formatFailure, shortPath } from "./failure.ts";
import type { Observation } from "./observation.ts";
import { sentRequest } from "./observation.ts";

const TOKEN = "failure-test-token-0123456789abcdef";
registerSecret(TOKEN);

function observation(overrides: Partial<Observation> = {}): Observation {
	const request: WireRequest = {
		url: "http://127.0.0.1:9",
		method: "DELETE",
		path: "/v1/p/maas/services/custom-endpoint/endpoint/abc",
		headers: { "X-Auth-Token": TOKEN },
		timeoutMs: 1000,
	};
	const body = Buffer.from(
		'{"result":"deleted"}\r\n\u001b[31mred\u0000',
		"utf8",
	);
	return {
		sent: sentRequest(request, curlFor),
		status: 200,
		contentType: "application/json",
		headers: [],
		rawBody: body,
		body,
		errorCode: undefined,
		requestId: "req-1",
		...overrides,
	};
}

describe("formatFailure", () => {
	const requirement = requirementById("DELETE-204-EMPTY");

	test("lists rule, exchange, violations and curl", () => {
		const verdict: Verdict = {
			observation: observation(),
			expected: "204 with zero body bytes",
			violations: ["status is 200, expected 204", "27 body bytes followed"],
		};
		const lines = formatFailure(requirement, [verdict]).split("\n");
		expect(lines[0]).toBe(`DELETE-204-EMPTY failed: ${requirement.rule}`);
		expect(lines[1]).toBe(
			"  sent: DELETE /v1/p/maas/services/custom-endpoint/endpoint/abc",
		);
		expect(lines[2]).toBe("  expected: 204 with zero body bytes");
		expect(lines[3]).toBe(
			"  received: status 200, content-type application/json, error_code (none), request id req-1",
		);
		expect(lines[4]).toBe(
			'  body (first 200 bytes): {"result":"deleted"}\\r\\n\\x1b[31mred\\x00',
		);
		expect(lines.slice(5, 8)).toEqual([
			"  violations:",
			"    - status is 200, expected 204",
			"    - 27 body bytes followed",
		]);
		expect(lines[8]).toMatch(
			/^ {2}reproduce: curl -sS -i -X DELETE 'http:\/\/127\.0\.0\.1:9\/v1\/p\/maas\/services\/custom-endpoint\/endpoint\/abc'/,
		);
		expect(lines[8]).toContain("X-Auth-Token: ***");
	});

	test("never shows a registered token, not even inside the body", () => {
		const leaky = observation({
			rawBody: Buffer.from(`{"echo":"${TOKEN}"}`),
		});
		const text = formatFailure(requirement, [
			{ observation: leaky, expected: "x", violations: ["v"] },
		]);
		expect(text).not.toContain(TOKEN);
		expect(text).toContain('{"echo":"***"}');
	});

	test("numbers the failing exchanges and leaves out the passing ones", () => {
		const failing: Verdict = {
			observation: observation(),
			expected: "a",
			violations: ["first"],
		};
		const passing: Verdict = {
			observation: observation(),
			expected: "b",
			violations: [],
		};
		const text = formatFailure(requirement, [failing, passing, failing]);
		expect(text).toContain("exchange 1 of 2:");
		expect(text).toContain("exchange 2 of 2:");
		expect(text).not.toContain("expected: b");
	});

	test("a request without a response says why, and notes come after the rule", () => {
		const silent = observation({
			status: undefined,
			failure: "no complete response within 300 ms (MAAS_REQUEST_TIMEOUT_MS)",
		});
		const text = formatFailure(
			requirement,
			[{ observation: silent, expected: "204", violations: ["timed out"] }],
			["the endpoint is still listed"],
		);
		const lines = text.split("\n");
		expect(lines[1]).toBe("the endpoint is still listed");
		expect(text).toContain(
			"  received: no response (no complete response within 300 ms (MAAS_REQUEST_TIMEOUT_MS))",
		);
		expect(text).not.toContain("body (first 200 bytes)");
	});

	test("cuts the body after 200 bytes and says how long it was", () => {
		const long = observation({ rawBody: Buffer.from("x".repeat(500)) });
		const text = formatFailure(requirement, [
			{ observation: long, expected: "x", violations: ["v"] },
		]);
		expect(text).toContain(`${"x".repeat(200)} ... (500 bytes)`);
		expect(text).not.toContain("x".repeat(201));
	});

	test("shortens an overlong path segment in the sent line only", () => {
		const segment = "a".repeat(4096);
		expect(shortPath(`/endpoint/${segment}`)).toBe(
			"/endpoint/aaaaaaaaaaaaaaaa...(4096 characters)",
		);
	});
});
