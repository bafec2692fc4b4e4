/**
 * One lane of the verify stage: a verification process that verifies one
 * interaction at a time, and the endpoints that interaction made. The
 * runner (`verification-runner.ts`) hands each interaction to a free lane.
 * Within its lane an interaction keeps the guarantees the stage had with a
 * single process:
 *
 * - its deadline: past it the lane's process group is killed, the
 *   interaction fails, and the lane's next interaction gets a new process;
 * - a crash (pact-js's proxy on a 204 with a body) fails only the
 *   interaction in progress, and the lane gets a new process;
 * - a process that cannot start fails the interaction and retires the
 *   lane: it starts no other process;
 * - the stage's time budget, shared with the other lanes, caps the
 *   deadline and the start-up wait.
 *
 * After each interaction the lane reconciles the ledger for the names it
 * reserved, and only those: the other lane may be using its endpoint. A
 * name whose endpoint it could not delete stays held by the lane and is
 * sent with the next command, so the provider states refuse to make a
 * second one in the same lane.
 */
import type { RequestFlow } from "../../src/client/request-flow.ts";
import { redact } from "../../src/redact.ts";
import { type LedgerReconciler, reconcileFlow } from "./ledger-reconcile.ts";
import {
	failureText,
	type InteractionEnd,
	type InteractionStop,
	type VerificationOutcome,
} from "./verification-outcome.ts";
import { VerificationProcess } from "./verification-process.ts";

/** Limits, budget and counters the lanes of one stage share, provided by the runner. */
export interface LaneStage {
	/** The complete environment of every verification process. */
	readonly env: Record<string, string>;
	readonly deadlineMs: number;
	readonly startUpLimitMs: number;
	readonly verifierTimeoutMs: number;
	/** Time left of the stage's budget; zero or less once it is spent. */
	budgetLeftMs(): number;
	/** The stop of an interaction the spent budget ended. */
	budgetStop(): InteractionStop;
	/** Adds requests (or interactions) that timed out. */
	countTimedOut(count: number): void;
	/**
	 * Returns why a process of the stage could not start. Once it is set, no
	 * lane starts another process, because a start-up that failed or timed
	 * out once would most likely fail again.
	 */
	startFailure(): string | undefined;
	recordStartFailure(reason: string): void;
	/** Returns the next command number, unique within the stage. */
	nextSeq(): number;
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
	/** The lane that verified it (0, 1, ...); undefined when none did. */
	lane: number | undefined;
	/** Endpoint names the interaction reserved. */
	names: string[];
	/** Clean-up failures after the interaction, through `redact`. */
	cleanup: string[];
}

export class VerificationLane {
	/** The lane's number, 0 for the first. */
	readonly index: number;
	readonly #stage: LaneStage;
	#process: VerificationProcess | undefined;
	#retired = false;
	/** Every name the lane's interactions reserved in the stage. */
	readonly #names: string[] = [];
	/** Names the lane could not clean up; they count as its endpoints. */
	#held: string[] = [];
	/** Ids of the latest requests of the lane, which a wait for it follows. */
	#frontier: string[] = [];

	constructor(index: number, stage: LaneStage, started?: VerificationProcess) {
		this.index = index;
		this.#stage = stage;
		this.#process = started;
	}

	/** A retired lane takes no more interactions. */
	get retired(): boolean {
		return this.#retired;
	}

	/** Names the lane could not clean up; their endpoints may still be alive. */
	get heldNames(): readonly string[] {
		return this.#held;
	}

	/** Ids of the requests whose end frees the lane. */
	get frontier(): readonly string[] {
		return this.#frontier;
	}

