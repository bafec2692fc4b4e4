/**
 * Verifies the interactions of the verify stage in LANE_COUNT lanes at
 * once (`verification-lane.ts`), one interaction at a time per lane, and
 * keeps the stage in bounded time:
 *
 * - each interaction waits for a free lane, first come first served, and
 *   has a deadline once its lane sends it. Past the deadline the lane's
 *   process group is killed and that interaction fails. The lane's next
 *   interaction gets a new process;
 * - a process that crashes (pact-js's proxy on a 204 with a body) fails
 *   only its lane's interaction in progress;
 * - the stage has one time budget for all lanes, counted from the
 *   runner's construction. Once it is spent, the interactions in progress
 *   are stopped, and every later one fails at once, naming the budget and
 *   how many requests timed out;
 * - once a process could not start, no other is started. Lanes without a
 *   process retire, and when none is left the remaining interactions fail
 *   at once with that reason.
 *
 * After each interaction, still holding the lane, the runner has the lane
 * reconcile the ledger for the names that lane reserved. A lane left
 * holding an endpoint it could not delete retires while another lane is
 * still working, so it never holds a second one; the last lane goes on,
 * and its provider states refuse to create while it holds one.
 */
import { redact } from "../../src/redact.ts";
import { LANE_COUNT } from "./lane-limits.ts";
import type { LedgerReconciler } from "./ledger-reconcile.ts";
import {
	interactionDeadlineMs,
	START_UP_LIMIT_MS,
	stageBudgetMs,
	verifierTimeoutMs,
} from "./verification-budget.ts";
import {
	couldNotRun,
	type LaneStage,
	VerificationLane,
	type VerificationReport,
	verificationReport,
} from "./verification-lane.ts";
import {
	type InteractionEnd,
	type InteractionStop,
	notVerifiedText,
} from "./verification-outcome.ts";
import type { VerificationProcess } from "./verification-process.ts";

export type { VerificationReport } from "./verification-lane.ts";

export interface VerificationRunnerOptions {
	/** The complete environment of the verification processes (MAAS_* and basics). */
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
	/** Lanes verifying at once; default LANE_COUNT. */
	lanes?: number;
	/**
	 * Processes started earlier, at most one per lane; those started with
	 * exactly `env` are used, the others killed.
	 */
	startedProcesses?: readonly VerificationProcess[];
	/** Cleans up after each interaction in its lane; default no clean-up. */
	reconciler?: LedgerReconciler;
}

interface Grant {
	/** Undefined when every lane is retired. */
	lane: VerificationLane | undefined;
	/** The interaction waited for the lane to be freed. */
	waited: boolean;
}

export class VerificationRunner {
	readonly #options: VerificationRunnerOptions;
	readonly #startedAt = Date.now();
	readonly #budgetMs: number;
	readonly #lanes: VerificationLane[];
	readonly #busy = new Set<VerificationLane>();
	readonly #waiting: Array<(grant: Grant) => void> = [];
	#seq = 0;
	/** Timed out: requests the processes reported, and interactions killed. */
	#timedOut = 0;
	#startFailure: string | undefined;

