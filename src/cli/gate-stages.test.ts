import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
	type FixtureProject,
	writeFixtureProject,
} from "../report/vitest-fixture.ts";
import { findAll, parseXml, type XmlElement } from "../report/xml-check.ts";
import {
	baseEnvironment,
	type CliResult,
	PROJECT_ROOT,
	startNode,
} from "./cli-process.ts";

/**
 * Tests how the gate handles stages that break in ways their own report
 * cannot show. The cases are an unhandled rejection after a test returned,
 * a stage that exits non-zero with every test passed, a stage that hangs,
 * and a stage with no test files. The real gate runs (`runGate` in a child
 * process, with fixture stages instead of the project's own) against its
 * embedded region.
 */

const GATE_MODULE = join(PROJECT_ROOT, "src", "cli", "gate.ts");
const OUTPUT_MODULE = join(PROJECT_ROOT, "src", "cli", "output.ts");
const STAGE_TIMEOUT_MS = 5000;

let fixture: FixtureProject;
let result: CliResult;
let testcases: XmlElement[];

function named(prefix: string): XmlElement[] {
	return testcases.filter((testcase) =>
		testcase.attributes.name?.startsWith(prefix),
	);
}

function isFailing(testcase: XmlElement): boolean {
	return (
		findAll(testcase, "failure").length + findAll(testcase, "error").length > 0
	);
}

beforeAll(async () => {
	fixture = writeFixtureProject(
		{
			late: "late/*.test.ts",
			exits: { include: ["exits/*.test.ts"], globalSetup: ["./exit-3.mjs"] },
			hangs: { include: ["hangs/*.test.ts"], testTimeout: 600_000 },
			empty: "empty/*.test.ts",
			passes: "passes/*.test.ts",
		},
		{
			"late/late.test.ts": `import { test } from "vitest";
test("LATE-CHECK returns before its promise rejects", () => {
	setTimeout(() => { void Promise.reject(new Error("rejected after the test returned")); }, 5);
});
test("LATE-WAIT gives the rejection time to surface", async () => {
	await new Promise((resolve) => setTimeout(resolve, 300));
});
`,
			"exit-3.mjs":
				"export default function () { return () => { process.exit(3); }; }\n",
			"exits/ok.test.ts": `import { test } from "vitest";\ntest("EXITS-OK passes", () => {});\n`,
			"hangs/hang.test.ts": `import { test } from "vitest";\ntest("HANGS-FOREVER never settles", () => new Promise(() => {}));\n`,
			"passes/ok.test.ts": `import { test } from "vitest";\ntest("PASSES-OK passes", () => {});\n`,
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
	stages: ["late", "exits", "hangs", "empty", "passes"],
	stageTimeoutMs: ${STAGE_TIMEOUT_MS},
});
process.exit(code);
`,
	);
	result = await startNode(
		driver,
		[],
		baseEnvironment({ MAAS_REPORT_DIR: fixture.reportDir }),
	).result;
	const merged = join(fixture.reportDir, "junit.xml");
	if (!existsSync(merged)) {
		throw new Error(
			`the gate wrote no ${merged} (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
		);
	}
	const xml = readFileSync(merged, "utf8");
	testcases = findAll(parseXml(xml), "testcase");
}, 180_000);

afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

describe("gate with broken stages", () => {
	test("exits 1", () => {
		expect(result.code).toBe(1);
	});

	test("an unhandled rejection after a test body returned is a failing testcase", () => {
		const [unhandled] = named(
			"GATE-UNHANDLED-ERROR rejected after the test returned",
		);
		expect(unhandled).toBeDefined();
		expect(isFailing(unhandled as XmlElement)).toBe(true);
		// The tests themselves passed: only the unhandled error shows the fault.
		expect(named("LATE-CHECK").every((t) => !isFailing(t))).toBe(true);
		expect(named("GATE-STAGE-late")).toEqual([]);
	});

	test("a stage that exits non-zero with every test passed gets a failing testcase", () => {
		const [stage] = named(
			"GATE-STAGE-exits stage exited 3 without reporting a failure",
		);
		expect(stage).toBeDefined();
		expect(isFailing(stage as XmlElement)).toBe(true);
		expect(named("EXITS-OK").every((t) => !isFailing(t))).toBe(true);
	});

	test("a stage over its timeout is killed and fails; the next stages still run", () => {
		const [stage] = named(
			`GATE-STAGE-hangs stage exceeded its timeout of ${STAGE_TIMEOUT_MS} ms`,
		);
		expect(stage).toBeDefined();
		expect(isFailing(stage as XmlElement)).toBe(true);
		const [passes] = named("PASSES-OK");
		expect(passes).toBeDefined();
		expect(isFailing(passes as XmlElement)).toBe(false);
	});

	test("a stage without test files fails loudly", () => {
		const [stage] = named("GATE-STAGE-empty no test files");
		expect(stage).toBeDefined();
		expect(isFailing(stage as XmlElement)).toBe(true);
	});

	test("the console has one line per stage and the verdict", () => {
		for (const stage of ["late", "exits", "hangs", "empty", "passes"]) {
			expect(result.stdout).toMatch(new RegExp(`^${stage}: `, "m"));
		}
		expect(result.stdout).toContain("Verdict: DOES NOT CONFORM");
	});
});
