import {
	existsSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { type StageRunOptions, startStage } from "./stage-runner.ts";

/**
 * startStage with a stand-in for vitest: a plain Node script that behaves
 * like a held stage (creates the waiting marker, waits for the release
 * file) and then either exits or hangs.
 */

const dir = mkdtempSync(join(tmpdir(), "maas-stage-runner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAKE_STAGE = join(dir, "fake-stage.mjs");
writeFileSync(
	FAKE_STAGE,
	`import { existsSync, writeFileSync } from "node:fs";
const file = process.env.MAAS_STAGE_RELEASE_FILE;
if (file) {
	writeFileSync(file + ".waiting", "");
	while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 10));
	console.log("fake stage released");
}
if (process.env.FAKE_AFTER === "hang") setInterval(() => {}, 1000);
`,
);

let count = 0;
function options(
	after: "exit" | "hang",
	overrides: Partial<StageRunOptions> = {},
): StageRunOptions & { releaseFile: string } {
	count += 1;
	const releaseFile = join(dir, `stage-${count}.release`);
	return {
		stage: "probes",
		root: dir,
		vitestEntry: FAKE_STAGE,
		reporterPath: join(dir, "unused-reporter.ts"),
		env: {
			PATH: process.env.PATH ?? "",
			MAAS_STAGE_RELEASE_FILE: releaseFile,
			FAKE_AFTER: after,
		},
		logFile: join(dir, `stage-${count}.log`),
		timeoutMs: 300,
		killGraceMs: 200,
		releaseFile,
		...overrides,
	};
}

async function untilExists(file: string): Promise<void> {
	while (!existsSync(file)) {
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe("held stages", () => {
	test("no timeout while held", async () => {
		const stage = options("exit");
		const running = startStage(stage);
		await untilExists(`${stage.releaseFile}.waiting`);
		// Held for longer than the 300 ms timeout.
		await new Promise((resolve) => setTimeout(resolve, 800));
		running.release();
		const result = await running.result;
		expect(result.timedOut).toBe(false);
		expect(result.exitCode).toBe(0);
		expect(result.heldMs).toBeGreaterThan(0);
		expect(result.heldMs).toBeLessThanOrEqual(result.durationMs);
		const log = readFileSync(stage.logFile, "utf8");
		expect(log).toContain("waits for its release");
		expect(log).toContain("fake stage released");
	});

	test("timeout runs from the release", async () => {
		const stage = options("hang");
		const running = startStage(stage);
		await untilExists(`${stage.releaseFile}.waiting`);
		running.release();
		const result = await running.result;
		expect(result.timedOut).toBe(true);
		expect(readFileSync(stage.logFile, "utf8")).toContain("exceeded 300 ms");
	});

	test("stopped stage is never released", async () => {
		const stage = options("exit");
		const running = startStage(stage);
		running.stop();
		running.release();
		const result = await running.result;
		expect(result.stopped).toBe(true);
		expect(existsSync(stage.releaseFile)).toBe(false);
	});

	test("unheld stage runs at once", async () => {
		const stage = options("exit", { env: { PATH: process.env.PATH ?? "" } });
		const { releaseFile: _unused, ...unheld } = stage;
		const result = await startStage(unheld).result;
		expect(result.exitCode).toBe(0);
		expect(result.heldMs).toBe(0);
	});
});
