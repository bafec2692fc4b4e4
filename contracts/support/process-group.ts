/**
 * Children that may hang (a verifier stuck on a region that never
 * responds) are started in a process group of their own, so one kill ends
 * them and everything they started.
 */

/** Kills the process group led by `pid`; a group already gone is fine. */
export function killGroup(pid: number | undefined): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, "SIGKILL");
	} catch {
		// Already gone.
	}
}
