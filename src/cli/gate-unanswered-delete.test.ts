import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
	type DeviationName,
	type MockRegion,
	startMockRegion,
} from "../mock-region/index.ts";
import { findAll, parseXml, type XmlElement } from "../report/xml-check.ts";
import { baseEnvironment, type CliResult, runCli } from "./cli-process.ts";

/**
 * End-to-end: the gate against a region that never responds to a DELETE
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html
 * promises 204). Every wait is bounded by MAAS_REQUEST_TIMEOUT_MS, so the
 * run ends with a failing verdict and a complete, well-formed JUnit report
 * instead of a stage killed at its timeout.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Run {
	region: MockRegion;
	result: CliResult;
	testcases: XmlElement[];
}

async function gateAgainst(deviations: DeviationName[]): Promise<Run> {
	const region = await startMockRegion({ deviations });
	cleanups.push(() => region.close());
	const reportDir = mkdtempSync(join(tmpdir(), "maas-unanswered-"));
	cleanups.push(() => rmSync(reportDir, { recursive: true, force: true }));
	const result = await runCli(
		["gate"],
		baseEnvironment({
			MAAS_ENDPOINT: region.url,
			MAAS_PROJECT_ID: region.projectId,
			MAAS_AUTH_TOKEN: region.token,
			MAAS_REPORT_DIR: reportDir,
			MAAS_REQUEST_TIMEOUT_MS: "3000",
		}),
	);
	const xml = readFileSync(join(reportDir, "junit.xml"), "utf8");
	return { region, result, testcases: findAll(parseXml(xml), "testcase") };
}

/** Returns the failure or error element of a testcase, if it failed. */
function failureOf(testcase: XmlElement): XmlElement | undefined {
	return [...findAll(testcase, "failure"), ...findAll(testcase, "error")][0];
}

function named(run: Run, prefix: string): XmlElement[] {
	return run.testcases.filter((testcase) =>
		testcase.attributes.name?.startsWith(prefix),
	);
}

/** Returns the stage property of a testcase. */
function stageOf(testcase: XmlElement): string | undefined {
	return findAll(testcase, "property").find(
		(property) => property.attributes.name === "stage",
	)?.attributes.value;
}

/**
 * Returns the DELETE-204-EMPTY testcases of the stages that send requests to the
 * region; the contracts stage checks only the client against Pact's mock.
 */
function liveDeleteChecks(run: Run): XmlElement[] {
	return named(run, "DELETE-204-EMPTY ").filter(
		(testcase) => stageOf(testcase) !== "contracts",
	);
}

describe("gate against a region that never responds to a DELETE", () => {
	test("exit 1; DELETE-204-EMPTY fails in verify and probes; nothing is left", async () => {
		const run = await gateAgainst(["delete-never-responds"]);
		expect(run.result.code, run.result.stderr).toBe(1);
		expect(run.result.stdout).toContain("Verdict: DOES NOT CONFORM");

		const deletes = liveDeleteChecks(run);
		expect(deletes.map(stageOf).sort()).toEqual(["probes", "verify"]);
		for (const testcase of deletes) {
			expect(failureOf(testcase)).toBeDefined();
		}
		const verify = deletes.find((testcase) => stageOf(testcase) === "verify");
		expect(failureOf(verify as XmlElement)?.attributes.message).toMatch(
			/no complete answer within the verifier's 9000 ms|did not finish within \d+ ms/,
		);
		// The limits ended every wait: no stage was killed, none skipped.
		expect(named(run, "GATE-STAGE-")).toEqual([]);
		expect(
			run.testcases.filter((t) => findAll(t, "skipped").length > 0),
		).toEqual([]);
		// The region deletes before it hangs, so the cleanup finds nothing.
		expect(named(run, "GATE-CLEANUP").map(failureOf)).toEqual([undefined]);
		expect(run.region.endpoints()).toEqual([]);
		expect(run.result.stdout + run.result.stderr).not.toContain(
			run.region.token,
		);
	}, 300_000);

	test("that also never deletes: exit 1, DELETE-204-EMPTY and GATE-CLEANUP fail", async () => {
		const run = await gateAgainst([
			"delete-never-responds",
			"delete-keeps-endpoint",
		]);
		expect(run.result.code, run.result.stderr).toBe(1);
		const deletes = liveDeleteChecks(run);
		expect(deletes.map(stageOf).sort()).toEqual(["probes", "verify"]);
		for (const testcase of deletes) {
			expect(failureOf(testcase)).toBeDefined();
		}
		expect(named(run, "GATE-STAGE-")).toEqual([]);
		const [cleanup] = named(run, "GATE-CLEANUP");
		expect(failureOf(cleanup as XmlElement)?.attributes.message).toContain(
			"sweep --delete",
		);
	}, 300_000);
});
