import { describe, expect, test } from "vitest";
import {
	controlPath,
	createEndpoint,
	endpointPath,
	send,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();

describe("enable and disable endpoint", () => {
	test("deactivate and activate set status", async () => {
		const region = await start();
		const created = await createEndpoint(region, "switch");
		const off = await send(region, "PUT", controlPath(region, created.id), {
			body: { action: "deactivate" },
		});
		expect(off.status).toBe(204);
		expect(off.text).toBe("");
		expect(region.endpoints()[0]?.status).toBe("INACTIVE");
		const on = await send(region, "PUT", controlPath(region, created.id), {
			body: { action: "activate" },
		});
		expect(on.status).toBe(204);
		expect(region.endpoints()[0]?.status).toBe("ACTIVE");
	});

	test("an inactive endpoint can still be deleted", async () => {
		const region = await start();
		const created = await createEndpoint(region, "inactive-delete");
		await send(region, "PUT", controlPath(region, created.id), {
			body: { action: "deactivate" },
		});
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
		);
		expect(result.status).toBe(204);
	});

	test("missing or other action is 400 ModelArts.0104", async () => {
		const region = await start();
		const created = await createEndpoint(region, "bad-action");
		for (const body of [
			{},
			{ action: null },
			{ action: "pause" },
			{ action: 1 },
			{ action: "ACTIVATE" },
			{ action: "__proto__" },
		]) {
			const result = await send(
				region,
				"PUT",
				controlPath(region, created.id),
				{ body },
			);
			expect(result.status, JSON.stringify(body)).toBe(400);
			const error = result.json();
			expect(error.error_code).toBe("ModelArts.0104");
			expect(error.error_msg).toContain("action");
		}
		expect(region.endpoints()[0]?.status).toBe("ACTIVE");
	});

	test("bad bodies are 400", async () => {
		const region = await start();
		const created = await createEndpoint(region, "bad-body");
		const json = await send(region, "PUT", controlPath(region, created.id), {
			body: "{",
		});
		expect(json.json().error_code).toBe("ModelArts.2115");
		const type = await send(region, "PUT", controlPath(region, created.id), {
			body: '{"action":"deactivate"}',
			contentType: "application/x-www-form-urlencoded",
		});
		expect(type.status).toBe(400);
		expect(type.json().error_code).toBe("ModelArts.0104");
		expect(region.endpoints()[0]?.status).toBe("ACTIVE");
	});

	test("unknown id follows notFoundStatus", async () => {
		for (const notFoundStatus of [400, 404] as const) {
			const region = await start({ notFoundStatus });
			const result = await send(
				region,
				"PUT",
				controlPath(region, "missing-id"),
				{
					body: { action: "activate" },
				},
			);
			expect(result.status).toBe(notFoundStatus);
			expect(result.json().error_code).toBe("ModelArts.6291");
		}
	});

	test("deleted id is not found", async () => {
		const region = await start();
		const created = await createEndpoint(region, "deleted-control");
		await send(region, "DELETE", endpointPath(region, created.id));
		const result = await send(region, "PUT", controlPath(region, created.id), {
			body: { action: "activate" },
		});
		expect(result.json().error_code).toBe("ModelArts.6291");
	});

	test("empty id is 400 ModelArts.6299", async () => {
		const region = await start();
		const result = await send(region, "PUT", controlPath(region, ""), {
			body: { action: "activate" },
		});
		expect(result.status).toBe(400);
		expect(result.json().error_code).toBe("ModelArts.6299");
	});
});
