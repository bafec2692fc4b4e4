import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
	type FixtureProject,
	writeFixtureProject,
} from "../report/vitest-fixture.ts";
import { findAll, parseXml } from "../report/xml-check.ts";
import {
	baseEnvironment,
	type CliResult,
	PROJECT_ROOT,
	startNode,
} from "./cli-process.ts";

/**
 * The gate runs the `contracts` stage beside the stages that use the
 * region, and still prints the stage lines in stage order. The fixture's
 * contracts stage passes only once the verify stage has written a file, so
 * it fails (at its test timeout) when the gate runs the stages one after
 * the other. It also ends after verify, so the console order is the gate's
 * doing, not the order in which the stages finished.
 */

const GATE_MODULE = join(PROJECT_ROOT, "src", "cli", "gate.ts");
const OUTPUT_MODULE = join(PROJECT_ROOT, "src", "cli", "output.ts");

let fixture: FixtureProject;
let result: CliResult;

beforeAll(async () => {
	fixture = writeFixtureProject(
		{
			contracts: { include: ["contracts/*.test.ts"], testTimeout: 20_000 },
			verify: "verify/*.test.ts",
		},
		{
			"contracts/waits.test.ts": `import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "vitest";
test("CONTRACTS-BESIDE sees the file the verify stage wrote", async () => {
	const file = join(process.env.MAAS_REPORT_DIR ?? "", "verify-ran");
	while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 50));
	await new Promise((resolve) => setTimeout(resolve, 1000));
});
`,
			"verify/writes.test.ts": `import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "vitest";
test("VERIFY-WRITES writes its file", () => {
	const dir = process.env.MAAS_REPORT_DIR ?? "";
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, "verify-ran"), "");
});
`,
		},
	);
	const driver = join(fixture.root, "drive-gate.mts");
	writeFileSync(
		driver,
		`import { runGate } from ${JSON.stringify(GATE_MODULE)};
import { processOutput } from ${JSON.stringify(OUTPUT_MODULE)};
const code = await runGate({
	flags: {},
	dryRun: false,
	output: processOutput,
	root: ${JSON.stringify(fixture.root)},
	stages: ["contracts", "verify"],
	stageTimeoutMs: 60000,
});
process.exit(code);
`,
	);
	result = await startNode(
		driver,
		[],
		baseEnvironment({ MAAS_REPORT_DIR: fixture.reportDir }),
	).result;
}, 120_000);

afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

describe("gate stage order", () => {
	test("contracts runs beside verify", () => {
		expect(existsSync(join(fixture.reportDir, "junit.xml"))).toBe(true);
		const xml = readFileSync(join(fixture.reportDir, "junit.xml"), "utf8");
		const failed = findAll(parseXml(xml), "testcase").filter(
			(testcase) =>
				findAll(testcase, "failure").length +
					findAll(testcase, "error").length >
				0,
		);
		expect(failed.map((testcase) => testcase.attributes.name)).toEqual([]);
		expect(result.code, result.stdout + result.stderr).toBe(0);
	});

	test("stage lines: in stage order", () => {
		const lines = result.stdout
			.split("\n")
			.filter((line) => /^(contracts|verify): /.test(line));
		expect(lines[0]).toMatch(/^contracts: 1 passed, 0 failed/);
		expect(lines[1]).toMatch(/^verify: 1 passed, 0 failed/);
	});
});
