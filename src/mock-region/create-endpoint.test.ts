import { describe, expect, test } from "vitest";
import {
	createEndpoint,
	endpointPath,
	listEndpoints,
	send,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();
const UUID_V4 =
	/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("create endpoint", () => {
	test("returns new endpoint with defaults", async () => {
		const region = await start();
		const result = await send(region, "POST", endpointPath(region), {
			body: {
				endpoint_name: "first",
				source: "custom_from_maas",
				model_name: "DeepSeek-V3",
			},
		});
		expect(result.status).toBe(200);
		const info = result.json();
		expect(info.id).toMatch(UUID_V4);
		expect(info).toMatchObject({
			endpoint_name: "first",
			source: "custom_from_maas",
			status: "ACTIVE",
			cbc_status: "NORMAL",
			rpm: null,
			tpm: null,
			moderation: true,
			served_model_name: "DeepSeek-V3",
			remark: "",
		});
		expect(typeof info.model_version_id).toBe("string");
		expect(typeof info.resident_model_id).toBe("string");
		expect(region.endpoints()).toEqual([info]);
		expect(region.burnedNames()).toEqual(["first"]);
	});

	test("keeps given optional fields", async () => {
		const region = await start();
		const info = await createEndpoint(region, "with-fields", {
			source: "custom_from_modelarts_v2",
			rpm: 60,
			tpm: 1000,
			remark: "r".repeat(256),
			moderation: false,
			agreement_id: "agreement-1",
		});
		expect(info).toMatchObject({
			source: "custom_from_modelarts_v2",
			rpm: 60,
			tpm: 1000,
			remark: "r".repeat(256),
			moderation: false,
		});
	});

	test("createStatus 201 and createReturnsId false", async () => {
		const region = await start({ createStatus: 201, createReturnsId: false });
		const result = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "no-id", model_name: "m" },
		});
		expect(result.status).toBe(201);
		const body = result.json();
		expect(body).not.toHaveProperty("id");
		expect(body.endpoint_name).toBe("no-id");
		const listed = await listEndpoints(region);
		expect(listed.items[0]?.endpoint_name).toBe("no-id");
		expect(listed.items[0]?.id).toMatch(UUID_V4);
	});

	test("missing endpoint_name is 400 ModelArts.0104", async () => {
		const region = await start();
		for (const body of [{ model_name: "m" }, { endpoint_name: null }]) {
			const result = await send(region, "POST", endpointPath(region), { body });
			expect(result.status).toBe(400);
			expect(result.headers["content-type"]).toBe("application/json");
			expect(result.json()).toEqual({
				error_msg: "CreateCustomEndpointReq.endpoint_name is a required field",
				error_code: "ModelArts.0104",
			});
		}
		expect(region.endpoints()).toEqual([]);
	});

	test("invalid names are 400 ModelArts.6274", async () => {
		const region = await start();
		const invalid = [
			"",
			"1starts-with-digit",
			"-dash-first",
			"_underscore",
			"has space",
			"slash/inside",
			"a".repeat(65),
			"émile",
			"名".repeat(65),
			"ok😀",
		];
		for (const name of invalid) {
			const result = await send(region, "POST", endpointPath(region), {
				body: { endpoint_name: name },
			});
			expect(result.status, name).toBe(400);
			expect(result.json().error_code, name).toBe("ModelArts.6274");
		}
		expect(region.endpoints()).toEqual([]);
		expect(region.burnedNames()).toEqual([]);
	});

	test("accepts CJK and 64-character names", async () => {
		const region = await start({ quota: 30 });
		const valid = [
			"a",
			"Z9._-",
			"a".repeat(64),
			"接入点-1",
			"名".repeat(64),
			"x名",
		];
		for (const name of valid) {
			const info = await createEndpoint(region, name);
			expect(info.endpoint_name).toBe(name);
		}
	});

	test("a live name is 400 ModelArts.6271", async () => {
		const region = await start();
		await createEndpoint(region, "taken");
		const result = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "taken" },
		});
		expect(result.status).toBe(400);
		expect(result.json()).toEqual({
			error_msg:
				"Custom endpoint name has already been used (including deleted access points). To ensure billing uniqueness, please use a different name.",
			error_code: "ModelArts.6271",
		});
		expect(region.endpoints()).toHaveLength(1);
	});

	test("a deleted name is 400 ModelArts.6271", async () => {
		const region = await start();
		const created = await createEndpoint(region, "gone");
		const deleted = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
		);
		expect(deleted.status).toBe(204);
		const result = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "gone" },
		});
		expect(result.status).toBe(400);
		expect(result.json().error_code).toBe("ModelArts.6271");
		expect(region.burnedNames()).toEqual(["gone"]);
	});

	test("a seeded name is 400 ModelArts.6271", async () => {
		const region = await start({ seed: [{ endpoint_name: "someone-elses" }] });
		const result = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "someone-elses" },
		});
		expect(result.json().error_code).toBe("ModelArts.6271");
	});

	test("default quota rejects the 11th", async () => {
		const region = await start();
		for (let index = 0; index < 10; index += 1) {
			await createEndpoint(region, `quota-${index}`);
		}
		const result = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "quota-10" },
		});
		expect(result.status).toBe(400);
		expect(result.json()).toEqual({
			error_msg: "Custom endpoint number exceed quota",
			error_code: "ModelArts.6297",
		});
		expect(region.burnedNames()).not.toContain("quota-10");
	});

	test("quota counts seeds, frees on delete", async () => {
		const region = await start({
			quota: 2,
			seed: [{ endpoint_name: "seeded", model_name: "Qwen" }],
		});
		const created = await createEndpoint(region, "second");
		const full = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "third" },
		});
		expect(full.json().error_code).toBe("ModelArts.6297");
		await send(region, "DELETE", endpointPath(region, created.id));
		const again = await createEndpoint(region, "third");
		expect(again.endpoint_name).toBe("third");
	});

	test("wrong field types are 0104 naming the field", async () => {
		const region = await start();
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ rpm: 1.5 }, "rpm"],
			[{ rpm: "60" }, "rpm"],
			[{ tpm: -1 }, "tpm"],
			[{ tpm: true }, "tpm"],
			[{ moderation: "yes" }, "moderation"],
			[{ moderation: null }, "moderation"],
			[{ remark: "r".repeat(257) }, "remark"],
			[{ remark: 5 }, "remark"],
			[{ source: "custom_from_elsewhere" }, "source"],
			[{ source: 1 }, "source"],
			[{ model_name: 7 }, "model_name"],
			[{ agreement_id: {} }, "agreement_id"],
			[{ endpoint_name: 42 }, "endpoint_name"],
		];
		for (const [fields, field] of cases) {
			const result = await send(region, "POST", endpointPath(region), {
				body: { endpoint_name: "typed", ...fields },
			});
			expect(result.status, field).toBe(400);
			const body = result.json();
			expect(body.error_code, field).toBe("ModelArts.0104");
			expect(body.error_msg, field).toContain(`.${field} `);
		}
		expect(region.endpoints()).toEqual([]);
		expect(region.burnedNames()).toEqual([]);
	});

	test("rpm and tpm accept null", async () => {
		const region = await start();
		const info = await createEndpoint(region, "nulls", {
			rpm: null,
			tpm: null,
		});
		expect(info.rpm).toBeNull();
		expect(info.tpm).toBeNull();
	});

	test("bad bodies are 400 and never create", async () => {
		const region = await start();
		const cases: Array<{
			body: string;
			contentType?: string | null;
			code: string;
		}> = [
			{ body: "{bad json", code: "ModelArts.2115" },
			{ body: "", code: "ModelArts.2115" },
			{ body: "[]", code: "ModelArts.2115" },
			{ body: "null", code: "ModelArts.2115" },
			{ body: '"text"', code: "ModelArts.2115" },
			{
				body: '{"endpoint_name":"x"}',
				contentType: "text/plain",
				code: "ModelArts.0104",
			},
			{
				body: '{"endpoint_name":"x"}',
				contentType: null,
				code: "ModelArts.0104",
			},
		];
		for (const item of cases) {
			const result = await send(region, "POST", endpointPath(region), {
				body: item.body,
				...(item.contentType === undefined
					? {}
					: { contentType: item.contentType }),
			});
			expect(result.status, item.body).toBe(400);
			expect(result.json().error_code, item.body).toBe(item.code);
		}
		const charset = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "charset" },
			contentType: "application/json; charset=utf-8",
		});
		expect(charset.status).toBe(200);
		expect(region.endpoints()).toHaveLength(1);
	});
});
