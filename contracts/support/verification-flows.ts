/**
 * Request flows of the verify stage, for the run's request log. A
 * verification process checks one interaction at a time: its
 * provider-state setups, then the interaction's request, then the
 * teardowns. Their requests form one flow, named after the first provider
 * state (`state:<name>`), or after the request when the interaction has no
 * state. The setups and the request reach this process as separate calls
 * from the verifier to its proxy, so the flow is kept here instead of in
 * the async context. Flow names repeat when two interactions share a
 * state; request ids do not.
 *
 * The stage verifies in lanes (`lane-limits.ts`), each with a process of
 * its own, so each process's flows are the chain of one lane. An
 * interaction that waited for its lane starts with `queuedAfter` edges to
 * the requests that freed it. The critical path with queue waits therefore
 * reads each lane as one chain, and the lanes as side by side.
 */
import { RequestFlow } from "../../src/client/request-flow.ts";

export const VERIFY_STAGE = "verify";

/** A flow that reports each finished request to its owner. */
class InteractionFlow extends RequestFlow {
	readonly #finished: () => void;

	constructor(name: string, finished: () => void) {
		super(name, VERIFY_STAGE);
		this.#finished = finished;
	}

	override finish(id: string, after: readonly string[]): void {
		super.finish(id, after);
		this.#finished();
	}
}

export class VerificationFlows {
	private current: RequestFlow | undefined;
	private phase: "setup" | "request" | "teardown" = "teardown";
	/** Flows of the interaction in progress. */
	private flows: RequestFlow[] = [];
	/** Requests that freed the lane for the interaction in progress, recorded by its first flow. */
	private queued: readonly string[] = [];
	/** Called with `lastRequestIds()` after each finished request. */
	onRequestFinished: ((ids: string[]) => void) | undefined;

	/**
	 * Begins the next interaction: its first request starts a new flow,
	 * which records `queuedAfter`, the requests whose end freed the lane.
	 */
	startInteraction(queuedAfter: readonly string[] = []): void {
		this.current = undefined;
		this.phase = "teardown";
		this.flows = [];
		this.queued = [...queuedAfter];
	}

	/** Ids of the latest finished requests of the interaction in progress. */
	lastRequestIds(): string[] {
		return [...new Set(this.flows.flatMap((flow) => flow.lastIds()))];
	}

	/** Returns the flow of a state setup: the current one while setups of the same interaction run, else a new one. */
	forSetup(state: string): RequestFlow {
		if (!this.current || this.phase !== "setup") {
			this.current = this.newFlow(`state:${state}`);
		}
		this.phase = "setup";
		return this.current;
	}

	/** Returns the flow of an interaction's request: the one its setups ran in, else a new one. */
	forRequest(label: string): RequestFlow {
		if (!this.current || this.phase !== "setup") {
			this.current = this.newFlow(`interaction:${label}`);
		}
		this.phase = "request";
		return this.current;
	}

	/** Returns the flow of a state teardown: the interaction's, which it follows. */
	forTeardown(state: string): RequestFlow {
		this.current ??= this.newFlow(`state:${state}`);
		this.phase = "teardown";
		return this.current;
	}

	private newFlow(name: string): RequestFlow {
		const flow = new InteractionFlow(name, () =>
			this.onRequestFinished?.(this.lastRequestIds()),
		);
		if (this.flows.length === 0 && this.queued.length > 0) {
			flow.queuedBehind(this.queued);
		}
		this.flows.push(flow);
		return flow;
	}
}

/** The flows of this process; the state handlers and the request filter share them. */
export const verificationFlows = new VerificationFlows();
