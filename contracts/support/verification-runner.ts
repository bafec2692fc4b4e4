/**
 * Verifies the interactions of the verify stage one after another in one
 * verification process, and keeps the stage in bounded time:
 *
 * - each interaction has a deadline; past it the process group is killed,
 *   that interaction fails, and the next one gets a new process;
 * - a process that crashes (pact-js's proxy on a 204 with a body) fails
 *   only the interaction in progress, and the next one gets a new process;
 * - the stage has a time budget; once it is spent the interaction in
 *   progress is stopped and every later one fails at once, naming the
 *   budget and how many requests timed out.
 */
import { redact } from "../../src/redact.ts";
import {
	interactionDeadlineMs,
	START_UP_LIMIT_MS,
	stageBudgetMs,
	verifierTimeoutMs,
} from "./verification-budget.ts";
import {
	failureText,
	type InteractionEnd,
	type InteractionStop,
	notVerifiedText,
	type VerificationOutcome,
} from "./verification-outcome.ts";
import { VerificationProcess } from "./verification-process.ts";

export interface VerificationRunnerOptions {
	/** The complete environment of the verification process (MAAS_* and basics). */
	env: Record<string, string>;
	requestTimeoutMs: number;
	/** Default `interactionDeadlineMs(requestTimeoutMs)`. */
	interactionDeadlineMs?: number;
	/** Default `stageBudgetMs(requestTimeoutMs)`, counted from construction. */
	stageBudgetMs?: number;
	/** Default START_UP_LIMIT_MS. */
	startUpLimitMs?: number;
	/** Timed-out requests the caller made itself, for the budget's message. */
	otherTimedOutRequests?: () => number;
	/**
	 * A process started earlier for the first interaction; used only when
	 * it was started with exactly `env`, else killed.
	 */
	startedProcess?: VerificationProcess;
}

export interface VerificationReport {
	passed: boolean;
	/** Failure text through `redact`; empty when the interaction verified. */
	message: string;
	/** The outcome the process reported; undefined when it reported none. */
	outcome: VerificationOutcome | undefined;
	end: InteractionEnd;
	/** The process (and process group) that verified it, if one ran. */
	pid: number | undefined;
}

export class VerificationRunner {
	readonly #options: VerificationRunnerOptions;
	readonly #startedAt = Date.now();
	readonly #budgetMs: number;
	readonly #deadlineMs: number;
	#process: VerificationProcess | undefined;
	#seq = 0;
	/** Timed out: requests the processes reported, and interactions killed. */
	#timedOut = 0;
	/** Set when a process could not start: no later one is tried. */
	#startFailure: string | undefined;

	constructor(options: VerificationRunnerOptions) {
		this.#options = options;
		this.#budgetMs =
			options.stageBudgetMs ?? stageBudgetMs(options.requestTimeoutMs);
		this.#deadlineMs =
			options.interactionDeadlineMs ??
			interactionDeadlineMs(options.requestTimeoutMs);
		const started = options.startedProcess;
		if (started && sameEnvironment(started.env, options.env)) {
			this.#process = started;
		} else {
			void started?.kill();
		}
	}

	/** Requests that timed out so far in the stage. */
	timedOutRequests(): number {
		return this.#timedOut + (this.#options.otherTimedOutRequests?.() ?? 0);
	}

	/** Starts the verification process, so the first interaction need not wait for it. */
	warmUp(): void {
		this.#process ??= new VerificationProcess(this.#options.env);
	}

	async verify(
		pactFile: string,
		description: string,
	): Promise<VerificationReport> {
		const end: InteractionEnd = {
			stop: undefined,
			exit: undefined,
			verifierTimeoutMs: verifierTimeoutMs(this.#options.requestTimeoutMs),
			output: "",
		};
		if (this.#budgetLeftMs() <= 0) {
			return this.#failed(
				notVerifiedText(description, this.#budgetMs, this.timedOutRequests()),
				end,
			);
		}
		if (this.#startFailure) {
			return this.#report(
				description,
				this.#couldNotRun(description, this.#startFailure),
				end,
			);
		}

		this.warmUp();
		const running = this.#process as VerificationProcess;
		const startLimit = this.#options.startUpLimitMs ?? START_UP_LIMIT_MS;
		const startBudget = this.#budgetLeftMs();
		const started = await running.waitReady(Math.min(startLimit, startBudget));
		if (!started.ready) {
			this.#process = undefined;
			end.output = started.output;
			if (started.timedOut && startBudget < startLimit) {
				end.stop = this.#budgetStop();
				return this.#report(description, undefined, end, running.pid);
			}
			this.#startFailure = started.reason;
			return this.#report(
				description,
				this.#couldNotRun(description, started.reason),
				end,
				running.pid,
			);
		}

		this.#seq += 1;
		const budgetLeft = this.#budgetLeftMs();
		const byBudget = budgetLeft < this.#deadlineMs;
		const result = await running.verify(
			{ seq: this.#seq, pactFile, description },
			Math.max(1, Math.min(this.#deadlineMs, budgetLeft)),
		);
		end.output = result.output;
		if (!running.alive) this.#process = undefined;
		switch (result.kind) {
			case "outcome":
				this.#timedOut += result.outcome.timedOutRequests ?? 0;
				// After a crash the process ends itself; the next interaction
				// starts a new one.
				if (result.outcome.crash) {
					await running.kill();
					this.#process = undefined;
				}
				return this.#report(description, result.outcome, end, running.pid);
			case "timeout":
				this.#timedOut += 1;
				this.#process = undefined;
				end.stop = byBudget
					? this.#budgetStop()
					: { kind: "deadline", afterMs: this.#deadlineMs };
				return this.#report(description, undefined, end, running.pid);
			case "exit":
				this.#process = undefined;
				end.exit = result.exit;
				return this.#report(description, undefined, end, running.pid);
		}
	}

	/** Ends the verification process. */
	async close(): Promise<void> {
		const running = this.#process;
		this.#process = undefined;
		await running?.stop();
	}

	#budgetLeftMs(): number {
		return this.#budgetMs - (Date.now() - this.#startedAt);
	}

	#budgetStop(): InteractionStop {
		return {
			kind: "budget",
			budgetMs: this.#budgetMs,
			timedOutRequests: this.timedOutRequests(),
		};
	}

	#couldNotRun(description: string, reason: string): VerificationOutcome {
		return { description, passed: false, stateFailures: [], error: reason };
	}

	#report(
		description: string,
		outcome: VerificationOutcome | undefined,
		end: InteractionEnd,
		pid?: number,
	): VerificationReport {
		const text = failureText(description, outcome, end);
		return {
			passed: text === undefined,
			message: text === undefined ? "" : redact(text),
			outcome,
			end: { ...end, output: redact(end.output) },
			pid,
		};
	}

	#failed(message: string, end: InteractionEnd): VerificationReport {
		return {
			passed: false,
			message: redact(message),
			outcome: undefined,
			end,
			pid: undefined,
		};
	}
}

function sameEnvironment(
	one: Readonly<Record<string, string>>,
	other: Readonly<Record<string, string>>,
): boolean {
	const keys = Object.keys(one);
	return (
		keys.length === Object.keys(other).length &&
		keys.every((key) => one[key] === other[key])
	);
}
