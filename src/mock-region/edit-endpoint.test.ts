import { describe, expect, test } from "vitest";
import {
	createEndpoint,
	endpointPath,
	listEndpoints,
	send,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();

describe("edit endpoint", () => {
	test("changes only the given fields", async () => {
		const region = await start();
		const created = await createEndpoint(region, "editable", {
			rpm: 10,
			remark: "before",
		});
		const result = await send(region, "PUT", endpointPath(region, created.id), {
			body: { remark: "after", tpm: 500 },
		});
		expect(result.status).toBe(200);
		const expected = { ...created, remark: "after", tpm: 500 };
		expect(result.json()).toEqual(expected);
		expect((await listEndpoints(region)).items).toEqual([expected]);
	});

	test("editStatus 204 sends an empty body", async () => {
		const region = await start({ editStatus: 204 });
		const created = await createEndpoint(region, "edit-204");
		const result = await send(region, "PUT", endpointPath(region, created.id), {
			body: { moderation: false, rpm: null },
		});
		expect(result.status).toBe(204);
		expect(result.text).toBe("");
		expect(region.endpoints()[0]).toMatchObject({
			moderation: false,
			rpm: null,
		});
	});

	test("rename burns both names", async () => {
		const region = await start();
		const created = await createEndpoint(region, "old-name");
		const result = await send(region, "PUT", endpointPath(region, created.id), {
			body: { endpoint_name: "new-name" },
		});
		expect(result.json().endpoint_name).toBe("new-name");
		expect(region.burnedNames()).toEqual(["old-name", "new-name"]);
		for (const name of ["old-name", "new-name"]) {
			const again = await send(region, "POST", endpointPath(region), {
				body: { endpoint_name: name },
			});
			expect(again.json().error_code, name).toBe("ModelArts.6271");
		}
		const back = await send(region, "PUT", endpointPath(region, created.id), {
			body: { endpoint_name: "old-name" },
		});
		expect(back.json().error_code).toBe("ModelArts.6271");
	});

	test("renaming to its own name is allowed", async () => {
		const region = await start();
		const created = await createEndpoint(region, "same-name");
		const result = await send(region, "PUT", endpointPath(region, created.id), {
			body: { endpoint_name: "same-name" },
		});
		expect(result.status).toBe(200);
	});

	test("rename follows the name rules", async () => {
		const region = await start();
		const first = await createEndpoint(region, "first");
		const second = await createEndpoint(region, "second");
		const deleted = await createEndpoint(region, "deleted");
		await send(region, "DELETE", endpointPath(region, deleted.id));
		const cases: Array<[unknown, string]> = [
			["9bad", "ModelArts.6274"],
			["", "ModelArts.6274"],
			["second", "ModelArts.6271"],
			["deleted", "ModelArts.6271"],
			[7, "ModelArts.0104"],
			[null, "ModelArts.0104"],
		];
		for (const [name, code] of cases) {
			const result = await send(region, "PUT", endpointPath(region, first.id), {
				body: { endpoint_name: name },
			});
			expect(result.status, String(name)).toBe(400);
			expect(result.json().error_code, String(name)).toBe(code);
		}
		expect(region.endpoints().map((item) => item.endpoint_name)).toEqual([
			"first",
			"second",
		]);
		expect(second.endpoint_name).toBe("second");
	});

	test("wrong types are 0104 naming the field", async () => {
		const region = await start();
		const created = await createEndpoint(region, "typed-edit");
		for (const [fields, field] of [
			[{ rpm: "1" }, "rpm"],
			[{ moderation: 1 }, "moderation"],
			[{ remark: "x".repeat(257) }, "remark"],
			[{ agreement_id: 3 }, "agreement_id"],
		] as const) {
			const result = await send(
				region,
				"PUT",
				endpointPath(region, created.id),
				{
					body: fields,
				},
			);
			expect(result.status, field).toBe(400);
			expect(result.json().error_code).toBe("ModelArts.0104");
			expect(result.json().error_msg).toContain(`.${field} `);
		}
		expect(region.endpoints()).toEqual([created]);
	});

	test("unknown id is 400 ModelArts.6291 by default", async () => {
		const region = await start();
		const result = await send(
			region,
			"PUT",
			endpointPath(region, "00000000-0000-4000-8000-000000000000"),
			{ body: { remark: "x" } },
		);
		expect(result.status).toBe(400);
		expect(result.json()).toEqual({
			error_msg: "CustomEndpointNotFound",
			error_code: "ModelArts.6291",
		});
	});

	test("unknown id is 404 with notFoundStatus 404", async () => {
		const region = await start({ notFoundStatus: 404 });
		const result = await send(region, "PUT", endpointPath(region, "missing"), {
			body: { remark: "x" },
		});
		expect(result.status).toBe(404);
		expect(result.json().error_code).toBe("ModelArts.6291");
	});

	test("empty id is 400 ModelArts.6299", async () => {
		const region = await start();
		const result = await send(region, "PUT", endpointPath(region, ""), {
			body: {},
		});
		expect(result.status).toBe(400);
		expect(result.json()).toEqual({
			error_msg: "Custom endpoint id is required",
			error_code: "ModelArts.6299",
		});
	});

	test("bad bodies are 400", async () => {
		const region = await start();
		const created = await createEndpoint(region, "bad-edit");
		for (const body of ["{", "[1]", "", "true"]) {
			const result = await send(
				region,
				"PUT",
				endpointPath(region, created.id),
				{ body },
			);
			expect(result.status, body).toBe(400);
			expect(result.json().error_code).toBe("ModelArts.2115");
		}
		expect(region.endpoints()).toEqual([created]);
	});
});
