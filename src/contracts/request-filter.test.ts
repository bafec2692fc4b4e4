/**
 * The verifier's request filter swaps in only the placeholders and keeps
 * requests with example values, or after a failed state setup, away from
 * the region.
 */
import { describe, expect, test } from "vitest";
import {
	EXAMPLE_ENDPOINT_ID,
	EXAMPLE_ENDPOINT_NAME,
	endpointCollectionPath,
	endpointPath,
	INVALID_TOKEN,
	PLACEHOLDER_TOKEN,
} from "../../contracts/support/contract.ts";
import {
	createRequestFilter,
	type FilteredRequest,
	NOT_SENT_ERROR_CODE,
} from "../../contracts/support/request-filter.ts";

const REAL_TOKEN = "real-token-of-the-run-0123456789";
const REAL_PROJECT = "0123456789abcdef0123456789abcdef";
const REAL_ID = "7d3a9c1e-2b4f-4e6a-8c0d-1f2e3a4b5c6d";

/** Runs the filter on a request and returns whether it forwarded it and its own response. */
function run(
	request: FilteredRequest,
	blockedBecause?: () => string | undefined,
) {
	const filter = createRequestFilter({
		token: REAL_TOKEN,
		projectId: REAL_PROJECT,
		blockedBecause,
	});
	const answer = {
		statusCode: 200,
		headers: {} as Record<string, unknown>,
		body: "",
	};
	let forwarded = false;
	filter(
		request,
		{
			set statusCode(code: number) {
				answer.statusCode = code;
			},
			get statusCode() {
				return answer.statusCode;
			},
			setHeader(name: string, value: number | string | readonly string[]) {
				answer.headers[name.toLowerCase()] = value;
				return this as never;
			},
			end(chunk?: unknown) {
				answer.body = String(chunk ?? "");
				return this as never;
			},
		} as never,
		() => {
			forwarded = true;
		},
	);
	return { forwarded, answer, request };
}

describe("request filter", () => {
	test("replaces the placeholder token and project id", () => {
		const { forwarded, request } = run({
			url: endpointPath(REAL_ID),
			headers: { "x-auth-token": PLACEHOLDER_TOKEN },
		});
		expect(forwarded).toBe(true);
		expect(request.headers["x-auth-token"]).toBe(REAL_TOKEN);
		expect(request.url).toBe(
			`/v1/${REAL_PROJECT}/maas/services/custom-endpoint/endpoint/${REAL_ID}`,
		);
	});

	test("keeps any other token, so the invalid-token interaction stays invalid", () => {
		const { forwarded, request } = run({
			url: endpointPath(REAL_ID),
			headers: { "x-auth-token": INVALID_TOKEN },
		});
		expect(forwarded).toBe(true);
		expect(request.headers["x-auth-token"]).toBe(INVALID_TOKEN);
	});

	test("leaves a path without the placeholder project alone", () => {
		const path = `/v1/${REAL_PROJECT}/maas/services/custom-endpoint/endpoint`;
		const { request } = run({ url: path, headers: {} });
		expect(request.url).toBe(path);
	});

	test("answers 500 itself when the path still holds the example id", () => {
		const { forwarded, answer } = run({
			url: endpointPath(EXAMPLE_ENDPOINT_ID),
			headers: { "x-auth-token": PLACEHOLDER_TOKEN },
		});
		expect(forwarded).toBe(false);
		expect(answer.statusCode).toBe(500);
		expect(JSON.parse(answer.body)).toMatchObject({
			error_code: NOT_SENT_ERROR_CODE,
			error_msg: expect.stringContaining("example endpoint id"),
		});
	});

	test("answers 500 itself when a create body still holds the example name", () => {
		const { forwarded, answer } = run({
			url: endpointCollectionPath(),
			headers: { "x-auth-token": PLACEHOLDER_TOKEN },
			body: { endpoint_name: EXAMPLE_ENDPOINT_NAME },
		});
		expect(forwarded).toBe(false);
		expect(answer.body).toContain("example endpoint name");
	});

	test("answers 500 itself after a failed state setup", () => {
		const { forwarded, answer } = run(
			{
				url: endpointPath(REAL_ID),
				headers: { "x-auth-token": PLACEHOLDER_TOKEN },
			},
			() => 'provider state "an endpoint exists" setup failed: quota',
		);
		expect(forwarded).toBe(false);
		expect(answer.body).toContain("setup failed: quota");
		expect(answer.body).not.toContain(REAL_TOKEN);
	});

	test("passes the verifier's own state-change calls through untouched", () => {
		const { forwarded, request } = run(
			{
				url: "/_pactSetup",
				headers: {},
				body: { params: { name: EXAMPLE_ENDPOINT_NAME } },
			},
			() => "a setup failed",
		);
		expect(forwarded).toBe(true);
		expect(request.url).toBe("/_pactSetup");
	});
});
