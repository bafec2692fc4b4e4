import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { type MockRegion, startMockRegion } from "../mock-region/index.ts";
import { baseEnvironment, runCli } from "./cli-process.ts";
import { runNamePattern } from "./sweep.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SEED = [
	{ endpoint_name: "conformance-abcd1234-1" },
	{ endpoint_name: "conformance-manual" },
	{ endpoint_name: "conformance-abcd1234-x" },
	{ endpoint_name: "recorded-in-a-ledger" },
	{ endpoint_name: "someone-elses-endpoint" },
];

async function setup(
	deviations: Parameters<typeof startMockRegion>[0] = {},
): Promise<{ region: MockRegion; env: Record<string, string> }> {
	const region = await startMockRegion({ seed: SEED, ...deviations });
	cleanups.push(() => region.close());
	const reportDir = mkdtempSync(join(tmpdir(), "maas-sweep-"));
	cleanups.push(() => rmSync(reportDir, { recursive: true, force: true }));
	const recorded = region
		.endpoints()
		.find((endpoint) => endpoint.endpoint_name === "recorded-in-a-ledger");
	writeFileSync(
		join(reportDir, "ledger-zzzz0000.jsonl"),
		[
			JSON.stringify({
				runId: "zzzz0000",
				name: "recorded-in-a-ledger",
				id: recorded?.id,
				state: "created",
				at: new Date().toISOString(),
			}),
			"{ torn line",
			"",
		].join("\n"),
	);
	return {
		region,
		env: baseEnvironment({
			MAAS_ENDPOINT: region.url,
			MAAS_PROJECT_ID: region.projectId,
			MAAS_AUTH_TOKEN: region.token,
			MAAS_REPORT_DIR: reportDir,
		}),
	};
}

function names(region: MockRegion): string[] {
	return region
		.endpoints()
		.map((endpoint) => endpoint.endpoint_name)
		.sort();
}

describe("runNamePattern", () => {
	test("matches <prefix><8 lowercase letters or digits>-<n> only", () => {
		const pattern = runNamePattern("conformance-");
		expect(pattern.test("conformance-abcd1234-1")).toBe(true);
		expect(pattern.test("conformance-abcd1234-12")).toBe(true);
		expect(pattern.test("conformance-abcd123-1")).toBe(false);
		expect(pattern.test("conformance-ABCD1234-1")).toBe(false);
		expect(pattern.test("conformance-abcd1234-x")).toBe(false);
		expect(pattern.test("xconformance-abcd1234-1")).toBe(false);
		expect(runNamePattern("a.b-").test("aXb-abcd1234-1")).toBe(false);
	});
});

describe("sweep", () => {
	test("lists run-named and ledger-recorded endpoints and deletes nothing", async () => {
		const { region, env } = await setup();
		const result = await runCli(["sweep"], env);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("2 endpoint(s) left by earlier runs");
		expect(result.stdout).toContain("conformance-abcd1234-1");
		expect(result.stdout).toContain("recorded-in-a-ledger");
		expect(result.stdout).not.toContain("conformance-manual");
		expect(result.stdout).not.toContain("someone-elses-endpoint");
		expect(result.stderr).toContain("ledger-zzzz0000.jsonl:2");
		expect(region.requests().filter((r) => r.method === "DELETE")).toEqual([]);
		expect(names(region)).toHaveLength(SEED.length);
	});

	test("--delete deletes exactly those endpoints", async () => {
		const { region, env } = await setup();
		const result = await runCli(["sweep", "--delete"], env);
		expect(result.code).toBe(0);
		expect(names(region)).toEqual([
			"conformance-abcd1234-x",
			"conformance-manual",
			"someone-elses-endpoint",
		]);
		expect(region.requests().filter((r) => r.method === "DELETE")).toHaveLength(
			2,
		);
	});

	test("exits 1 when a delete fails", async () => {
		const { env } = await setup({ deviations: ["delete-reset"] });
		const result = await runCli(
			["sweep", "--delete", "--request-timeout-ms=3000"],
			env,
		);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("could not delete");
	});

	test("without MAAS_ENDPOINT it exits 2 and says why", async () => {
		const result = await runCli(["sweep"], baseEnvironment());
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("MAAS_ENDPOINT");
	});
});
