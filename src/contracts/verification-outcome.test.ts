/**
 * The failure text of a verification names what went wrong in each way a
 * verification can end.
 */
import { describe, expect, test } from "vitest";
import {
	failureText,
	type ProcessEnd,
	stripAnsi,
	type VerificationOutcome,
} from "../../contracts/support/verification-outcome.ts";

const END: ProcessEnd = {
	pid: 4242,
	exitCode: 1,
	signal: null,
	timedOutAfterMs: undefined,
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
		expect(
			failureText("x", outcome({ passed: true }), { ...END, exitCode: 0 }),
		).toBeUndefined();
	});

	test("fails a passed outcome from a process that exited non-zero", () => {
		expect(failureText("x", outcome({ passed: true }), END)).toBeDefined();
	});

	test("names the hard timeout and the 204 hint", () => {
		const text = failureText("delete an existing endpoint", undefined, {
			...END,
			exitCode: null,
			signal: "SIGKILL",
			timedOutAfterMs: 50000,
		});
		expect(text).toMatch(
			/^provider verification of "delete an existing endpoint" did not finish within 50000 ms and was stopped; the region may have sent a body on a 204/,
		);
	});

	test("names a crash of the verifier's proxy", () => {
		const text = failureText(
			"delete an existing endpoint",
			outcome({ crash: "Parse Error: Data after `Connection: close`" }),
			{ ...END, exitCode: null, signal: "SIGKILL" },
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

	test("names a process that left no outcome", () => {
		expect(failureText("x", undefined, { ...END, exitCode: 7 })).toContain(
			"ended with code 7 without writing its outcome",
		);
	});

	test("strips ANSI sequences whole", () => {
		expect(stripAnsi("\u001b[1mbold\u001b[0m \u001b[?25lx")).toBe("bold x");
	});
});
