/**
 * Which logical chain (flow) each request belongs to and which earlier
 * requests it waited for, for the run's request log (request-log.ts).
 *
 * A flow is carried by AsyncLocalStorage: `withFlow(name, work)` runs
 * `work` in a new flow, and every request sent inside it is recorded with
 * `after` = the flow's latest finished requests. A flow that awaits
 * another flow's result (a shared fixture) calls `follow(ids)` with that
 * flow's last requests. A flow that queued for a resource another flow
 * released calls `queuedBehind(ids)`. The transport (http.ts, wire.ts)
 * calls `trackRequest` for every request; without a log it records nothing.
 *
 * The log is the scope's (`withRequestLog`, used by the gate process) or,
 * in a stage process the gate started, the one the environment names.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { isMaasError } from "../errors.ts";
import { redact } from "../redact.ts";
import {
	type LoggedRequest,
	RequestLogFile,
	requestLogFromEnvironment,
} from "./request-log.ts";

/** Stage and flow of a request sent outside any flow. */
export const UNLABELLED = "unlabelled";

export class RequestFlow {
	readonly name: string;
	readonly stage: string;
	/** Finished (or followed) requests that no later request of the flow has followed yet. */
	private readonly frontier = new Set<string>();
	/** Releases the flow queued behind since its last request was sent. */
	private readonly queued = new Set<string>();

	constructor(name: string, stage: string) {
		this.name = name;
		this.stage = stage;
	}

	/** Ids of the flow's latest requests, which a request sent now would follow. */
	lastIds(): string[] {
		return [...this.frontier];
	}

	/** Makes the flow's next request follow `ids`, the last requests of a flow whose result it awaited. */
	follow(ids: readonly string[]): void {
		for (const id of ids) this.frontier.add(id);
	}

	/** Records that the flow waited for a resource the requests `ids` freed; the next request sent carries them. */
	queuedBehind(ids: readonly string[]): void {
		for (const id of ids) this.queued.add(id);
	}

	/** Takes the dependencies of a request being sent now. */
	start(): { after: string[]; queuedAfter: string[] | undefined } {
		const after = [...this.frontier];
		const queuedAfter = this.queued.size > 0 ? [...this.queued] : undefined;
		this.queued.clear();
		return { after, queuedAfter };
	}

	/** Records the end of a request of the flow, which replaces what it followed. */
	finish(id: string, after: readonly string[]): void {
		for (const earlier of after) this.frontier.delete(earlier);
		this.frontier.add(id);
	}
}

interface Scope {
	log: RequestLogFile | undefined;
	/** Origins whose requests are logged; undefined: every request. */
	origins: Set<string> | undefined;
	flow: RequestFlow;
}

const storage = new AsyncLocalStorage<Scope>();
const PROCESS_TAG = randomBytes(3).toString("hex");
let counter = 0;
/** undefined: not looked up yet; null: this process has no log. */
let processScope: Scope | null | undefined;

function defaultScope(): Scope | undefined {
	if (processScope === undefined) {
		const target = requestLogFromEnvironment();
		processScope = target
			? {
					log: new RequestLogFile(target.path),
					origins: target.origins,
					flow: new RequestFlow(UNLABELLED, UNLABELLED),
				}
			: null;
	}
	return processScope ?? undefined;
}

function scope(): Scope | undefined {
	return storage.getStore() ?? defaultScope();
}

/**
 * Runs `work` with requests logged to `log`, in a flow named after `stage`.
 * With `origins`, only requests to those origins are logged.
 */
export function withRequestLog<T>(
	log: RequestLogFile,
	stage: string,
	work: () => T,
	origins?: Iterable<string>,
): T {
	return storage.run(
		{
			log,
			origins: origins === undefined ? undefined : new Set(origins),
			flow: new RequestFlow(stage, stage),
		},
		work,
	);
}

/** Runs `work` in a new flow; `stage` defaults to the current flow's stage. */
export function withFlow<T>(name: string, work: () => T, stage?: string): T {
	const current = scope();
	const flow = new RequestFlow(
		name,
		stage ?? current?.flow.stage ?? UNLABELLED,
	);
	return storage.run(
		{ log: current?.log, origins: current?.origins, flow },
		work,
	);
}

/** Runs `work` in an existing flow, for a chain whose steps are not one async call. */
export function inFlow<T>(flow: RequestFlow, work: () => T): T {
	const current = scope();
	return storage.run(
		{ log: current?.log, origins: current?.origins, flow },
		work,
	);
}

/** Returns the flow that requests sent now belong to, if any. */
export function currentFlow(): RequestFlow | undefined {
	return scope()?.flow;
}

export interface RequestResult {
	/** The response status, when a response came. */
	status?: number;
	/** The error the request threw, if it threw; a string is taken as the error code. */
	error?: unknown;
}

/** The destination of a request. */
export interface RequestTarget {
	/** The server's origin; undefined when the caller knows it is the region. */
	origin?: string;
	/** Path and query as sent. */
	path: string;
}

/**
 * Starts the record of one request and returns the function that ends it.
 * The entry is appended when that function is first called; later calls do
 * nothing. `flow` defaults to the current one. Nothing is recorded without
 * a log, or for a request to a server that is not the region.
 */
export function trackRequest(
	method: string,
	target: RequestTarget,
	flow?: RequestFlow,
): (result: RequestResult) => void {
	const current = scope();
	const log = current?.log ?? defaultScope()?.log;
	const owner = flow ?? current?.flow;
	const origins = current?.origins;
	const elsewhere =
		target.origin !== undefined &&
		origins !== undefined &&
		!origins.has(target.origin);
	if (!log || !owner || elsewhere) return () => undefined;
	const { path } = target;

	counter += 1;
	const id = `${PROCESS_TAG}.${counter}`;
	const { after, queuedAfter } = owner.start();
	const startMs = Date.now();
	let ended = false;

	return (result) => {
		if (ended) return;
		ended = true;
		owner.finish(id, after);
		const status = result.status ?? statusOf(result.error);
		const entry: LoggedRequest = {
			id,
			stage: owner.stage,
			flow: owner.name,
			after,
			...(queuedAfter ? { queuedAfter } : {}),
			method,
			path: redact(path),
			status: status ?? null,
			...(result.error !== undefined ? { error: errorCode(result.error) } : {}),
			startMs,
			endMs: Date.now(),
		};
		log.append(entry);
	};
}

/** Returns the status an error carries, such as a ProtocolError about a response. */
function statusOf(error: unknown): number | undefined {
	const status = (error as { status?: unknown } | undefined)?.status;
	return typeof status === "number" ? status : undefined;
}

function errorCode(error: unknown): string {
	if (typeof error === "string") return error;
	if (isMaasError(error)) return error.code;
	if (error instanceof Error) {
		const code = (error as NodeJS.ErrnoException).code;
		return typeof code === "string" ? code : error.name;
	}
	return "unknown";
}
