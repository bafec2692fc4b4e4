/**
 * The verify stage's time limits follow from the request timeout and fit
 * inside each other: an interaction's deadline covers the verifier's
 * waits, and the stage's budget ends before the gate would kill the stage.
 */
import { describe, expect, test } from "vitest";
import {
	interactionDeadlineMs,
	stageBudgetMs,
	verifierTimeoutMs,
} from "../../contracts/support/verification-budget.ts";
import { stageTimeoutFor } from "../cli/stage-timeout.ts";

/** The range MAAS_REQUEST_TIMEOUT_MS accepts, and values in between. */
const REQUEST_TIMEOUTS = [
	100, 1000, 3000, 5000, 30_000, 60_000, 90_000, 150_000, 600_000,
];

describe("verify stage time limits", () => {
	test("verifier timeout: three request timeouts", () => {
		expect(verifierTimeoutMs(3000)).toBe(9000);
	});

	test("interaction deadline: covers three verifier waits", () => {
		for (const timeout of REQUEST_TIMEOUTS) {
			expect(interactionDeadlineMs(timeout)).toBeGreaterThan(
				3 * verifierTimeoutMs(timeout),
			);
		}
	});

	test("stage budget: below the gate's stage limit", () => {
		for (const timeout of REQUEST_TIMEOUTS) {
			expect(stageBudgetMs(timeout)).toBeLessThanOrEqual(
				0.75 * stageTimeoutFor(timeout),
			);
		}
	});

	test("stage budget: 12 request timeouts and 20 s", () => {
		expect(stageBudgetMs(3000)).toBe(56_000);
		expect(stageBudgetMs(30_000)).toBe(380_000);
	});
});
