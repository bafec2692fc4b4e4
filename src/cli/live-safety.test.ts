import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
	type CustomEndpointInfo,
	type MockRegion,
	startMockRegion,
} from "../mock-region/index.ts";
import { findAll, parseXml, type XmlElement } from "../report/xml-check.ts";
import { baseEnvironment, type CliResult, runCli } from "./cli-process.ts";

/**
 * End-to-end: the gate as a live account sees it. The region already holds
 * endpoints of someone else, the run logs in with IAM credentials or brings a
 * token, and every credential is a canary that no output may contain.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FOREIGN_NAMES = ["prod-assistant-1", "prod-assistant-2", "prod-search"];

function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), "maas-live-"));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

async function accountWithForeignEndpoints(
	password: string,
): Promise<MockRegion> {
	const region = await startMockRegion({
		seed: FOREIGN_NAMES.map((name) => ({ endpoint_name: name })),
		users: [
			{ domain: "canary-domain", name: "canary-user", password: password },
		],
	});
	cleanups.push(() => region.close());
	return region;
}

/** Returns every file below `dir` with its text. */
function filesBelow(dir: string): Array<{ path: string; text: string }> {
	const files: Array<{ path: string; text: string }> = [];
	for (const entry of readdirSync(dir, {
		recursive: true,
		withFileTypes: true,
	})) {
		if (!entry.isFile()) continue;
		const path = join(entry.parentPath, entry.name);
		files.push({ path, text: readFileSync(path, "utf8") });
	}
	return files;
}

/** Lists each output (console stream or report file) that contains `secret`. */
function outputsContaining(
	secret: string,
	result: CliResult,
	reportDir: string,
): string[] {
	const outputs = [
		{ path: "stdout", text: result.stdout },
		{ path: "stderr", text: result.stderr },
		...filesBelow(reportDir),
	];
	return outputs
		.filter((output) => output.text.includes(secret))
		.map((output) => output.path);
}

function cleanupProperties(reportDir: string): Record<string, string> {
	const xml = readFileSync(join(reportDir, "junit.xml"), "utf8");
	const cleanup = findAll(parseXml(xml), "testcase").find(
		(testcase: XmlElement) =>
			testcase.attributes.name?.startsWith("GATE-CLEANUP"),
	);
	const properties: Record<string, string> = {};
	for (const property of findAll(cleanup ?? parseXml("<none/>"), "property")) {
		const name = property.attributes.name;
		if (name) properties[name] = property.attributes.value ?? "";
	}
	return properties;
}

function expectForeignEndpointsUntouched(
	region: MockRegion,
	before: CustomEndpointInfo[],
): void {
	const after = region.endpoints();
	expect(after).toEqual(before);
	const foreignIds = new Set(before.map((endpoint) => endpoint.id));
	const touching = region
		.requests()
		.filter(
			(entry) =>
				entry.method !== "GET" &&
				[...foreignIds].some((id) => entry.path.includes(id)),
		);
	expect(touching).toEqual([]);
}

describe("gate on an account holding someone else's endpoints", () => {
	test("IAM login: exit 0, foreign endpoints untouched, no password in any output", async () => {
		const password = `canary-pw-${randomBytes(12).toString("hex")}`;
		const region = await accountWithForeignEndpoints(password);
		const before = region.endpoints();
		const reportDir = tempDir();

		const result = await runCli(
			["gate"],
			baseEnvironment({
				MAAS_ENDPOINT: region.url,
				MAAS_IAM_ENDPOINT: region.iamUrl,
				MAAS_IAM_USER: "canary-user",
				MAAS_IAM_PASSWORD: password,
				MAAS_IAM_DOMAIN: "canary-domain",
				MAAS_REPORT_DIR: reportDir,
				MAAS_PACT_DIR: join(reportDir, "pacts"),
			}),
		);

		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expectForeignEndpointsUntouched(region, before);
		expect(region.endpoints()).toHaveLength(FOREIGN_NAMES.length);
		const properties = cleanupProperties(reportDir);
		expect(Number(properties.peak_alive)).toBeGreaterThan(0);
		expect(Number(properties.peak_alive)).toBeLessThanOrEqual(2);
		expect(Number(properties.names_burned)).toBeGreaterThan(0);
		expect(Number(properties.names_burned)).toBeLessThanOrEqual(8);
		expect(result.stdout).toContain(
			`${properties.names_burned} names burned, at most ${properties.peak_alive} alive at once`,
		);
		expect(outputsContaining(password, result, reportDir)).toEqual([]);
	});

	test("token: exit 0 and the token in no report, log, pact file or console line", async () => {
		const region = await accountWithForeignEndpoints("unused-password");
		const before = region.endpoints();
		const reportDir = tempDir();

		const result = await runCli(
			["gate"],
			baseEnvironment({
				MAAS_ENDPOINT: region.url,
				MAAS_PROJECT_ID: region.projectId,
				MAAS_AUTH_TOKEN: region.token,
				MAAS_REPORT_DIR: reportDir,
				MAAS_PACT_DIR: join(reportDir, "pacts"),
			}),
		);

		expect(result.code).toBe(0);
		expectForeignEndpointsUntouched(region, before);
		const pactFiles = filesBelow(join(reportDir, "pacts"));
		expect(pactFiles.length).toBeGreaterThan(0);
		expect(outputsContaining(region.token, result, reportDir)).toEqual([]);
	});

	test("a failing run still masks the token in its failure messages", async () => {
		const region = await startMockRegion({ deviations: ["delete-204-body"] });
		cleanups.push(() => region.close());
		const reportDir = tempDir();

		const result = await runCli(
			["gate"],
			baseEnvironment({
				MAAS_ENDPOINT: region.url,
				MAAS_PROJECT_ID: region.projectId,
				MAAS_AUTH_TOKEN: region.token,
				MAAS_REPORT_DIR: reportDir,
				MAAS_PACT_DIR: join(reportDir, "pacts"),
			}),
		);

		expect(result.code).toBe(1);
		const junit = readFileSync(join(reportDir, "junit.xml"), "utf8");
		expect(junit).toContain("X-Auth-Token: ***");
		expect(outputsContaining(region.token, result, reportDir)).toEqual([]);
	});
});
