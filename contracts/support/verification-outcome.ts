/**
 * The outcome of one interaction's verification, as the verification
 * process (`verification-worker.ts`) reports it, and the failure text a
 * testcase shows for it. The verifier's JSON result is the one pact-core
 * returns from `pactffi_verifier_json`.
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
	/** Requests to the region (by the states or the verifier) that timed out. */
	timedOutRequests?: number;
}

/** The reason the runner stopped an interaction before its process reported it. */
export type InteractionStop =
	/** The interaction's own deadline passed; the process was killed. */
	| { kind: "deadline"; afterMs: number }
	/** The stage's time budget ran out; the process was killed. */
	| { kind: "budget"; budgetMs: number; timedOutRequests: number };

/** The end of an interaction, as the test process observed it. */
export interface InteractionEnd {
	/** Undefined when the process reported an outcome in time. */
	stop: InteractionStop | undefined;
	/** Set when the process ended without reporting an outcome. */
	exit: { code: number | null; signal: string | null } | undefined;
	/** The verifier's own timeout for each request it sends. */
	verifierTimeoutMs: number;
	/** stdout and stderr of the process during the interaction. */
	output: string;
}

/**
 * Returns the reason of a spent stage budget, for example "the stage's
 * time budget of 56000 ms ran out after 7 timed-out requests".
 */
export function budgetSpentText(
	budgetMs: number,
	timedOutRequests: number,
): string {
	const requests = timedOutRequests === 1 ? "request" : "requests";
	return `the stage's time budget of ${budgetMs} ms ran out after ${timedOutRequests} timed-out ${requests}`;
}

/** The fix for a spent budget, appended to its message. */
const BUDGET_HINT =
	"a region that leaves requests unanswered must be fixed, one that answers slowly needs a larger MAAS_REQUEST_TIMEOUT_MS";

/**
 * Returns the failure text of an interaction that was never started
 * because the stage's time budget was already spent.
 */
export function notVerifiedText(
	description: string,
	budgetMs: number,
	timedOutRequests: number,
): string {
	return `${JSON.stringify(description)} not verified: ${budgetSpentText(budgetMs, timedOutRequests)}; ${BUDGET_HINT}`;
}

/** Matches ANSI colour and cursor sequences. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every ANSI sequence.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
	return text.replace(ANSI, "");
}

/**
 * Returns the failure text of one interaction, or undefined when it
 * verified. It lists what went wrong (a stop, a crash, state failures, each
 * mismatch), then the process's own output for the details.
 */
export function failureText(
	description: string,
	outcome: VerificationOutcome | undefined,
	end: InteractionEnd,
): string | undefined {
	if (outcome?.passed && !end.stop && !end.exit) {
		return undefined;
	}
	const lines: string[] = [];
	const subject = `provider verification of ${JSON.stringify(description)}`;
	if (end.stop?.kind === "deadline") {
		lines.push(
			`${subject} did not finish within ${end.stop.afterMs} ms and was stopped; the region may have sent a body on a 204 or never answered`,
		);
	} else if (end.stop?.kind === "budget") {
		lines.push(
			`${subject} was stopped: ${budgetSpentText(end.stop.budgetMs, end.stop.timedOutRequests)}; ${BUDGET_HINT}`,
		);
	} else if (outcome?.crash) {
		lines.push(
			`${subject} crashed: ${outcome.crash}; the region may have sent a body on a 204`,
		);
	} else if (outcome?.error) {
		lines.push(`${subject} could not run: ${outcome.error}`);
	} else if (!outcome) {
		const ending = end.exit?.signal
			? `signal ${end.exit.signal}`
			: `code ${end.exit?.code ?? "unknown"}`;
		lines.push(`${subject} ended with ${ending} without reporting its outcome`);
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

/** Returns true for a verifier error about a request that got no complete response. */
export function isRequestError(error: VerifierError): boolean {
	return (
		!Array.isArray(error.mismatch.mismatches) &&
		String(error.mismatch.message ?? "").includes("error sending request")
	);
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
	const hint = isRequestError(error)
		? ` (no complete answer within the verifier's ${timeoutMs} ms, or the connection broke)`
		: "";
	return [`- ${message}${hint}`];
}
