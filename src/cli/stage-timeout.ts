/**
 * The gate's default limit per stage. A stage over it is killed and fails
 * as a whole, so each stage keeps its own time budget below this limit.
 */

/** 20 request timeouts per stage, at least 2 minutes, at most 30 minutes. */
export function stageTimeoutFor(requestTimeoutMs: number): number {
	return Math.min(Math.max(20 * requestTimeoutMs, 120_000), 1_800_000);
}
