import { describe, expect, test } from "vitest";
import {
	createEndpoint,
	endpointPath,
	listEndpoints,
	rawExchange,
	rawRequest,
	send,
	splitRaw,
	useRegions,
} from "./test-helpers.ts";

const start = useRegions();

describe("delete endpoint", () => {
	test("returns 204 and removes endpoint", async () => {
		const region = await start();
		const created = await createEndpoint(region, "to-delete");
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
		);
		expect(result.status).toBe(204);
		expect(result.text).toBe("");
		expect(result.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
		expect((await listEndpoints(region)).items).toEqual([]);
		expect(region.endpoints()).toEqual([]);
		expect(region.burnedNames()).toEqual(["to-delete"]);
	});

	test("204 has no body on the wire", async () => {
		const region = await start();
		const created = await createEndpoint(region, "raw-delete");
		const exchange = await rawExchange(
			region,
			rawRequest(region, "DELETE", endpointPath(region, created.id)),
		);
		const { head, body } = splitRaw(exchange.text);
		expect(head).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
		expect(body).toBe("");
		expect(head).not.toMatch(/\r\ntransfer-encoding:/i);
		const length = /\r\ncontent-length: *(\d+)/i.exec(head);
		expect(length === null || length[1] === "0").toBe(true);
		expect(exchange.reset).toBe(false);
	});

	test("deleting again is not found", async () => {
		const region = await start();
		const created = await createEndpoint(region, "twice");
		await send(region, "DELETE", endpointPath(region, created.id));
		const again = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
		);
		expect(again.status).toBe(400);
		expect(again.json()).toEqual({
			error_msg: "CustomEndpointNotFound",
			error_code: "ModelArts.6291",
		});
	});

	test("unknown id follows notFoundStatus", async () => {
		for (const notFoundStatus of [400, 404] as const) {
			const region = await start({ notFoundStatus });
			const result = await send(
				region,
				"DELETE",
				endpointPath(region, "6b2f2a8e-1111-4222-8333-444455556666"),
			);
			expect(result.status).toBe(notFoundStatus);
			expect(result.json().error_code).toBe("ModelArts.6291");
		}
	});

	test("empty id is 400 ModelArts.6299", async () => {
		const region = await start();
		await createEndpoint(region, "kept");
		const result = await send(region, "DELETE", `${endpointPath(region)}/`);
		expect(result.status).toBe(400);
		expect(result.json()).toEqual({
			error_msg: "Custom endpoint id is required",
			error_code: "ModelArts.6299",
		});
		expect(region.endpoints()).toHaveLength(1);
	});

	test("DELETE without an id segment is 404 APIGW.0101", async () => {
		const region = await start();
		const result = await send(region, "DELETE", endpointPath(region));
		expect(result.status).toBe(404);
		expect(result.json().error_code).toBe("APIGW.0101");
	});

	test("another endpoint stays when one is deleted", async () => {
		const region = await start({ seed: [{ endpoint_name: "not-mine" }] });
		const mine = await createEndpoint(region, "mine");
		await send(region, "DELETE", endpointPath(region, mine.id));
		expect(region.endpoints().map((item) => item.endpoint_name)).toEqual([
			"not-mine",
		]);
	});

	test("a body on DELETE is ignored", async () => {
		const region = await start();
		const created = await createEndpoint(region, "body-delete");
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
			{
				body: "{garbage",
			},
		);
		expect(result.status).toBe(204);
	});
});
