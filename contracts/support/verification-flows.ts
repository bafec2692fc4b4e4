/**
 * Request flows of the verify stage, for the run's request log. The
 * verifier checks one interaction at a time: its provider-state setups,
 * then the interaction's request, then the teardowns. Their requests form
 * one flow, named after the first provider state (`state:<name>`), or
 * after the request when the interaction has no state. The setups and the
 * request reach this process as separate calls from the verifier to its
 * proxy, so the flow is kept here instead of in the async context. Flow
 * names repeat when two interactions share a state; request ids do not.
 */
import { RequestFlow } from "../../src/client/request-flow.ts";

export const VERIFY_STAGE = "verify";

export class VerificationFlows {
	private current: RequestFlow | undefined;
	private phase: "setup" | "request" | "teardown" = "teardown";

	/** Returns the flow of a state setup: the current one while setups of the same interaction run, else a new one. */
	forSetup(state: string): RequestFlow {
		if (!this.current || this.phase !== "setup") {
			this.current = new RequestFlow(`state:${state}`, VERIFY_STAGE);
		}
		this.phase = "setup";
		return this.current;
	}

	/** Returns the flow of an interaction's request: the one its setups ran in, else a new one. */
	forRequest(label: string): RequestFlow {
		if (!this.current || this.phase !== "setup") {
			this.current = new RequestFlow(`interaction:${label}`, VERIFY_STAGE);
		}
		this.phase = "request";
		return this.current;
	}

	/** Returns the flow of a state teardown: the interaction's, which it follows. */
	forTeardown(state: string): RequestFlow {
		this.current ??= new RequestFlow(`state:${state}`, VERIFY_STAGE);
		this.phase = "teardown";
		return this.current;
	}
}

/** The flows of this process; the state handlers and the request filter share them. */
export const verificationFlows = new VerificationFlows();
