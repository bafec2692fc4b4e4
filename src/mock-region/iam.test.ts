import { describe, expect, test } from "vitest";
import {
	basePath,
	endpointPath,
	firstUser,
	loginBody,
	type ParsedJson,
	send,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();

describe("IAM POST /v3/auth/tokens", () => {
	test("issues a token by project name", async () => {
		const region = await start();
		const user = firstUser(region);
		const result = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(user, { name: region.region }),
		});
		expect(result.status).toBe(201);
		const token = result.headers["x-subject-token"];
		expect(typeof token).toBe("string");
		expect((token as string).length).toBeGreaterThanOrEqual(128);
		expect(token).not.toBe(region.token);
		const body = result.json();
		expect(body.token.methods).toEqual(["password"]);
		expect(body.token.project.id).toBe(region.projectId);
		expect(body.token.project.name).toBe(region.region);
		expect(body.token.project.domain.name).toBe(user.domain);
		expect(typeof body.token.project.domain.id).toBe("string");
		expect(Array.isArray(body.token.roles)).toBe(true);
		expect(Array.isArray(body.token.catalog)).toBe(true);
		const lifetime =
			Date.parse(body.token.expires_at) - Date.parse(body.token.issued_at);
		expect(lifetime).toBe(24 * 60 * 60 * 1000);
		expect(body.token.expires_at).toMatch(
			/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
		);
	});

	test("issues a token by project id", async () => {
		const region = await start();
		const result = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(firstUser(region), { id: region.projectId }),
		});
		expect(result.status).toBe(201);
		expect(result.headers["x-subject-token"]).toBeTypeOf("string");
	});

	test("several tokens valid at once", async () => {
		const region = await start();
		const login = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(firstUser(region), { name: region.region }),
		});
		const token = login.headers["x-subject-token"] as string;
		const withNew = await send(region, "GET", endpointPath(region), { token });
		const withStart = await send(region, "GET", endpointPath(region));
		expect(withNew.status).toBe(200);
		expect(withStart.status).toBe(200);
	});

	test("wrong password is 401 with an IAM error body", async () => {
		const region = await start();
		const user = firstUser(region);
		const result = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(
				{ ...user, password: `${user.password}x` },
				{ name: region.region },
			),
		});
		expect(result.status).toBe(401);
		expect(result.headers["content-type"]).toMatch(/^application\/json/);
		expect(result.headers["x-subject-token"]).toBeUndefined();
		expect(result.json()).toEqual({
			error: {
				code: 401,
				message: "The username or password is wrong.",
				title: "Unauthorized",
			},
		});
	});

	test("unknown user or domain is 401", async () => {
		const region = await start();
		const user = firstUser(region);
		for (const wrong of [
			{ ...user, name: "someone-else" },
			{ ...user, domain: "other-domain" },
		]) {
			const result = await send(region, "POST", "/v3/auth/tokens", {
				token: null,
				body: loginBody(wrong, { name: region.region }),
			});
			expect(result.status).toBe(401);
			expect(result.json().error.code).toBe(401);
		}
	});

	test("unknown project is a 400 error body", async () => {
		const region = await start();
		const user = firstUser(region);
		for (const scope of [{ name: "cn-north-4" }, { id: "f".repeat(32) }]) {
			const result = await send(region, "POST", "/v3/auth/tokens", {
				token: null,
				body: loginBody(user, scope),
			});
			expect(result.status).toBe(400);
			expect(result.json().error.code).toBe(400);
			expect(result.headers["x-subject-token"]).toBeUndefined();
		}
	});

	test("malformed bodies are 400", async () => {
		const region = await start();
		const user = firstUser(region);
		const cases: Array<{ body: unknown; contentType?: string }> = [
			{ body: "{not json" },
			{ body: "[]" },
			{ body: { auth: {} } },
			{ body: { auth: { identity: { methods: ["token"] } } } },
			{
				body: loginBody(user, { name: region.region }),
				contentType: "text/plain",
			},
			{
				body: {
					auth: {
						identity: {
							methods: ["password"],
							password: {
								user: {
									name: user.name,
									password: 1,
									domain: { name: user.domain },
								},
							},
						},
						scope: { project: { name: region.region } },
					},
				},
			},
			{
				body: {
					auth: {
						identity: (loginBody(user, { name: region.region }) as ParsedJson)
							.auth.identity,
					},
				},
			},
		];
		for (const item of cases) {
			const result = await send(region, "POST", "/v3/auth/tokens", {
				token: null,
				body: item.body,
				...(item.contentType ? { contentType: item.contentType } : {}),
			});
			expect(result.status, JSON.stringify(item)).toBe(400);
			expect(result.json().error.title).toBe("Bad Request");
		}
	});

	test("custom users log in", async () => {
		const user = { domain: "acme", name: "alice", password: "correct horse" };
		const region = await start({ users: [user], region: "cn-southwest-2" });
		expect(region.users).toEqual([user]);
		const result = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(user, { name: "cn-southwest-2" }),
		});
		expect(result.status).toBe(201);
		expect(result.json().token.user.name).toBe("alice");
	});

	test("other methods on the IAM path are 404 APIGW.0101", async () => {
		const region = await start();
		const result = await send(region, "GET", "/v3/auth/tokens", {
			token: null,
		});
		expect(result.status).toBe(404);
		expect(result.json().error_code).toBe("APIGW.0101");
	});

	test("IAM token bound to its project", async () => {
		const region = await start();
		const login = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(firstUser(region), { name: region.region }),
		});
		const token = login.headers["x-subject-token"] as string;
		const other = `${basePath(region, "0".repeat(32))}/endpoint`;
		const result = await send(region, "GET", other, { token });
		expect(result.status).toBe(403);
	});
});
