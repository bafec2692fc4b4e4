/**
 * The outcome of one interaction's verification, as `verify-one.ts` writes
 * it, and the failure text a testcase shows for it. The verifier's JSON
 * result is the one pact-core returns from `pactffi_verifier_json`.
 */

export interface VerifierMismatch {
	type: string;
	mismatch?: string;
	expected?: unknown;
	actual?: unknown;
	path?: string;
	key?: string;
}

export interface VerifierError {
	interaction: string;
	/** "mismatches" with a list, or "error" with a message. */
	mismatch: { type: string; mismatches?: VerifierMismatch[]; message?: string };
}

export interface VerifierResult {
	result: boolean;
	errors: VerifierError[];
	output?: string[];
	interactionResults?: Array<{ description: string; result: string }>;
}

export interface VerificationOutcome {
	description: string;
	passed: boolean;
	/** Provider-state setups and teardowns that failed. */
	stateFailures: string[];
	/** Problems in a state that did not fail it. */
	notes?: string[];
	verifier?: VerifierResult;
	/** The reason the verification could not start or run. */
	error?: string;
	/** The reason the process crashed. */
	crash?: string;
}

/** The end of the verification process, as the test process observed it. */
export interface ProcessEnd {
	/** Also the id of its process group. */
	pid: number | undefined;
	exitCode: number | null;
	signal: string | null;
	/** The hard timeout killed the process. */
	timedOutAfterMs: number | undefined;
	/** The verifier's own timeout for each request it sends. */
	verifierTimeoutMs: number;
	/** stdout and stderr of the process, interleaved as received. */
	output: string;
}

/**
 * Returns the verifier's timeout for each request it sends, state-change
 * calls included. A state setup makes up to three requests to the region,
 * each within the request timeout, so the verifier must wait for three.
 */
export function verifierTimeoutMs(requestTimeoutMs: number): number {
	return 3 * requestTimeoutMs;
}

/** Matches ANSI colour and cursor sequences. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every ANSI sequence.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
	return text.replace(ANSI, "");
}

/**
 * Returns the failure text of one interaction, or undefined when it
 * verified. It lists what went wrong (timeout, crash, state failures, each
 * mismatch), then the process's own output for the details.
 */
export function failureText(
	description: string,
	outcome: VerificationOutcome | undefined,
	end: ProcessEnd,
): string | undefined {
	if (outcome?.passed && end.exitCode === 0) {
		return undefined;
	}
	const lines: string[] = [];
	const subject = `provider verification of ${JSON.stringify(description)}`;
	if (end.timedOutAfterMs !== undefined) {
		lines.push(
			`${subject} did not finish within ${end.timedOutAfterMs} ms and was stopped; the region may have sent a body on a 204 or never answered`,
		);
	} else if (outcome?.crash) {
		lines.push(
			`${subject} crashed: ${outcome.crash}; the region may have sent a body on a 204`,
		);
	} else if (outcome?.error) {
		lines.push(`${subject} could not run: ${outcome.error}`);
	} else if (!outcome) {
		const ending = end.signal ? `signal ${end.signal}` : `code ${end.exitCode}`;
		lines.push(`${subject} ended with ${ending} without writing its outcome`);
	} else {
		lines.push(`${subject} failed:`);
	}
	for (const failure of outcome?.stateFailures ?? []) {
		lines.push(`- ${failure}`);
	}
	for (const error of outcome?.verifier?.errors ?? []) {
		lines.push(...describeVerifierError(error, end.verifierTimeoutMs));
	}
	for (const note of outcome?.notes ?? []) {
		lines.push(`- note: ${note}`);
	}
	const output = stripAnsi(end.output).trim();
	if (output) {
		lines.push("", "verifier output:", output);
	}
	return lines.join("\n");
}

function describeVerifierError(
	error: VerifierError,
	timeoutMs: number,
): string[] {
	const { mismatch } = error;
	if (Array.isArray(mismatch.mismatches)) {
		return mismatch.mismatches.map((item) => {
			const where = item.path ?? item.key;
			const text =
				item.mismatch ??
				`expected ${JSON.stringify(item.expected)} but was ${JSON.stringify(item.actual)}`;
			return `- ${item.type}${where ? ` at ${where}` : ""}: ${text}`;
		});
	}
	const message = stripAnsi(
		String(mismatch.message ?? JSON.stringify(mismatch)),
	);
	const hint = message.includes("error sending request")
		? ` (no complete answer within the verifier's ${timeoutMs} ms, or the connection broke)`
		: "";
	return [`- ${message}${hint}`];
}
