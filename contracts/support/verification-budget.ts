/**
 * The waits of the verify stage, all derived from the request timeout
 * (MAAS_REQUEST_TIMEOUT_MS). A region that never responds therefore ends
 * the stage in bounded time, with a report for every interaction:
 *
 * - the verifier waits `verifierTimeoutMs` for each request it sends, the
 *   provider-state calls included;
 * - one interaction (state setup, request, state teardown) may take
 *   `interactionDeadlineMs`; then its process is killed and the
 *   interaction fails;
 * - all interactions together may take `stageBudgetMs`; once it is spent,
 *   the interaction in progress is stopped and the remaining ones fail at
 *   once, never pass or skip.
 */
import { stageTimeoutFor } from "../../src/cli/stage-timeout.ts";

/**
 * Returns the verifier's timeout for each request it sends. A state setup
 * makes up to three requests to the region, each within the request
 * timeout, so the verifier waits for three.
 */
export function verifierTimeoutMs(requestTimeoutMs: number): number {
	return 3 * requestTimeoutMs;
}

/** Time the verifier itself may add to an interaction (proxy, matching). */
const VERIFIER_ALLOWANCE_MS = 5_000;

/**
 * Returns how long one interaction may take before its process is killed:
 * the state setup, the request and the state teardown, each within the
 * verifier's timeout, plus an allowance for the verifier itself.
 */
export function interactionDeadlineMs(requestTimeoutMs: number): number {
	return 3 * verifierTimeoutMs(requestTimeoutMs) + VERIFIER_ALLOWANCE_MS;
}

/**
 * Time a new verification process may take to load Node, tsx and Pact and
 * report that it is ready. It sends nothing to the region, so the request
 * timeout does not apply.
 */
export const START_UP_LIMIT_MS = 60_000;

/** Time for starting the verification processes, restarts included. */
const STAGE_ALLOWANCE_MS = 20_000;

/**
 * Returns the time all interactions of the stage may take together: 12
 * request timeouts plus an allowance for starting processes. It is at most
 * three quarters of the gate's default stage limit, so the stage reports
 * every interaction before the gate would kill it.
 */
export function stageBudgetMs(requestTimeoutMs: number): number {
	return Math.min(
		12 * requestTimeoutMs + STAGE_ALLOWANCE_MS,
		Math.floor(0.75 * stageTimeoutFor(requestTimeoutMs)),
	);
}
