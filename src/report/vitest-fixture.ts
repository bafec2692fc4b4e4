import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Test support: a throw-away vitest project in a temp folder, run in a child
 * process through our JUnit reporter, the same way the gate runs a stage.
 */

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const VITEST_ENTRY = join(
	PROJECT_ROOT,
	"node_modules",
	"vitest",
	"vitest.mjs",
);
export const REPORTER_PATH = join(
	PROJECT_ROOT,
	"src",
	"report",
	"junit-reporter.ts",
);

export interface FixtureProject {
	root: string;
	reportDir: string;
}

/**
 * Writes `files` (relative path -> content) and a vitest config. `projects`
 * is one project name (including every `*.test.ts`) or a map from project
 * name to its include glob, or to its vitest options with `include`.
 */
export function writeFixtureProject(
	projects: string | Record<string, string | Record<string, unknown>>,
	files: Record<string, string>,
): FixtureProject {
	const root = mkdtempSync(join(tmpdir(), "maas-fixture-"));
	const entries =
		typeof projects === "string"
			? [[projects, "**/*.test.ts"] as const]
			: Object.entries(projects);
	const config = {
		test: {
			projects: entries.map(([name, options]) => ({
				test:
					typeof options === "string"
						? { name, include: [options] }
						: { name, ...options },
			})),
		},
	};
	writeFileSync(
		join(root, "vitest.config.mjs"),
		`export default ${JSON.stringify(config, null, 2)};\n`,
	);
	for (const [path, content] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), content);
	}
	return { root, reportDir: join(root, "reports") };
}

export interface FixtureRun {
	exitCode: number | null;
	output: string;
}

/** Runs the fixture project through the reporter (and `dot`), in a child. */
export function runFixtureProject(
	fixture: FixtureProject,
	env: Record<string, string> = {},
): Promise<FixtureRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				VITEST_ENTRY,
				"run",
				"--root",
				fixture.root,
				`--reporter=${REPORTER_PATH}`,
				"--reporter=dot",
			],
			{
				cwd: fixture.root,
				env: {
					PATH: process.env.PATH ?? "",
					HOME: process.env.HOME ?? fixture.root,
					MAAS_REPORT_DIR: fixture.reportDir,
					MAAS_ENV_FILE: "none",
					...env,
				},
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		let output = "";
		child.stdout.on("data", (chunk) => {
			output += chunk;
		});
		child.stderr.on("data", (chunk) => {
			output += chunk;
		});
		child.once("error", reject);
		child.once("close", (exitCode) => resolve({ exitCode, output }));
	});
}
