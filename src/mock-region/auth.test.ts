import { describe, expect, test } from "vitest";
import {
	basePath,
	controlPath,
	createEndpoint,
	endpointPath,
	send,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();

describe("endpoint API authorisation", () => {
	test("missing X-Auth-Token is 401 APIGW.0301", async () => {
		const region = await start();
		const result = await send(region, "GET", endpointPath(region), {
			token: null,
		});
		expect(result.status).toBe(401);
		expect(result.headers["content-type"]).toBe("application/json");
		const body = result.json();
		expect(body.error_code).toBe("APIGW.0301");
		expect(body.error_msg).toBe(
			"Incorrect IAM authentication information: x-auth-token not found",
		);
		expect(body.request_id).toBe(result.headers["x-request-id"]);
	});

	test("empty X-Auth-Token counts as missing", async () => {
		const region = await start();
		const result = await send(region, "GET", endpointPath(region), {
			token: "",
		});
		expect(result.status).toBe(401);
		expect(result.json().error_msg).toMatch(/x-auth-token not found$/);
	});

	test("unknown token is 401 APIGW.0301", async () => {
		const region = await start();
		const result = await send(region, "GET", endpointPath(region), {
			token: "not-a-token-this-region-issued",
		});
		expect(result.status).toBe(401);
		const body = result.json();
		expect(body.error_code).toBe("APIGW.0301");
		expect(body.error_msg).toMatch(
			/^Incorrect IAM authentication information: /,
		);
		expect(body.request_id).toBe(result.headers["x-request-id"]);
	});

	test("delete-example style: unknown token is 404 ModelArts.0104", async () => {
		const region = await start({ invalidTokenStyle: "delete-example" });
		const created = await createEndpoint(region, "auth-style");
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
			{
				token: "not-a-token-this-region-issued",
			},
		);
		expect(result.status).toBe(404);
		expect(result.json()).toEqual({
			error_msg: "Invalid token.",
			error_code: "ModelArts.0104",
		});
		const missing = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
			{
				token: null,
			},
		);
		expect(missing.status).toBe(401);
		expect(missing.json().error_code).toBe("APIGW.0301");
		expect(region.endpoints()).toHaveLength(1);
	});

	test("auth comes before validation and lookup", async () => {
		const region = await start();
		const cases = [
			send(region, "POST", endpointPath(region), { token: null, body: "{bad" }),
			send(region, "PUT", endpointPath(region, "nope"), {
				token: null,
				body: {},
			}),
			send(region, "DELETE", endpointPath(region, ""), { token: null }),
			send(region, "PUT", controlPath(region, "nope"), {
				token: null,
				body: {},
			}),
		];
		for (const result of await Promise.all(cases)) {
			expect(result.status).toBe(401);
			expect(result.json().error_code).toBe("APIGW.0301");
		}
	});

	test("another project in the path is 403 APIGW.0302", async () => {
		const region = await start();
		const created = await createEndpoint(region, "other-project");
		const otherProjects = [
			"0".repeat(32),
			"not-a-project",
			"proj%2Fid",
			"",
			"A".repeat(32),
			"x".repeat(500),
		];
		for (const projectId of otherProjects) {
			const base = basePath(region, projectId);
			for (const [method, path] of [
				["GET", `${base}/endpoint`],
				["POST", `${base}/endpoint`],
				["PUT", `${base}/endpoint/${created.id}`],
				["DELETE", `${base}/endpoint/${created.id}`],
				["PUT", `${base}/control/${created.id}`],
			] as const) {
				const result = await send(region, method, path, {
					...(method === "PUT" || method === "POST"
						? { body: { action: "deactivate", endpoint_name: "renamed" } }
						: {}),
				});
				expect(result.status, `${method} ${path}`).toBe(403);
				const body = result.json();
				expect(body.error_code).toBe("APIGW.0302");
				expect(body.error_msg).toMatch(
					/the token's project does not match the project in the request path/,
				);
				expect(body.request_id).toBe(result.headers["x-request-id"]);
			}
		}
		expect(region.endpoints()).toEqual([created]);
	});

	test("another project with no token is still 401", async () => {
		const region = await start();
		const path = `${basePath(region, "0".repeat(32))}/endpoint`;
		const result = await send(region, "GET", path, { token: null });
		expect(result.status).toBe(401);
	});

	test("every response carries a random X-Request-Id", async () => {
		const region = await start();
		const first = await send(region, "GET", endpointPath(region));
		const second = await send(region, "GET", endpointPath(region), {
			token: null,
		});
		const third = await send(region, "GET", "/unknown", { token: null });
		const ids = [first, second, third].map(
			(result) => result.headers["x-request-id"],
		);
		for (const id of ids) {
			expect(id).toMatch(/^[0-9a-f]{32}$/);
		}
		expect(new Set(ids).size).toBe(3);
	});
});
