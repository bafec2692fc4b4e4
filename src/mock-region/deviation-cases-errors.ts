/** Deviation cases for the error body format; deviations.test.ts runs them. */
import { expect } from "vitest";
import type { DeviationCase } from "./deviation-case.ts";
import type { DeviationName } from "./deviations.ts";
import type { MockRegion } from "./index.ts";
import { endpointPath, type HttpResult, send } from "./test-helpers.ts";

/** Requests a 401 gateway error and a 400 ModelArts error from the region. */
async function twoErrors(region: MockRegion): Promise<HttpResult[]> {
	const gateway = await send(region, "GET", endpointPath(region), {
		token: null,
	});
	const modelArts = await send(
		region,
		"DELETE",
		endpointPath(region, "missing"),
	);
	expect(gateway.status).toBe(401);
	expect(modelArts.status).toBe(400);
	return [gateway, modelArts];
}

export const errorDeviationCases = {
	"error-no-error-code": async (start) => {
		const region = await start();
		for (const result of await twoErrors(region)) {
			const body = result.json();
			expect(typeof body.error_msg).toBe("string");
			expect(body).not.toHaveProperty("error_code");
		}
	},

	"error-code-not-string": async (start) => {
		const region = await start();
		const [gateway, modelArts] = await twoErrors(region);
		expect(gateway?.json().error_code).toBe(301);
		expect(modelArts?.json().error_code).toBe(6291);
	},

	"error-html": async (start) => {
		const region = await start();
		for (const result of await twoErrors(region)) {
			expect(result.headers["content-type"]).toMatch(/^text\/html/);
			expect(result.text).toMatch(/^<html><h1>\d{3} .+<\/h1><\/html>$/);
			expect(() => result.json()).toThrow();
		}
	},

	"error-text-plain": async (start) => {
		const region = await start();
		const [gateway, modelArts] = await twoErrors(region);
		expect(gateway?.headers["content-type"]).toMatch(/^text\/plain/);
		expect(gateway?.json().error_code).toBe("APIGW.0301");
		expect(modelArts?.headers["content-type"]).toMatch(/^text\/plain/);
		expect(modelArts?.json().error_code).toBe("ModelArts.6291");
	},

	"error-truncated-json": async (start) => {
		const region = await start();
		for (const result of await twoErrors(region)) {
			expect(result.headers["content-type"]).toBe("application/json");
			expect(Number(result.headers["content-length"])).toBe(
				Buffer.byteLength(result.text),
			);
			expect(result.text).toMatch(/^\{"error_msg":/);
			expect(() => result.json()).toThrow(SyntaxError);
		}
	},
} satisfies Partial<Record<DeviationName, DeviationCase>>;
