/**
 * A held stage: the gate starts a stage's process before the stage may use
 * the region, so that loading vitest and the test modules overlaps the
 * stage before it. The stage sends nothing until the gate creates its
 * release file. A stage whose gate has exited stops waiting, so a gate
 * killed outright leaves no process waiting for ever. A waiting stage
 * creates `<release file>.waiting`, so the gate can tell it has loaded.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StageNotReleasedError } from "./errors.ts";

const POLL_MS = 10;

/** The release a held stage waits for. */
export interface StageRelease {
	file: string;
	/** The gate's process id. */
	gatePid: number;
}

/** Returns the stage's release when the gate holds it, else undefined. */
export function stageReleaseOf(config: {
	stageReleaseFile: string | undefined;
	gatePid: number | undefined;
}): StageRelease | undefined {
	const { stageReleaseFile: file, gatePid } = config;
	return file === undefined || gatePid === undefined
		? undefined
		: { file, gatePid };
}

/** Returns the file a held stage creates once it waits for `releaseFile`. */
export function waitingMarkerOf(releaseFile: string): string {
	return `${releaseFile}.waiting`;
}

/** Creates `file`, which releases the stage waiting on it. */
export function releaseStage(file: string): void {
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, "");
}

/**
 * Waits until `file` exists. Rejects with StageNotReleasedError when the
 * process `gatePid` exits first.
 */
export async function waitForRelease({
	file,
	gatePid,
}: StageRelease): Promise<void> {
	if (existsSync(file)) return;
	try {
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(waitingMarkerOf(file), "");
	} catch {
		// The marker only shows the gate that the stage has loaded, and the
		// release works without it.
	}
	while (!existsSync(file)) {
		if (!isRunning(gatePid)) {
			throw new StageNotReleasedError(
				`the gate (process ${gatePid}) exited before it released this stage (${file}); the checks were not run`,
			);
		}
		await sleep(POLL_MS);
	}
}

/**
 * Calls `onGone` once the process `pid` has exited, checking every
 * `intervalMs`. The check does not keep the process alive. The returned
 * function stops the check.
 */
export function whenProcessEnds(
	pid: number,
	onGone: () => void,
	intervalMs = 1000,
): () => void {
	const timer = setInterval(() => {
		if (isRunning(pid)) return;
		clearInterval(timer);
		onGone();
	}, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}