	constructor(options: VerificationRunnerOptions) {
		this.#options = options;
		this.#budgetMs =
			options.stageBudgetMs ?? stageBudgetMs(options.requestTimeoutMs);
		const laneCount = options.lanes ?? LANE_COUNT;
		if (!Number.isInteger(laneCount) || laneCount < 1) {
			throw new TypeError(
				`verification lane count ${laneCount} is invalid; use an integer of at least 1`,
			);
		}
		const usable = (options.startedProcesses ?? []).filter((started) => {
			if (sameEnvironment(started.env, options.env)) return true;
			void started.kill();
			return false;
		});
		for (const extra of usable.splice(laneCount)) void extra.kill();
		const stage = this.#laneStage();
		this.#lanes = Array.from(
			{ length: laneCount },
			(_, index) => new VerificationLane(index, stage, usable[index]),
		);
	}

	/** Requests that timed out so far in the stage. */
	timedOutRequests(): number {
		return this.#timedOut + (this.#options.otherTimedOutRequests?.() ?? 0);
	}

	/** Starts every lane's process, so the first interactions need not wait for them. */
	warmUp(): void {
		for (const lane of this.#lanes) lane.warmUp();
	}

	/**
	 * Verifies one interaction in the first free lane, waiting for one if
	 * all are busy, and cleans up after it in that lane.
	 */
	async verify(
		pactFile: string,
		description: string,
	): Promise<VerificationReport> {
		if (this.#budgetLeftMs() <= 0) return this.#notVerified(description);
		const { lane, waited } = await this.#acquire();
		if (!lane) {
			return verificationReport(
				description,
				couldNotRun(
					description,
					this.#startFailure ?? "no verification lane is left",
				),
				this.#end(),
			);
		}
		try {
			// The budget may have run out while the interaction waited.
			if (this.#budgetLeftMs() <= 0) return this.#notVerified(description);
			const report = await lane.verify(
				pactFile,
				description,
				waited ? lane.frontier : [],
			);
			const reconciler = this.#options.reconciler;
			if (reconciler) {
				report.cleanup = await lane.cleanUp(reconciler);
				if (lane.heldNames.length > 0 && this.#activeLanes() > 1) {
					await lane.retire();
				}
			}
			// The next process loads while the next interaction is handed the lane.
			if (this.#waiting.length > 0) lane.warmUp();
			return report;
		} finally {
			this.#release(lane);
		}
	}

	/** Ends every lane's process. */
	async close(): Promise<void> {
		await Promise.all(this.#lanes.map((lane) => lane.close()));
	}

	#laneStage(): LaneStage {
		const { requestTimeoutMs } = this.#options;
		return {
			env: this.#options.env,
			deadlineMs:
				this.#options.interactionDeadlineMs ??
				interactionDeadlineMs(requestTimeoutMs),
			startUpLimitMs: this.#options.startUpLimitMs ?? START_UP_LIMIT_MS,
			verifierTimeoutMs: verifierTimeoutMs(requestTimeoutMs),
			budgetLeftMs: () => this.#budgetLeftMs(),
			budgetStop: () => this.#budgetStop(),
			countTimedOut: (count) => {
				this.#timedOut += count;
			},
			startFailure: () => this.#startFailure,
			recordStartFailure: (reason) => {
				this.#startFailure ??= reason;
			},
			nextSeq: () => {
				this.#seq += 1;
				return this.#seq;
			},
		};
	}

	#activeLanes(): number {
		return this.#lanes.filter((lane) => !lane.retired).length;
	}

	#freeLane(): VerificationLane | undefined {
		return this.#lanes.find((lane) => !lane.retired && !this.#busy.has(lane));
	}

	#acquire(): Promise<Grant> {
		const free = this.#freeLane();
		if (free && this.#waiting.length === 0) {
			this.#busy.add(free);
			return Promise.resolve({ lane: free, waited: false });
		}
		if (this.#activeLanes() === 0) {
			return Promise.resolve({ lane: undefined, waited: false });
		}
		return new Promise((resolve) => this.#waiting.push(resolve));
	}

	/** Frees `lane` and hands the free lanes to the interactions waiting, in order. */
	#release(lane: VerificationLane): void {
		this.#busy.delete(lane);
		while (this.#waiting.length > 0) {
			const free = this.#freeLane();
			if (free) {
				this.#busy.add(free);
				this.#waiting.shift()?.({ lane: free, waited: true });
			} else if (this.#activeLanes() === 0) {
				this.#waiting.shift()?.({ lane: undefined, waited: true });
			} else {
				return;
			}
		}
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

	#end(): InteractionEnd {
		return {
			stop: undefined,
			exit: undefined,
			verifierTimeoutMs: verifierTimeoutMs(this.#options.requestTimeoutMs),
			output: "",
		};
	}

	#notVerified(description: string): VerificationReport {
		return {
			...verificationReport(description, undefined, this.#end()),
			passed: false,
			message: redact(
				notVerifiedText(description, this.#budgetMs, this.timedOutRequests()),
			),
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
