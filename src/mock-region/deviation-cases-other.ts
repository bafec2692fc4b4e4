/**
 * Deviation cases for names, create, list, edit, control and IAM;
 * deviations.test.ts runs them.
 */
import { request } from "undici";
import { expect } from "vitest";
import type { DeviationCase } from "./deviation-case.ts";
import type { DeviationName } from "./deviations.ts";
import { OVERSIZED_LIST_BYTES } from "./list-endpoints.ts";
import {
	controlPath,
	createEndpoint,
	endpointPath,
	firstUser,
	listEndpoints,
	loginBody,
	send,
} from "./test-helpers.ts";

const NEVER_CREATED = "3f1c9a52-7d4e-4b8a-9c61-0e2d5b7a8f93";

export const otherDeviationCases = {
	"name-reusable-after-delete": async (start) => {
		const region = await start();
		const first = await createEndpoint(region, "reused");
		await send(region, "DELETE", endpointPath(region, first.id));
		const second = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "reused" },
		});
		expect(second.status).toBe(200);
		const third = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "reused" },
		});
		expect(third.json().error_code).toBe("ModelArts.6271");
	},

	"name-duplicate-allowed": async (start) => {
		const region = await start();
		await createEndpoint(region, "twin");
		const second = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "twin" },
		});
		expect(second.status).toBe(200);
		const names = (await listEndpoints(region)).items.map(
			(item: { endpoint_name: string }) => item.endpoint_name,
		);
		expect(names).toEqual(["twin", "twin"]);
	},

	"create-missing-name-accepted": async (start) => {
		const region = await start();
		const result = await send(region, "POST", endpointPath(region), {
			body: { source: "custom_from_maas", model_name: "m" },
		});
		expect(result.status).toBe(200);
		expect(typeof result.json().endpoint_name).toBe("string");
		expect((await listEndpoints(region)).total).toBe(1);
	},

	"create-invalid-name-accepted": async (start) => {
		const region = await start();
		const result = await send(region, "POST", endpointPath(region), {
			body: { endpoint_name: "9 not/valid!" },
		});
		expect(result.status).toBe(200);
		expect(result.json().endpoint_name).toBe("9 not/valid!");
	},

	"create-not-listed": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "invisible");
		expect(typeof created.id).toBe("string");
		const listed = await listEndpoints(region);
		expect(listed.total).toBe(0);
		expect(listed.items).toEqual([]);
	},

	"list-count-missing": async (start) => {
		const region = await start();
		await createEndpoint(region, "counted");
		const body = await listEndpoints(region);
		expect(body.total).toBe(1);
		expect(body.items).toHaveLength(1);
		expect(body).not.toHaveProperty("count");
		expect(body).not.toHaveProperty("quantity_limit");
	},

	"list-oversized": async (start) => {
		const region = await start();
		await createEndpoint(region, "padded");
		const response = await request(`${region.url}${endpointPath(region)}`, {
			headers: { "x-auth-token": region.token },
		});
		expect(response.statusCode).toBe(200);
		expect(Number(response.headers["content-length"])).toBe(
			OVERSIZED_LIST_BYTES,
		);
		const text = await response.body.text();
		expect(Buffer.byteLength(text)).toBe(OVERSIZED_LIST_BYTES);
		const body = JSON.parse(text);
		expect(body.items[0].endpoint_name).toBe("padded");
		expect(body.count).toBe("1");
	},

	"edit-ignored": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "stubborn", {
			remark: "before",
		});
		const result = await send(region, "PUT", endpointPath(region, created.id), {
			body: { remark: "after", endpoint_name: "renamed" },
		});
		expect(result.status).toBe(200);
		expect((await listEndpoints(region)).items).toEqual([created]);
	},

	"edit-unknown-accepted": async (start) => {
		const region = await start();
		const result = await send(
			region,
			"PUT",
			endpointPath(region, NEVER_CREATED),
			{
				body: { remark: "x" },
			},
		);
		expect(result.status).toBe(200);
	},

	"control-200-json": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "switched");
		const result = await send(region, "PUT", controlPath(region, created.id), {
			body: { action: "deactivate" },
		});
		expect(result.status).toBe(200);
		expect(result.headers["content-type"]).toBe("application/json");
		expect(result.json().status).toBe("INACTIVE");
		expect(region.endpoints()[0]?.status).toBe("INACTIVE");
	},

	"control-unknown-accepted": async (start) => {
		const region = await start();
		const result = await send(
			region,
			"PUT",
			controlPath(region, NEVER_CREATED),
			{
				body: { action: "activate" },
			},
		);
		expect(result.status).toBe(204);
	},

	"control-any-action": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "switched");
		const result = await send(region, "PUT", controlPath(region, created.id), {
			body: { action: "explode" },
		});
		expect(result.status).toBe(204);
		expect(region.endpoints()[0]?.status).toBe("ACTIVE");
	},

	"iam-token-in-body": async (start) => {
		const region = await start();
		const result = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(firstUser(region), { name: region.region }),
		});
		expect(result.status).toBe(200);
		expect(result.headers).not.toHaveProperty("x-subject-token");
		const token = result.json().token.id;
		expect(typeof token).toBe("string");
		expect(
			(await send(region, "GET", endpointPath(region), { token })).status,
		).toBe(200);
	},

	"iam-any-password": async (start) => {
		const region = await start();
		const user = firstUser(region);
		const result = await send(region, "POST", "/v3/auth/tokens", {
			token: null,
			body: loginBody(
				{ ...user, password: "wrong password" },
				{ name: region.region },
			),
		});
		expect(result.status).toBe(201);
		const token = result.headers["x-subject-token"] as string;
		expect(
			(await send(region, "GET", endpointPath(region), { token })).status,
		).toBe(200);
	},
} satisfies Partial<Record<DeviationName, DeviationCase>>;
