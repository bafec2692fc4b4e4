import { describe, expect, test } from "vitest";
import type { MockRegion } from "./index.ts";
import {
	basePath,
	createEndpoint,
	endpointPath,
	type ParsedJson,
	rawExchange,
	rawRequest,
	send,
	splitRaw,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();

/** Sends a raw request and returns its status and parsed JSON body. */
async function rawStatus(
	region: MockRegion,
	method: string,
	path: string | Buffer,
	body: string | Buffer = "",
	headers: Record<string, string> = {},
): Promise<{ status: number; body: ParsedJson }> {
	const request = rawRequest(region, method, path, headers, body);
	const exchange = await rawExchange(region, request);
	const { head, body: responseBody } = splitRaw(exchange.text);
	const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
	return {
		status,
		body: JSON.parse(Buffer.from(responseBody, "latin1").toString("utf8")),
	};
}

describe("malformed input", () => {
	test("odd ids are simply not found", async () => {
		const region = await start();
		const created = await createEndpoint(region, "survivor");
		const base = endpointPath(region);
		const ids = [
			"%2F",
			`${created.id}%2F`,
			"%2e%2e",
			"..",
			".",
			"%00",
			`${created.id}%00`,
			"%E4%B8%AD%E6%96%87",
			"%ZZ",
			"%E0%A4%A",
			"x".repeat(4000),
			created.id.toUpperCase(),
			` ${created.id}`.replaceAll(" ", "%20"),
		];
		for (const id of ids) {
			for (const method of ["DELETE", "PUT"]) {
				const body = method === "PUT" ? '{"remark":"x"}' : "";
				const headers: Record<string, string> =
					method === "PUT" ? { "Content-Type": "application/json" } : {};
				const result = await rawStatus(
					region,
					method,
					`${base}/${id}`,
					body,
					headers,
				);
				expect(result.status, `${method} ${id}`).toBe(400);
				expect(result.body.error_code, `${method} ${id}`).toBe(
					"ModelArts.6291",
				);
			}
		}
		expect(region.endpoints()).toEqual([created]);
	});

	test("dot segments and double slashes match no route", async () => {
		const region = await start();
		const created = await createEndpoint(region, "unmoved");
		const base = basePath(region);
		const paths = [
			`${base}/endpoint/../endpoint/${created.id}`,
			`${base}/endpoint/./${created.id}`,
			`${base}//endpoint/${created.id}`,
			`${base}/endpoint//${created.id}`,
			`/v1//maas/services/custom-endpoint/endpoint/${created.id}`,
			`${base}/endpoint/${created.id}/`,
			`${base}/endpoint/${created.id}/extra`,
			`//v1/${region.projectId}/maas/services/custom-endpoint/endpoint/${created.id}`,
		];
		for (const path of paths) {
			const result = await rawStatus(region, "DELETE", path);
			expect([403, 404], path).toContain(result.status);
			expect(["APIGW.0101", "APIGW.0302"]).toContain(result.body.error_code);
		}
		expect(region.endpoints()).toEqual([created]);
	});

	test("query strings do not change the id", async () => {
		const region = await start();
		const created = await createEndpoint(region, "queried");
		const other = await createEndpoint(region, "other");
		const result = await send(
			region,
			"DELETE",
			`${endpointPath(region, created.id)}?id=${other.id}&force=true`,
		);
		expect(result.status).toBe(204);
		expect(region.endpoints()).toEqual([other]);
	});

	test("raw non-ASCII bytes in the target are 400 JSON", async () => {
		const region = await start();
		const target = Buffer.concat([
			Buffer.from(`${endpointPath(region)}/`),
			Buffer.from("中文-é", "utf8"),
		]);
		const result = await rawStatus(region, "DELETE", target);
		expect(result.status).toBe(400);
		expect(result.body.error_code).toBe("APIGW.0201");
	});

	test("a target over the header limit is 400 JSON", async () => {
		const region = await start();
		const result = await rawStatus(
			region,
			"DELETE",
			endpointPath(region, "y".repeat(20000)),
		);
		expect(result.status).toBe(400);
		expect(result.body.error_code).toBe("APIGW.0201");
	});

	test("unknown paths and methods are 404 APIGW.0101", async () => {
		const region = await start();
		const created = await createEndpoint(region, "methods");
		const cases: Array<[string, string]> = [
			["GET", "/"],
			["GET", "/v1"],
			["GET", `${basePath(region)}/endpoints`],
			["GET", `${endpointPath(region)}/`],
			["GET", endpointPath(region, created.id)],
			["PATCH", endpointPath(region, created.id)],
			["POST", endpointPath(region, created.id)],
			["DELETE", `${basePath(region)}/control/${created.id}`],
			["PUT", endpointPath(region)],
			["HEAD", "/nothing"],
			["OPTIONS", endpointPath(region)],
			["GET", "*"],
			["GET", `http://127.0.0.1${endpointPath(region)}`],
		];
		for (const [method, path] of cases) {
			const exchange = await rawExchange(
				region,
				rawRequest(region, method, path),
			);
			const { head, body } = splitRaw(exchange.text);
			expect(head, `${method} ${path}`).toMatch(/^HTTP\/1\.1 404 /);
			if (method !== "HEAD") {
				const error = JSON.parse(body);
				expect(error.error_code).toBe("APIGW.0101");
				expect(typeof error.request_id).toBe("string");
			}
		}
		expect(region.endpoints()).toEqual([created]);
	});

	test("bodies over maxBodyBytes are 413 APIGW.0201", async () => {
		const region = await start({ maxBodyBytes: 1024 });
		const big = JSON.stringify({
			endpoint_name: "big",
			remark: "r".repeat(2000),
		});
		const result = await send(region, "POST", endpointPath(region), {
			body: big,
		});
		expect(result.status).toBe(413);
		const error = result.json();
		expect(error.error_code).toBe("APIGW.0201");
		expect(error.request_id).toBe(result.headers["x-request-id"]);
		expect(region.endpoints()).toEqual([]);
		const fits = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "small" },
		});
		expect(fits.status).toBe(200);
	});

	test("the default limit is 1 MiB", async () => {
		const region = await start();
		const body = JSON.stringify({
			endpoint_name: "huge",
			pad: "p".repeat(1024 * 1024),
		});
		const result = await send(region, "POST", endpointPath(region), { body });
		expect(result.status).toBe(413);
		const iam = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body,
		});
		expect(iam.status).toBe(413);
	});

	test("deeply nested JSON is a 4xx, not a crash", async () => {
		const region = await start();
		const depth = 100_000;
		const body = `${"[".repeat(depth)}${"]".repeat(depth)}`;
		const result = await send(region, "POST", endpointPath(region), { body });
		expect(result.status).toBeGreaterThanOrEqual(400);
		expect(result.status).toBeLessThan(500);
		const after = await send(region, "GET", endpointPath(region));
		expect(after.status).toBe(200);
	});

	test("invalid UTF-8 in a body is 400", async () => {
		const region = await start();
		const body = Buffer.concat([
			Buffer.from('{"endpoint_name":"'),
			Buffer.from([0xff, 0xfe]),
			Buffer.from('"}'),
		]);
		const exchange = await rawExchange(
			region,
			rawRequest(
				region,
				"POST",
				endpointPath(region),
				{ "Content-Type": "application/json" },
				body,
			),
		);
		const { head, body: responseBody } = splitRaw(exchange.text);
		expect(head).toMatch(/^HTTP\/1\.1 400 /);
		expect(JSON.parse(responseBody).error_code).toBe("ModelArts.2115");
	});
});