	/**
	 * Starts the lane's process unless it has one, the lane is retired, or
	 * a process of the stage could not start.
	 */
	warmUp(): void {
		if (this.#retired || this.#stage.startFailure() !== undefined) return;
		this.#process ??= new VerificationProcess(this.#stage.env);
	}

	/** Retires the lane and ends its process. */
	async retire(): Promise<void> {
		this.#retired = true;
		await this.close();
	}

	/**
	 * Verifies one interaction in the lane's process; `queuedAfter` are the
	 * requests it waited for, recorded on its first request.
	 */
	async verify(
		pactFile: string,
		description: string,
		queuedAfter: readonly string[],
	): Promise<VerificationReport> {
		const end: InteractionEnd = {
			stop: undefined,
			exit: undefined,
			verifierTimeoutMs: this.#stage.verifierTimeoutMs,
			output: "",
		};
		this.warmUp();
		const running = this.#process;
		if (!running) {
			// Another lane's process could not start; this lane starts none.
			this.#retired = true;
			const reason = this.#stage.startFailure() ?? "the lane is retired";
			return this.#report(
				description,
				couldNotRun(description, reason),
				end,
				undefined,
				[],
			);
		}
		const startLimit = this.#stage.startUpLimitMs;
		const startBudget = this.#stage.budgetLeftMs();
		const started = await running.waitReady(Math.min(startLimit, startBudget));
		if (!started.ready) {
			this.#process = undefined;
			end.output = started.output;
			if (started.timedOut && startBudget < startLimit) {
				end.stop = this.#stage.budgetStop();
				return this.#report(description, undefined, end, running.pid, []);
			}
			this.#stage.recordStartFailure(started.reason);
			this.#retired = true;
			return this.#report(
				description,
				couldNotRun(description, started.reason),
				end,
				running.pid,
				[],
			);
		}

		const budgetLeft = this.#stage.budgetLeftMs();
		const byBudget = budgetLeft < this.#stage.deadlineMs;
		const result = await running.verify(
			{
				seq: this.#stage.nextSeq(),
				pactFile,
				description,
				heldNames: [...this.#held],
				queuedAfter: [...queuedAfter],
			},
			Math.max(1, Math.min(this.#stage.deadlineMs, budgetLeft)),
		);
		const { names, lastRequestIds } = result.trace;
		this.#names.push(...names);
		// Without a request of its own, the interaction leaves the lane's
		// earlier requests as the ones a wait for the lane follows.
		if (lastRequestIds.length > 0) this.#frontier = lastRequestIds;
		end.output = result.output;
		if (!running.alive) this.#process = undefined;
		switch (result.kind) {
			case "outcome":
				this.#stage.countTimedOut(result.outcome.timedOutRequests ?? 0);
				// After a crash the process ends itself; the lane's next
				// interaction starts a new one.
				if (result.outcome.crash) {
					await running.kill();
					this.#process = undefined;
				}
				return this.#report(
					description,
					result.outcome,
					end,
					running.pid,
					names,
				);
			case "timeout":
				this.#stage.countTimedOut(1);
				this.#process = undefined;
				end.stop = byBudget
					? this.#stage.budgetStop()
					: { kind: "deadline", afterMs: this.#stage.deadlineMs };
				return this.#report(description, undefined, end, running.pid, names);
			case "exit":
				this.#process = undefined;
				end.exit = result.exit;
				return this.#report(description, undefined, end, running.pid, names);
		}
	}

	/**
	 * Deletes what the lane's interactions left alive, and nothing of the
	 * other lanes; returns one sentence per failure. The names it could not
	 * settle stay held by the lane.
	 */
	async cleanUp(reconciler: LedgerReconciler): Promise<string[]> {
		const flow: RequestFlow = reconcileFlow();
		flow.queuedBehind(this.#frontier);
		const failures = await reconciler.reconcile({ names: this.#names, flow });
		const ids = flow.lastIds();
		if (ids.length > 0) this.#frontier = ids;
		this.#held = reconciler.unsettled(this.#names);
		return failures.map((line) => redact(line));
	}

	/** Ends the lane's process, if it has one. */
	async close(): Promise<void> {
		const running = this.#process;
		this.#process = undefined;
		await running?.stop();
	}

	#report(
		description: string,
		outcome: VerificationOutcome | undefined,
		end: InteractionEnd,
		pid: number | undefined,
		names: string[],
	): VerificationReport {
		return {
			...verificationReport(description, outcome, end),
			pid,
			lane: this.index,
			names: [...names],
		};
	}
}

/**
 * Returns the report of an interaction from its outcome and end, with no
 * process, lane or names; the failure text and output pass through `redact`.
 */
export function verificationReport(
	description: string,
	outcome: VerificationOutcome | undefined,
	end: InteractionEnd,
): VerificationReport {
	const text = failureText(description, outcome, end);
	return {
		passed: text === undefined,
		message: text === undefined ? "" : redact(text),
		outcome,
		end: { ...end, output: redact(end.output) },
		pid: undefined,
		lane: undefined,
		names: [],
		cleanup: [],
	};
}

/** Returns the outcome of an interaction that could not run for `reason`. */
export function couldNotRun(
	description: string,
	reason: string,
): VerificationOutcome {
	return { description, passed: false, stateFailures: [], error: reason };
}
