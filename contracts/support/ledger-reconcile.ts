/**
 * Brings the ledger in line with the region after a verification process
 * ended, whatever way it ended. A process that crashed or was killed never
 * ran its teardown, and an interaction may have created or deleted an
 * endpoint behind the ledger's back. For every name the verify stage
 * reserved that is not yet recorded as deleted, the region's list decides:
 * listed -> record it as created if needed and delete it; not listed ->
 * record a created one as deleted. Only names this run reserved are
 * looked at, so nothing of anyone else is touched.
 *
 * The stage verifies in lanes, so after one interaction only the names
 * that lane reserved are reconciled: the other lane may be using its
 * endpoint right now. At the end of the stage every name is.
 */
import type { MaasClient } from "../../src/client/index.ts";
import {
	inFlow,
	RequestFlow,
	withFlow,
} from "../../src/client/request-flow.ts";
import type { Ledger, LedgerEntry } from "../../src/probe/ledger.ts";
import { VERIFY_STAGE } from "./verification-flows.ts";

/** The flow of the stage's clean-up requests. */
export const RECONCILE_FLOW = "verify:reconcile";

export interface ReconcileOptions {
	/**
	 * Only these names (the ones a lane reserved); default every name the
	 * stage reserved.
	 */
	names?: Iterable<string>;
	/** The flow its requests are logged in; default a new RECONCILE_FLOW. */
	flow?: RequestFlow;
}

export interface LedgerReconciler {
	/**
	 * Deletes what is still alive; returns one sentence per failure. An
	 * endpoint whose delete failed once is reported once and not tried
	 * again: a region that never answers would cost a request timeout per
	 * call, and the gate's cleanup tries it again at the end.
	 */
	reconcile(options?: ReconcileOptions): Promise<string[]>;
	/**
	 * Returns those of `names` the region may still hold an endpoint of:
	 * created and not deleted, or reserved and not yet seen unused, or
	 * whose clean-up failed.
	 */
	unsettled(names: Iterable<string>): string[];
}

/**
 * Creates a reconciler for the run of `ledger`. The ledger reads its file
 * on every call, so it reads what the verification processes recorded.
 * Names already in it when the reconciler is made belong to earlier stages
 * and are left alone.
 */
export function createLedgerReconciler(options: {
	client: MaasClient;
	ledger: Ledger;
	namePrefix: string;
}): LedgerReconciler {
	const { client, ledger } = options;
	const runNamePrefix = `${options.namePrefix}${ledger.runId}-`;
	const earlier = new Set(ledger.entries().map((entry) => entry.name));
	/** Reserved names already found unused in the region. */
	const unused = new Set<string>();
	/** Names whose clean-up failed and was reported. */
	const failed = new Set<string>();

	function pending(only?: ReadonlySet<string>): LedgerEntry[] {
		return ledger
			.entries()
			.filter(
				(entry) =>
					(only === undefined || only.has(entry.name)) &&
					!earlier.has(entry.name) &&
					!failed.has(entry.name) &&
					entry.name.startsWith(runNamePrefix) &&
					(entry.state === "created" ||
						(entry.state === "reserved" && !unused.has(entry.name))),
			);
	}

	async function reconcile(only?: ReadonlySet<string>): Promise<string[]> {
		const open = pending(only);
		if (open.length === 0) return [];
		const failures: string[] = [];
		let listed: Array<{ id: string; endpoint_name: string }>;
		try {
			listed = (await client.listEndpoints()).body.items;
		} catch (error) {
			return [
				`could not list endpoints to clean up ${open.map((entry) => entry.name).join(", ")}: ${(error as Error).message}`,
			];
		}
		for (const entry of open) {
			const found = listed.find((item) => item.endpoint_name === entry.name);
			try {
				if (!found) {
					if (entry.state === "created" && entry.id) {
						ledger.recordDeleted(entry.id);
					} else {
						unused.add(entry.name);
					}
					continue;
				}
				if (entry.id !== found.id || entry.state !== "created") {
					ledger.recordCreated(entry.name, found.id);
				}
				await client.deleteEndpoint(found.id);
				ledger.recordDeleted(found.id);
			} catch (error) {
				failed.add(entry.name);
				failures.push(
					`could not clean up endpoint ${entry.name}: ${(error as Error).message}`,
				);
			}
		}
		return failures;
	}

	return {
		reconcile: (options = {}) => {
			const only =
				options.names === undefined ? undefined : new Set(options.names);
			const run = () => reconcile(only);
			return options.flow
				? inFlow(options.flow, run)
				: withFlow(RECONCILE_FLOW, run, VERIFY_STAGE);
		},
		unsettled: (names) => {
			const only = new Set(names);
			const open = new Set(pending(only).map((entry) => entry.name));
			return [...only].filter((name) => open.has(name) || failed.has(name));
		},
	};
}

/** Returns a new flow for the clean-up requests of one lane. */
export function reconcileFlow(): RequestFlow {
	return new RequestFlow(RECONCILE_FLOW, VERIFY_STAGE);
}
