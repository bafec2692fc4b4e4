import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { StageNotReleasedError } from "./errors.ts";
import {
	releaseStage,
	waitForRelease,
	waitingMarkerOf,
	whenProcessEnds,
} from "./stage-release.ts";

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
	}
});

function releaseFile(): string {
	const dir = mkdtempSync(join(tmpdir(), "maas-release-"));
	dirs.push(dir);
	return join(dir, "nested", "probes.release");
}

/** Starts a process that exits at once and returns its pid after it has. */
async function exitedPid(): Promise<number> {
	const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
	await new Promise((resolve) => child.once("exit", resolve));
	if (child.pid === undefined) throw new Error("the child got no pid");
	return child.pid;
}

describe("held stages", () => {
	test("wait ends once the file exists", async () => {
		const file = releaseFile();
		let released = false;
		const waiting = waitForRelease({ file, gatePid: process.pid }).then(() => {
			released = true;
		});
		// Several polls go by without the file.
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(released).toBe(false);
		// The marker shows the gate that the stage has loaded and waits.
		expect(existsSync(waitingMarkerOf(file))).toBe(true);
		releaseStage(file);
		expect(existsSync(file)).toBe(true);
		await waiting;
		expect(released).toBe(true);
	});

	test("earlier release ends the wait at once", async () => {
		const file = releaseFile();
		releaseStage(file);
		await expect(
			waitForRelease({ file, gatePid: process.pid }),
		).resolves.toBeUndefined();
	});

	test("whenProcessEnds fires after the exit", async () => {
		const pid = await exitedPid();
		await new Promise<void>((resolve) => whenProcessEnds(pid, resolve, 10));
		let calls = 0;
		const stop = whenProcessEnds(process.pid, () => calls++, 10);
		await new Promise((resolve) => setTimeout(resolve, 50));
		stop();
		expect(calls).toBe(0);
	});

	test("wait fails once the gate exits", async () => {
		const file = releaseFile();
		const pid = await exitedPid();
		const error = await waitForRelease({ file, gatePid: pid }).catch(
			(caught) => caught,
		);
		expect(error).toBeInstanceOf(StageNotReleasedError);
		expect(error.code).toBe("MAAS_STAGE_NOT_RELEASED");
		expect(error.message).toContain(`process ${pid}`);
		expect(error.message).toContain(file);
	});
});
