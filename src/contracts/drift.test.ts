/**
 * The committed pact files are exactly what the consumer tests generate:
 * the consumer tests run in a child process into an empty folder and the
 * result is compared with contracts/pacts, ignoring tool versions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runConsumerTests } from "../../contracts/support/consumer-run.ts";
import {
	describeDifferences,
	diffPacts,
} from "../../contracts/support/pact-diff.ts";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
	type PactDocument,
	readPactFile,
} from "../../contracts/support/pact-file.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-drift-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("pact drift", () => {
	test("committed pacts match a fresh consumer run", {
		timeout: 180_000,
	}, async () => {
		const pactDir = join(workDir, "pacts");
		const run = await runConsumerTests({
			pactDir,
			reportDir: join(workDir, "reports"),
		});
		expect(run.timedOut, run.output).toBe(false);
		expect(run.exitCode, run.output).toBe(0);

		const generated = listPactFiles(pactDir);
		const committed = listPactFiles(COMMITTED_PACT_DIR);
		expect(
			generated.map((file) => basename(file)),
			'pact file names differ; run "npm run contracts:update" and commit contracts/pacts',
		).toEqual(committed.map((file) => basename(file)));
		const reports: string[] = [];
		for (const file of committed) {
			const fresh = join(pactDir, basename(file));
			const differences = diffPacts(readPactFile(file), readPactFile(fresh));
			if (differences.length > 0) {
				reports.push(describeDifferences(file, differences));
			}
		}
		if (reports.length > 0) throw new Error(reports.join("\n\n"));
	});
});

describe("pact comparison", () => {
	const [file] = listPactFiles(COMMITTED_PACT_DIR);
	const original = (): PactDocument => readPactFile(file as string);

	test("ignores the versions of the tools that wrote the file", () => {
		const changed = original();
		changed.metadata = {
			...changed.metadata,
			"pact-js": { version: "99.0.0" },
			pactRust: { ffi: "9.9.9", models: "9.9.9" },
		};
		expect(diffPacts(original(), changed)).toEqual([]);
	});

	test("ignores the order of interactions and of keys", () => {
		const changed = original();
		changed.interactions.reverse();
		const [first] = changed.interactions;
		if (!first) throw new Error("the committed pact has no interaction");
		const { description, ...rest } = first;
		changed.interactions[0] = { ...rest, description };
		expect(diffPacts(original(), changed)).toEqual([]);
	});

	test("reports a changed interaction with its lines and how to update", () => {
		const changed = original();
		const target = changed.interactions.find(
			(item) => item.description === "delete an existing endpoint",
		);
		if (!target)
			throw new Error("no interaction 'delete an existing endpoint'");
		target.response.status = 200;
		const differences = diffPacts(original(), changed);
		expect(differences.map((d) => [d.kind, d.subject])).toEqual([
			["changed", "delete an existing endpoint"],
		]);
		const text = describeDifferences("pact.json", differences);
		expect(text).toContain('changed: "delete an existing endpoint"');
		expect(text).toMatch(/^ {2}- +"status": 204,?$/m);
		expect(text).toMatch(/^ {2}\+ +"status": 200,?$/m);
		expect(text).toContain("npm run contracts:update");
	});

	test("reports a removed and an added interaction", () => {
		const changed = original();
		const removed = changed.interactions.shift();
		const added = structuredClone(changed.interactions[0]);
		if (!removed || !added) throw new Error("the committed pact is too small");
		added.description = "a new interaction";
		changed.interactions.push(added);
		const differences = diffPacts(original(), changed);
		expect(differences.map((d) => [d.kind, d.subject])).toEqual([
			["removed", removed.description],
			["added", "a new interaction"],
		]);
	});

	test("reports another consumer or specification version", () => {
		const changed = original();
		changed.consumer = { name: "someone-else" };
		changed.metadata = {
			...changed.metadata,
			pactSpecification: { version: "3.0.0" },
		};
		expect(diffPacts(original(), changed).map((d) => d.subject)).toEqual([
			"consumer",
			"metadata",
		]);
	});
});
