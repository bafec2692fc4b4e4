/**
 * The run's request log, `<report dir>/requests.jsonl`: one JSON line per
 * request the run sent to the region, written with a synchronous append
 * when the request ended. The gate and its stage processes append to the
 * same file; an append of one short line is not interleaved with another.
 * A line contains no secret: no header, no body, and the path passes
 * through `redact`.
 */

import {
	appendFileSync,
	mkdirSync,
	readFileSync,
	writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";

export const REQUEST_LOG_FILE = "requests.jsonl";

export interface LoggedRequest {
	/** Unique within the run: a tag of the sending process and a counter. */
	id: string;
	/** The part of the run that sent it: gate, preflight, verify, probes, ... */
	stage: string;
	/** The logical chain it belongs to: a probe check, a fixture, a provider state. */
	flow: string;
	/**
	 * Ids of the requests whose responses this one needed: the previous
	 * requests of its flow and the last requests of every fixture its flow
	 * awaited before sending it.
	 */
	after: string[];
	/**
	 * Ids of the requests whose responses freed what this one queued for
	 * before it could be sent: an endpoint-budget slot or the live
	 * endpoint's lock. Absent when it did not queue.
	 */
	queuedAfter?: string[];
	method: string;
	/** Path and query as sent, endpoint ids included. */
	path: string;
	/** The response status; null when no response came. */
	status: number | null;
	/** The error code of a request that threw (no response, or one the client refused). */
	error?: string;
	/** Milliseconds since the Unix epoch. */
	startMs: number;
	endMs: number;
}

/** A line of a request log that is not an entry. */
export interface RequestLogProblem {
	/** 1-based line number. */
	line: number;
	reason: string;
}

/** Appends entries to one request log file. */
export class RequestLogFile {
	readonly path: string;
	private failed = false;

	constructor(path: string) {
		this.path = path;
	}

	/** Creates the file (and its folder) empty, replacing an earlier run's log. */
	static create(path: string): RequestLogFile {
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, "");
		return new RequestLogFile(path);
	}

	/**
	 * Appends one entry. A failed write is reported once on stderr and never
	 * thrown: the request it describes has happened, and the run goes on.
	 */
	append(entry: LoggedRequest): void {
		try {
			appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
		} catch (error) {
			if (this.failed) return;
			this.failed = true;
			process.stderr.write(
				`request log ${this.path}: cannot append (${error instanceof Error ? error.message : String(error)}); later requests of this process are missing from it\n`,
			);
		}
	}
}

/** The log file of a stage process and the origins whose requests it records. */
export interface RequestLogTarget {
	path: string;
	/**
	 * Origins of the region (MaaS and IAM). Requests to any other server,
	 * such as the Pact mock server of the consumer tests, are not logged.
	 */
	origins: Set<string>;
}

/**
 * Returns the request log a stage process appends to. It is set when the
 * gate started the process, that is when MAAS_RUN_ID and MAAS_REPORT_DIR
 * are both set.
 */
export function requestLogFromEnvironment(
	env: NodeJS.ProcessEnv = process.env,
): RequestLogTarget | undefined {
	const runId = env.MAAS_RUN_ID;
	const reportDir = env.MAAS_REPORT_DIR;
	if (!runId || !reportDir) return undefined;
	const origins = new Set<string>();
	for (const url of [env.MAAS_ENDPOINT, env.MAAS_IAM_ENDPOINT]) {
		const origin = originOf(url);
		if (origin) origins.add(origin);
	}
	return { path: join(reportDir, REQUEST_LOG_FILE), origins };
}

/** Returns the origin (scheme, host, port) of `url`, or undefined for text that is no URL. */
export function originOf(url: string | undefined): string | undefined {
	if (!url) return undefined;
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

/** Reads a request log; lines that are not entries are returned as problems. */
export function readRequestLog(path: string): {
	entries: LoggedRequest[];
	problems: RequestLogProblem[];
} {
	const entries: LoggedRequest[] = [];
	const problems: RequestLogProblem[] = [];
	const lines = readFileSync(path, "utf8").split("\n");
	lines.forEach((text, index) => {
		if (text.trim() === "") return;
		const line = index + 1;
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			problems.push({ line, reason: "not JSON" });
			return;
		}
		const reason = entryProblem(value);
		if (reason) problems.push({ line, reason });
		else entries.push(value as LoggedRequest);
	});
	return { entries, problems };
}

function entryProblem(value: unknown): string | undefined {
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		return "not a JSON object";
	}
	const entry = value as Record<string, unknown>;
	for (const key of ["id", "stage", "flow", "method", "path"]) {
		if (typeof entry[key] !== "string") return `${key} is not a string`;
	}
	for (const key of ["startMs", "endMs"]) {
		if (typeof entry[key] !== "number") return `${key} is not a number`;
	}
	if (entry.status !== null && typeof entry.status !== "number") {
		return "status is neither a number nor null";
	}
	for (const key of ["after", "queuedAfter"]) {
		const ids = entry[key];
		if (key === "queuedAfter" && ids === undefined) continue;
		if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) {
			return `${key} is not a list of ids`;
		}
	}
	return undefined;
}
