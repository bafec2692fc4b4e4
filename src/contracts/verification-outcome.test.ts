/**
 * The failure text of a verification names what went wrong in each way a
 * verification can end.
 */
import { describe, expect, test } from "vitest";
import {
	budgetSpentText,
	failureText,
	type InteractionEnd,
	notVerifiedText,
	stripAnsi,
	type VerificationOutcome,
} from "../../contracts/support/verification-outcome.ts";

const END: InteractionEnd = {
	stop: undefined,
	exit: undefined,
	verifierTimeoutMs: 9000,
	output: "\u001b[31mFAILED\u001b[0m details",
};

function outcome(fields: Partial<VerificationOutcome>): VerificationOutcome {
	return {
		description: "delete an existing endpoint",
		passed: false,
		stateFailures: [],
		...fields,
	};
}

describe("verification failure text", () => {
	test("is undefined for a verified interaction", () => {
		expect(failureText("x", outcome({ passed: true }), END)).toBeUndefined();
	});

	test("fails a passed outcome of an interaction that was stopped", () => {
		expect(
			failureText("x", outcome({ passed: true }), {
				...END,
				stop: { kind: "deadline", afterMs: 1000 },
			}),
		).toBeDefined();
	});

	test("names the interaction's deadline and the 204 hint", () => {
		const text = failureText("delete an existing endpoint", undefined, {
			...END,
			stop: { kind: "deadline", afterMs: 50000 },
		});
		expect(text).toMatch(
			/^provider verification of "delete an existing endpoint" did not finish within 50000 ms and was stopped; the region may have sent a body on a 204/,
		);
	});

	test("names the spent stage budget and the timed-out requests", () => {
		const text = failureText("delete an existing endpoint", undefined, {
			...END,
			stop: { kind: "budget", budgetMs: 56000, timedOutRequests: 7 },
		});
		expect(text).toMatch(
			/^provider verification of "delete an existing endpoint" was stopped: the stage's time budget of 56000 ms ran out after 7 timed-out requests; .*MAAS_REQUEST_TIMEOUT_MS/,
		);
	});

	test("says an interaction not started was not verified, and why", () => {
		expect(notVerifiedText("list endpoints", 56000, 1)).toMatch(
			/^"list endpoints" not verified: the stage's time budget of 56000 ms ran out after 1 timed-out request; /,
		);
		expect(budgetSpentText(1000, 0)).toBe(
			"the stage's time budget of 1000 ms ran out after 0 timed-out requests",
		);
	});

	test("names a crash of the verifier's proxy", () => {
		const text = failureText(
			"delete an existing endpoint",
			outcome({ crash: "Parse Error: Data after `Connection: close`" }),
			END,
		);
		expect(text).toContain("crashed: Parse Error");
		expect(text).toContain("the region may have sent a body on a 204");
	});

	test("lists state failures, mismatches, request errors and notes", () => {
		const text = failureText(
			"delete an existing endpoint",
			outcome({
				stateFailures: [
					'provider state "an endpoint exists" setup failed: boom',
				],
				notes: ["the delete of n failed but the endpoint is gone"],
				verifier: {
					result: false,
					errors: [
						{
							interaction: "i",
							mismatch: {
								type: "mismatches",
								mismatches: [
									{
										type: "StatusMismatch",
										mismatch: "expected 204 but was 200",
									},
									{
										type: "BodyMismatch",
										path: "$.error_code",
										expected: "a",
										actual: "b",
									},
								],
							},
						},
						{
							interaction: "i",
							mismatch: {
								type: "error",
								message: "error sending request for url (http://x)",
							},
						},
					],
				},
			}),
			END,
		);
		expect(text).toContain(
			'- provider state "an endpoint exists" setup failed: boom',
		);
		expect(text).toContain("- StatusMismatch: expected 204 but was 200");
		expect(text).toContain(
			'- BodyMismatch at $.error_code: expected "a" but was "b"',
		);
		expect(text).toContain("no complete answer within the verifier's 9000 ms");
		expect(text).toContain("- note: the delete of n failed");
		expect(text).toContain("verifier output:\nFAILED details");
	});

	test("names a process that ended without an outcome", () => {
		expect(
			failureText("x", undefined, {
				...END,
				exit: { code: 7, signal: null },
			}),
		).toContain("ended with code 7 without reporting its outcome");
		expect(
			failureText("x", undefined, {
				...END,
				exit: { code: null, signal: "SIGSEGV" },
			}),
		).toContain("ended with signal SIGSEGV without reporting its outcome");
	});

	test("strips ANSI sequences whole", () => {
		expect(stripAnsi("\u001b[1mbold\u001b[0m \u001b[?25lx")).toBe("bold x");
	});
});
