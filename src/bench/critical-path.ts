/**
 * The critical path of a run, from its request log: the longest chain of
 * requests, counted in requests, where each one waited for the response of
 * the one before (`after` edges, and optionally `queuedAfter` edges too).
 * Within a stage, chains run side by side and the longest counts. Stages
 * that ran one after another add up. Stages whose time spans overlap ran
 * side by side, so they form one phase, of which the longest counts.
 */

import type { LoggedRequest } from "../client/request-log.ts";

/** The fields of a log entry the critical path needs. */
export type PathEntry = Pick<
	LoggedRequest,
	"id" | "stage" | "after" | "queuedAfter" | "startMs" | "endMs"
>;

export interface PathOptions {
	/**
	 * Also follow `queuedAfter` edges: waits for an endpoint-budget slot or
	 * the live endpoint's lock. Default false (only `after`).
	 */
	withQueues?: boolean;
}

export interface StagePath {
	stage: string;
	/** Requests the stage sent. */
	requests: number;
	/** The longest chain within the stage, in order. */
	chain: string[];
	startMs: number;
	endMs: number;
}

export interface Phase {
	/** Stages of the phase, in the order they started. */
	stages: StagePath[];
	/** The longest chain of its stages. */
	length: number;
}

export interface CriticalPath {
	/** Requests on the critical path: the sum of the phases' lengths. */
	length: number;
	phases: Phase[];
	/** Ids of `after` or `queuedAfter` edges that name no entry of the log. */
	unknownIds: string[];
}

/**
 * Computes the critical path of `entries`. Edges to an id that is not in
 * the log or belongs to another stage are ignored (the unknown ones are
 * listed). Throws a TypeError on a cycle or a repeated id, which a log the
 * run wrote cannot have.
 */
export function criticalPath(
	entries: readonly PathEntry[],
	options: PathOptions = {},
): CriticalPath {
	const byId = new Map<string, PathEntry>();
	for (const entry of entries) {
		if (byId.has(entry.id)) {
			throw new TypeError(
				`request id ${JSON.stringify(entry.id)} appears twice in the log; each request must have its own id`,
			);
		}
		byId.set(entry.id, entry);
	}
	const unknown = new Set<string>();
	const edgesOf = (entry: PathEntry): PathEntry[] => {
		const ids = options.withQueues
			? [...entry.after, ...(entry.queuedAfter ?? [])]
			: entry.after;
		const found: PathEntry[] = [];
		for (const id of ids) {
			const before = byId.get(id);
			if (!before) unknown.add(id);
			else if (before.stage === entry.stage) found.push(before);
		}
		return found;
	};

	// Longest chain ending at each entry, found depth first with a memo.
	const longest = new Map<string, string[]>();
	const visiting = new Set<string>();
	const chainTo = (entry: PathEntry): string[] => {
		const known = longest.get(entry.id);
		if (known) return known;
		if (visiting.has(entry.id)) {
			throw new TypeError(
				`request ${JSON.stringify(entry.id)} waits for itself through its after edges; the log is not from one run`,
			);
		}
		visiting.add(entry.id);
		let best: string[] = [];
		for (const before of edgesOf(entry)) {
			const chain = chainTo(before);
			if (chain.length > best.length) best = chain;
		}
		visiting.delete(entry.id);
		const chain = [...best, entry.id];
		longest.set(entry.id, chain);
		return chain;
	};

	const stages = new Map<string, StagePath>();
	for (const entry of entries) {
		const chain = chainTo(entry);
		const stage = stages.get(entry.stage);
		if (!stage) {
			stages.set(entry.stage, {
				stage: entry.stage,
				requests: 1,
				chain,
				startMs: entry.startMs,
				endMs: entry.endMs,
			});
			continue;
		}
		stage.requests += 1;
		if (chain.length > stage.chain.length) stage.chain = chain;
		stage.startMs = Math.min(stage.startMs, entry.startMs);
		stage.endMs = Math.max(stage.endMs, entry.endMs);
	}

	const phases: Phase[] = [];
	let phaseEnd = Number.NEGATIVE_INFINITY;
	const ordered = [...stages.values()].sort(
		(a, b) => a.startMs - b.startMs || a.endMs - b.endMs,
	);
	for (const stage of ordered) {
		const last = phases[phases.length - 1];
		if (last && stage.startMs < phaseEnd) {
			last.stages.push(stage);
			last.length = Math.max(last.length, stage.chain.length);
		} else {
			phases.push({ stages: [stage], length: stage.chain.length });
		}
		phaseEnd = Math.max(phaseEnd, stage.endMs);
	}
	return {
		length: phases.reduce((sum, phase) => sum + phase.length, 0),
		phases,
		unknownIds: [...unknown],
	};
}
