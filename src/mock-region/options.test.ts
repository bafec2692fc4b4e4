import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { isMaasError } from "../errors.ts";
import { DEVIATIONS, type DeviationName, startMockRegion } from "./index.ts";
import { isLoopbackAddress } from "./options.ts";
import { endpointPath, send, useRegions } from "./test-helpers.ts";

const start = useRegions();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		() => undefined,
		(error: unknown) => error,
	);
}

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer();
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

describe("mock region options", () => {
	test("defaults", async () => {
		const region = await start();
		expect(region.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(region.iamUrl).toBe(region.url);
		expect(region.projectId).toMatch(/^[0-9a-f]{32}$/);
		expect(region.region).toBe("ap-southeast-1");
		expect(region.users).toHaveLength(1);
		expect(region.users[0]?.domain).toBe("conformance");
		expect(region.users[0]?.name).toBe("conformance");
		expect(region.users[0]?.password.length).toBeGreaterThanOrEqual(16);
		expect(region.token.length).toBeGreaterThanOrEqual(128);
		expect(region.endpoints()).toEqual([]);
		expect(region.burnedNames()).toEqual([]);
		const other = await start();
		expect(other.projectId).not.toBe(region.projectId);
		expect(other.users[0]?.password).not.toBe(region.users[0]?.password);
	});

	test("projectId, region and port are used", async () => {
		const port = await freePort();
		const projectId = "0123456789abcdefghijklmnopqrstuv";
		const region = await start({ projectId, region: "cn-southwest-2", port });
		expect(region.url).toBe(`http://127.0.0.1:${port}`);
		expect(region.projectId).toBe(projectId);
		expect(region.region).toBe("cn-southwest-2");
		const result = await send(region, "GET", endpointPath(region));
		expect(result.status).toBe(200);
	});

	test("other loopback addresses work", async () => {
		const region = await start({ host: "127.0.0.2" });
		expect(region.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
		expect((await send(region, "GET", endpointPath(region))).status).toBe(200);
	});

	test("IPv6 loopback gets a bracketed URL", async (context) => {
		const region = await start({ host: "::1" }).catch(
			(error: NodeJS.ErrnoException) => {
				// Some containers have no IPv6 loopback; nothing to check there.
				if (error.code === "EADDRNOTAVAIL" || error.code === "EAFNOSUPPORT") {
					return undefined;
				}
				throw error;
			},
		);
		if (region === undefined) {
			context.skip();
			return;
		}
		expect(region.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
		expect((await send(region, "GET", endpointPath(region))).status).toBe(200);
	});

	test("non-loopback hosts are rejected", async () => {
		for (const host of [
			"0.0.0.0",
			"192.168.1.10",
			"::",
			"localhost",
			"example.com",
			"",
		]) {
			const error = await rejection(startMockRegion({ host }));
			expect(isMaasError(error), host).toBe(true);
			expect((error as { code: string }).code).toBe("MAAS_CONFIG_INVALID");
			expect((error as Error).message).toContain(JSON.stringify(host));
		}
	});

	test("loopback detection", () => {
		expect(isLoopbackAddress("127.0.0.1")).toBe(true);
		expect(isLoopbackAddress("127.255.0.9")).toBe(true);
		expect(isLoopbackAddress("::1")).toBe(true);
		expect(isLoopbackAddress("::ffff:127.0.0.1")).toBe(true);
		expect(isLoopbackAddress("128.0.0.1")).toBe(false);
		expect(isLoopbackAddress("::ffff:10.0.0.1")).toBe(false);
		expect(isLoopbackAddress("127.0.0.1.nip.io")).toBe(false);
	});

	test("unknown deviation name throws TypeError", async () => {
		const error = await rejection(
			startMockRegion({ deviations: ["delete-sometimes" as DeviationName] }),
		);
		expect(error).toBeInstanceOf(TypeError);
		const message = (error as Error).message;
		expect(message).toContain('"delete-sometimes"');
		for (const name of Object.keys(DEVIATIONS)) {
			expect(message).toContain(name);
		}
	});

	test("invalid values are ConfigErrors naming the option", async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ projectId: "ABC" }, "projectId"],
			[{ projectId: "g".repeat(31) }, "projectId"],
			[{ region: "" }, "region"],
			[{ port: 70000 }, "port"],
			[{ quota: -1 }, "quota"],
			[{ quota: 1.5 }, "quota"],
			[{ notFoundStatus: 500 }, "notFoundStatus"],
			[{ invalidTokenStyle: "other" }, "invalidTokenStyle"],
			[{ createStatus: 202 }, "createStatus"],
			[{ editStatus: 201 }, "editStatus"],
			[{ delayMs: -5 }, "delayMs"],
			[{ maxBodyBytes: Number.NaN }, "maxBodyBytes"],
			[{ seed: [{ endpoint_name: "a" }, { endpoint_name: "a" }] }, "seed"],
			[{ seed: [{ endpoint_name: "" }] }, "seed"],
		];
		for (const [options, variable] of cases) {
			const error = await rejection(startMockRegion(options));
			expect(isMaasError(error), variable).toBe(true);
			expect((error as { variable: string }).variable).toBe(variable);
		}
	});

	test("every deviation has a one-line description", () => {
		for (const [name, description] of Object.entries(DEVIATIONS)) {
			expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
			expect(description.length, name).toBeGreaterThan(10);
			expect(description, name).not.toContain("\n");
		}
		expect(Object.isFrozen(DEVIATIONS)).toBe(true);
	});
});
