/**
 * The one test module of the probes project. It loads every `*.spec.ts`
 * file of this folder, each in a concurrent suite named after it, so the
 * checks of all files run side by side. vitest runs the files of a worker
 * one after another, so each file would otherwise wait for every file
 * before it. The checks still wait where they must (shared fixtures, the
 * endpoint budget, the live endpoint's lock), and the JUnit report names
 * each check's own spec file as its class.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "vitest";
import { PROJECT_ROOT } from "../src/config/index.ts";
import { loadSpecFile } from "../src/probe/probe.ts";

const SPEC_FOLDER = fileURLToPath(new URL(".", import.meta.url));

const specFiles = readdirSync(SPEC_FOLDER)
	.filter((name) => name.endsWith(".spec.ts"))
	.sort();

if (specFiles.length === 0) {
	test("PROBES-SPEC-FILES the spec files of the probes", () => {
		throw new Error(`no *.spec.ts files in ${SPEC_FOLDER}`);
	});
}

for (const name of specFiles) {
	const path = join(SPEC_FOLDER, name);
	describe.concurrent(name, () =>
		loadSpecFile(path, relative(PROJECT_ROOT, path)),
	);
}
