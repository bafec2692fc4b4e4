import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readStageReport } from "../report/stage-files.ts";
import type { StageReport } from "../report/stage-report.ts";
import {
	type FixtureProject,
	PROJECT_ROOT,
	runFixtureProject,
	writeFixtureProject,
} from "../report/vitest-fixture.ts";

/**
 * loadSpecFile in a throw-away probes project: one module loads two spec
 * files, one of which throws at import.
 */

const PROBE_MODULE = join(PROJECT_ROOT, "src", "probe", "probe.ts");

const ENTRY = `
import { fileURLToPath } from "node:url";
import { describe } from "vitest";
import { loadSpecFile } from ${JSON.stringify(PROBE_MODULE)};

for (const name of ["broken.spec.ts", "list.spec.ts"]) {
	const path = fileURLToPath(new URL(\`./\${name}\`, import.meta.url));
	describe.concurrent(name, () => loadSpecFile(path, \`specs/\${name}\`));
}
`;

const LIST_SPEC = `
import { probe } from ${JSON.stringify(PROBE_MODULE)};
probe("LIST-SCHEMA", async () => {});
`;

const BROKEN_SPEC = `
import { probe } from ${JSON.stringify(PROBE_MODULE)};
probe("NO-SUCH-REQUIREMENT", async () => {});
`;

let fixture: FixtureProject;
let report: StageReport | undefined;

beforeAll(async () => {
	fixture = writeFixtureProject(
		{ probes: "entry.test.ts" },
		{
			"entry.test.ts": ENTRY,
			"list.spec.ts": LIST_SPEC,
			"broken.spec.ts": BROKEN_SPEC,
		},
	);
	await runFixtureProject(fixture);
	report = readStageReport(fixture.reportDir, "probes");
}, 120_000);

afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

describe("loadSpecFile", () => {
	test("broken file becomes one failing testcase", () => {
		const broken = report?.testcases.filter((testcase) =>
			testcase.name.startsWith("PROBES-SPEC-FILE"),
		);
		expect(broken).toHaveLength(1);
		expect(broken?.[0]?.name).toBe(
			"PROBES-SPEC-FILE specs/broken.spec.ts failed to load",
		);
		expect(broken?.[0]?.outcome).not.toBe("passed");
		expect(broken?.[0]?.message).toContain("NO-SUCH-REQUIREMENT");
		expect(broken?.[0]?.classname).toBe("probes/specs/broken.spec.ts");
	});

	test("other files' checks still register", () => {
		const listed = report?.testcases.find((testcase) =>
			testcase.name.startsWith("LIST-SCHEMA"),
		);
		expect(listed?.classname).toBe("probes/specs/list.spec.ts");
	});
});
