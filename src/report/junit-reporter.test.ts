import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { StageReport } from "./stage-report.ts";
import {
	type FixtureProject,
	type FixtureRun,
	runFixtureProject,
	writeFixtureProject,
} from "./vitest-fixture.ts";
import { findAll, parseXml, type XmlElement } from "./xml-check.ts";

const SECRET = "reporter-test-token-5f2c9a";

const CHECKS = `
import { describe, expect, test } from "vitest";

test("DELETE-204-EMPTY successful delete answers 204", (context) => {
	Object.assign(context.task.meta, {
		requirement: "DELETE-204-EMPTY",
		level: "MUST",
		source: "https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html",
		target: "http://127.0.0.1:1",
		status: 204,
		requestId: "req-1",
		alternative: "204",
		stage: "probes",
	});
});

test("LIST-QUOTA-DOCUMENTED quota is 10 or 30", (context) => {
	context.task.meta.requirement = "LIST-QUOTA-DOCUMENTED";
	context.task.meta.warning = "quantity_limit 12 is neither 10 nor 30";
});

test("ERROR-BODY-SCHEMA error body has error_code", (context) => {
	context.task.meta.requirement = "ERROR-BODY-SCHEMA";
	context.task.meta.errorCode = "ModelArts.6291";
	throw new Error(
		"ERROR-BODY-SCHEMA: \\u001b[31mexpected\\u001b[39m error_code\\u0000 <string> & \\"more\\"\\n" +
			"second line with token ${SECRET}",
	);
});

test("EDIT-APPLIES remark changes", () => {
	expect({ remark: "old" }).toEqual({ remark: "new" });
});

test.skip("CONTROL-204-EMPTY not run here", () => {});

test("LIST-SCHEMA registered by another spec file", (context) => {
	context.task.meta.specFile = "specs/list.spec.ts";
});
`;

let fixture: FixtureProject;
let run: FixtureRun;
let suite: XmlElement;
let testcases: XmlElement[];

function testcase(prefix: string): XmlElement {
	const found = testcases.find((element) =>
		element.attributes.name?.startsWith(prefix),
	);
	if (!found) {
		throw new Error(
			`no testcase starting with ${prefix}; have: ${testcases.map((t) => t.attributes.name).join(", ")}`,
		);
	}
	return found;
}

function properties(element: XmlElement): Record<string, string> {
	return Object.fromEntries(
		findAll(element, "property").map((property) => [
			property.attributes.name ?? "",
			property.attributes.value ?? "",
		]),
	);
}

