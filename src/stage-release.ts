/**
 * A held stage: the gate starts a stage's process before the stage may use
 * the region, so that loading vitest and the test modules overlaps the
 * stage before it. The stage sends nothing until the gate creates its
 * release file. A stage whose gate has exited stops waiting, so a gate
 * killed outright leaves no process waiting for ever.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const POLL_MS = 10;

/** Creates `file`, which releases the stage waiting on it. */
export function releaseStage(file: string): void {
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, "");
}

export class StageNotReleasedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "StageNotReleasedError";
	}
}

/**
 * Waits until `file` exists. Rejects with StageNotReleasedError when the
 * process `gatePid` exits first.
 */
export async function waitForRelease(
	file: string,
	gatePid: number | undefined,
): Promise<void> {
	while (!existsSync(file)) {
		if (gatePid !== undefined && !isRunning(gatePid)) {
			throw new StageNotReleasedError(
				`the gate (process ${gatePid}) exited before it released this stage (${file}); the checks were not run`,
			);
		}
		await sleep(POLL_MS);
	}
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
