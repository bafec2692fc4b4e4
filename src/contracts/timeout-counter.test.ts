/**
 * The timeout counter counts exactly the requests that ended in a request
 * timeout: not other errors, not successes, and a method that calls another
 * one counts once.
 */
import { afterEach, describe, expect, test } from "vitest";
import { countTimeouts } from "../../contracts/support/timeout-counter.ts";
import { MaasClient } from "../client/index.ts";
import { startRawServer } from "../client/raw-test-server.ts";
import { startMockRegion } from "../mock-region/index.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(
	endpoint: string,
	projectId = "0123456789abcdef0123456789abcdef",
	token = "counter-test-token",
): MaasClient {
	const made = new MaasClient({ endpoint, projectId, token, timeoutMs: 300 });
	cleanups.push(() => made.close());
	return made;
}

describe("timeout counter", () => {
	test("counts a request that was never answered", async () => {
		// Reads the request and never writes a byte back.
		const silent = await startRawServer(() => {});
		cleanups.push(() => silent.close());
		const counter = countTimeouts(client(silent.url));
		await expect(counter.client.listEndpoints()).rejects.toMatchObject({
			code: "MAAS_REQUEST_TIMEOUT",
		});
		expect(counter.count()).toBe(1);
		// findEndpointByName lists through the same client: one timeout.
		await expect(
			counter.client.findEndpointByName("some-name"),
		).rejects.toMatchObject({ code: "MAAS_REQUEST_TIMEOUT" });
		expect(counter.count()).toBe(2);
	});

	test("does not count answers, error answers included", async () => {
		const mock = await startMockRegion();
		cleanups.push(() => mock.close());
		const counter = countTimeouts(client(mock.url, mock.projectId, mock.token));
		await counter.client.listEndpoints();
		await expect(
			counter.client.deleteEndpoint("00000000-0000-4000-8000-000000000000"),
		).rejects.toMatchObject({ code: "MAAS_API_ERROR" });
		expect(counter.count()).toBe(0);
		expect(counter.client.endpoint).toBe(mock.url);
	});
});