describe("JUnit reporter on a fixture stage", () => {
	beforeAll(async () => {
		fixture = writeFixtureProject("probes", {
			"checks.test.ts": CHECKS,
			"broken.test.ts": `import "./missing-module.ts";\nimport { test } from "vitest";\ntest("never runs", () => {});\n`,
			"late.test.ts": `import { test } from "vitest";
test("IAM-TOKEN-ISSUED returns before its promise rejects", () => {
	setTimeout(() => { void Promise.reject(new Error("late rejection after the test body")); }, 5);
});
test("WAIT gives the rejection time to surface", async () => {
	await new Promise((resolve) => setTimeout(resolve, 200));
});
`,
		});
		run = await runFixtureProject(fixture, {
			// No request is sent: the endpoint only makes the token a valid
			// setting, so the reporter registers it as a secret to mask.
			MAAS_ENDPOINT: "http://127.0.0.1:9",
			MAAS_PROJECT_ID: "0123456789abcdef0123456789abcdef",
			MAAS_AUTH_TOKEN: SECRET,
			FORCE_COLOR: "1",
		});
		const xml = readFileSync(
			join(fixture.reportDir, "junit", "probes.xml"),
			"utf8",
		);
		const root = parseXml(xml);
		suite = findAll(root, "testsuite")[0] as XmlElement;
		testcases = findAll(root, "testcase");
	});

	afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

	test("vitest itself reports the failures (the run is not green)", () => {
		expect(run.exitCode).not.toBe(0);
	});

	test("writes valid XML with one testsuite named after the project", () => {
		expect(suite.attributes.name).toBe("probes");
		expect(Number(suite.attributes.tests)).toBe(testcases.length);
	});

	test("a check that names its spec file gets that file as its classname", () => {
		const listed = testcase("LIST-SCHEMA");
		expect(listed.attributes.classname).toBe("probes/specs/list.spec.ts");
		expect(properties(listed)).not.toHaveProperty("specFile");
	});

	test("a passing check carries the set task.meta fields as properties", () => {
		const passed = testcase("DELETE-204-EMPTY");
		expect(passed.attributes.classname).toBe("probes/checks.test.ts");
		expect(findAll(passed, "failure")).toHaveLength(0);
		expect(properties(passed)).toEqual({
			requirement: "DELETE-204-EMPTY",
			level: "MUST",
			source:
				"https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html",
			target: "http://127.0.0.1:1",
			status: "204",
			request_id: "req-1",
			alternative: "204",
			stage: "probes",
		});
	});

	test("unset meta fields produce no property; warning is one", () => {
		const warned = properties(testcase("LIST-QUOTA-DOCUMENTED"));
		expect(warned).toEqual({
			requirement: "LIST-QUOTA-DOCUMENTED",
			warning: "quantity_limit 12 is neither 10 nor 30",
			stage: "probes",
		});
	});

	test("a failure keeps the full text, without escapes, NUL or secret", () => {
		const failed = testcase("ERROR-BODY-SCHEMA");
		expect(properties(failed).error_code).toBe("ModelArts.6291");
		const [failure] = findAll(failed, "failure");
		const message = failure?.attributes.message ?? "";
		expect(message).toContain('expected error_code <string> & "more"');
		expect(message).toContain("second line with token ***");
		expect(failure?.text).toContain("second line with token ***");
		const raw = readFileSync(
			join(fixture.reportDir, "junit", "probes.xml"),
			"utf8",
		);
		expect(raw).not.toContain("[31m");
		expect(raw).not.toContain("\u001b");
		expect(raw).not.toContain("\u0000");
		expect(raw).not.toContain(SECRET);
	});

	test("an assertion failure includes the diff", () => {
		const [failure] = findAll(testcase("EDIT-APPLIES"), "failure");
		expect(failure?.attributes.type).toBe("AssertionError");
		expect(failure?.text).toContain('"remark": "new"');
		expect(failure?.text).not.toContain("\u001b");
	});

	test("a skipped test becomes <skipped/> and is counted", () => {
		expect(findAll(testcase("CONTROL-204-EMPTY"), "skipped")).toHaveLength(1);
		expect(Number(suite.attributes.skipped)).toBe(1);
	});

	test("a module that fails to load becomes a failing testcase", () => {
		const broken = testcase("GATE-MODULE-ERROR broken.test.ts");
		const [error] = findAll(broken, "error");
		expect(error?.attributes.message).toContain("missing-module.ts");
	});

	test("an unhandled rejection after a test returned becomes a failing testcase", () => {
		const unhandled = testcase(
			"GATE-UNHANDLED-ERROR late rejection after the test body",
		);
		expect(findAll(unhandled, "error")).toHaveLength(1);
		expect(unhandled.attributes.classname).toBe("probes/late.test.ts");
	});

	test("totals count failures and errors apart", () => {
		expect(suite.attributes.failures).toBe("2");
		expect(suite.attributes.errors).toBe("2");
	});

	test("the JSON sidecar holds the same testcases", () => {
		const sidecar = JSON.parse(
			readFileSync(join(fixture.reportDir, "junit", "probes.json"), "utf8"),
		) as StageReport;
		expect(sidecar.stage).toBe("probes");
		expect(sidecar.testcases.map((t) => t.name).sort()).toEqual(
			testcases.map((t) => t.attributes.name).sort(),
		);
	});
});

describe("JUnit reporter on a stage without test files", () => {
	test("still writes the stage file, with no testcase", async () => {
		const empty = writeFixtureProject("contracts", {});
		try {
			const result = await runFixtureProject(empty);
			expect(result.exitCode).not.toBe(0);
			const file = join(empty.reportDir, "junit", "contracts.xml");
			expect(existsSync(file)).toBe(true);
			const root = parseXml(readFileSync(file, "utf8"));
			expect(findAll(root, "testcase")).toHaveLength(0);
		} finally {
			rmSync(empty.root, { recursive: true, force: true });
		}
	});
});
