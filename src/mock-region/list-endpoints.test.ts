import { describe, expect, test } from "vitest";
import {
	createEndpoint,
	endpointPath,
	listEndpoints,
	send,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();

describe("list endpoints", () => {
	test("empty project lists nothing", async () => {
		const region = await start();
		const result = await send(region, "GET", endpointPath(region));
		expect(result.status).toBe(200);
		expect(result.headers["content-type"]).toBe("application/json");
		expect(result.json()).toEqual({
			total: 0,
			count: "0",
			items: [],
			quantity_limit: 10,
		});
	});

	test("lists seeds and created endpoints in order", async () => {
		const region = await start({
			seed: [
				{ endpoint_name: "seed-a", model_name: "Qwen" },
				{ endpoint_name: "seed-b" },
			],
		});
		const created = await createEndpoint(region, "mine");
		const body = await listEndpoints(region);
		expect(body.total).toBe(3);
		expect(body.count).toBe("3");
		expect(
			body.items.map((item: { endpoint_name: string }) => item.endpoint_name),
		).toEqual(["seed-a", "seed-b", "mine"]);
		expect(body.items[0]?.served_model_name).toBe("Qwen");
		expect(body.items[2]).toEqual(created);
		expect(Object.keys(body.items[0] ?? {}).sort()).toEqual(
			[
				"cbc_status",
				"endpoint_name",
				"id",
				"moderation",
				"remark",
				"resident_model_id",
				"rpm",
				"served_model_name",
				"model_version_id",
				"source",
				"status",
				"tpm",
			].sort(),
		);
	});

	test("quota 30 shows in quantity_limit", async () => {
		const region = await start({ quota: 30 });
		expect((await listEndpoints(region)).quantity_limit).toBe(30);
	});

	test("query strings are ignored", async () => {
		const region = await start();
		await createEndpoint(region, "queried");
		const result = await send(
			region,
			"GET",
			`${endpointPath(region)}?offset=5&limit=0`,
		);
		expect(result.status).toBe(200);
		expect(result.json().total).toBe(1);
	});

	test("extraFields adds undocumented fields everywhere", async () => {
		const region = await start({ extraFields: true });
		const created = await createEndpoint(region, "extra");
		expect(created).toHaveProperty("extend_param");
		const body = await listEndpoints(region);
		expect(body).toHaveProperty("extend_param");
		expect(body.items[0]).toHaveProperty("create_time");
		expect(body.items[0]).toHaveProperty("extend_param");
		expect(body.items[0]?.id).toBe(created.id);
		const edited = await send(region, "PUT", endpointPath(region, created.id), {
			body: { remark: "x" },
		});
		expect(edited.json()).toHaveProperty("extend_param");
		const error = await send(region, "GET", endpointPath(region), {
			token: null,
		});
		expect(error.json()).toHaveProperty("extend_param");
		expect(error.json().error_code).toBe("APIGW.0301");
		expect(region.endpoints()[0]).not.toHaveProperty("extend_param");
	});

	test("default bodies carry documented fields only", async () => {
		const region = await start();
		const created = await createEndpoint(region, "plain");
		expect(created).not.toHaveProperty("extend_param");
		const body = await listEndpoints(region);
		expect(Object.keys(body).sort()).toEqual([
			"count",
			"items",
			"quantity_limit",
			"total",
		]);
		const error = await send(region, "GET", endpointPath(region), {
			token: null,
		});
		expect(Object.keys(error.json()).sort()).toEqual([
			"error_code",
			"error_msg",
			"request_id",
		]);
	});
});
