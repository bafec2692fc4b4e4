/**
 * The run's record of every endpoint name it reserved and every endpoint it
 * created and deleted: an append-only JSON-lines file. Each change is one
 * line written with a synchronous append, so a run that is killed leaves a
 * complete record for the gate's cleanup and for `sweep`. The file is the
 * only state shared by the gate and its stage processes: every read goes to
 * the file, nothing is cached.
 */

import {
	appendFileSync,
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readFileSync,
	readSync,
	statSync,
	unlinkSync,
	writeFileSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { SafetyError } from "../errors.ts";

export type LedgerState = "reserved" | "created" | "deleted";

export interface LedgerEntry {
	runId: string;
	name: string;
	id: string | undefined;
	state: LedgerState;
	/** ISO 8601 time of the change. */
	at: string;
}

/** A line of the file that is not a ledger entry. */
export interface LedgerProblem {
	/** 1-based line number in the file. */
	line: number;
	reason: string;
}

/** How long reserveName waits for another process's lock. */
const LOCK_WAIT_MS = 5_000;
/** A lock file older than this was left by a killed process. */
const STALE_LOCK_MS = 30_000;
const STATES: readonly string[] = ["reserved", "created", "deleted"];

export class Ledger {
	readonly file: string;
	readonly runId: string;

	private constructor(file: string, runId: string) {
		this.file = file;
		this.runId = runId;
	}

	/** Opens the ledger of `runId` in `file`; creates the file and folder if missing. */
	static open(file: string, runId: string): Ledger {
		if (!/^[a-z0-9]{1,32}$/.test(runId)) {
			throw new TypeError(
				`ledger run id ${JSON.stringify(runId)} is invalid; use lowercase letters and digits`,
			);
		}
		const path = resolve(file);
		mkdirSync(dirname(path), { recursive: true });
		if (!existsSync(path)) writeFileSync(path, "", { flag: "a" });
		return new Ledger(path, runId);
	}

	/**
	 * Reserves the next name `<prefix><runId>-<n>` and records it. `n` is one
	 * more than the highest number any process has reserved for this run in
	 * the file. A lock file next to the ledger serialises processes. `shape`
	 * turns the plain name into the name actually sent (a probe that sends an
	 * invalid name keeps the run's prefix and number in it, so the name can
	 * still be traced to the run).
	 */
	reserveName(prefix: string, shape?: (name: string) => string): string {
		return this.withLock(() => {
			const next = this.highestNumber() + 1;
			const plain = `${prefix}${this.runId}-${next}`;
			const name = shape ? shape(plain) : plain;
			if (!name.includes(`${this.runId}-${next}`)) {
				throw new TypeError(
					`shaped endpoint name ${JSON.stringify(name)} lost the run number "${this.runId}-${next}"; keep it in the name so the endpoint can be traced to the run`,
				);
			}
			this.append({ name, id: undefined, state: "reserved" });
			return name;
		});
	}

	/**
	 * Records that the region accepted a create of `name` and gave it `id`.
	 * `name` must be one this run reserved (also one already created or
	 * deleted: a region that lets a name be used twice gets each id recorded).
	 */
	recordCreated(name: string, id: string): void {
		if (id.length === 0) {
			throw new TypeError(`endpoint ${name} needs a non-empty id`);
		}
		const known = this.read().lines.some((entry) => entry.name === name);
		if (!known) {
			throw new SafetyError(
				`endpoint name ${JSON.stringify(name)} was not reserved in the ledger of run ${this.runId} (${this.file}); reserve names with reserveName before creating`,
			);
		}
		this.append({ name, id, state: "created" });
	}

	/** Records that the endpoint `id` is gone. Repeating it changes nothing. */
	recordDeleted(id: string): void {
		const entry = this.entries().find((candidate) => candidate.id === id);
		if (entry === undefined) {
			throw new SafetyError(
				`endpoint ${id} is not in the ledger of run ${this.runId} (${this.file}); only endpoints the run created can be recorded as deleted`,
			);
		}
		if (entry.state === "deleted") return;
		this.append({ name: entry.name, id, state: "deleted" });
	}

	/**
	 * Returns the latest state of every endpoint of the run: one entry per created
	 * id, and one per reserved name that never got an id. A name that a
	 * deviant region accepted twice appears once per id.
	 */
	entries(): LedgerEntry[] {
		const byKey = new Map<string, LedgerEntry>();
		for (const entry of this.read().lines) {
			if (entry.id === undefined) {
				const key = `name:${entry.name}`;
				if (!byKey.has(key)) byKey.set(key, entry);
				continue;
			}
			byKey.delete(`name:${entry.name}`);
			byKey.set(`id:${entry.id}`, entry);
		}
		return [...byKey.values()];
	}

	/** Endpoints created and not recorded as deleted. */
	alive(): LedgerEntry[] {
		return this.entries().filter((entry) => entry.state === "created");
	}

	/** Names sent in a create the region accepted (each name counted once). */
	burnedNames(): number {
		const names = new Set<string>();
		for (const entry of this.read().lines) {
			if (entry.state !== "reserved") names.add(entry.name);
		}
		return names.size;
	}

	/** Counts the maximum number of the run's endpoints alive at the same time. */
	peakAlive(): number {
		const alive = new Set<string>();
		let peak = 0;
		for (const entry of this.read().lines) {
			if (entry.id === undefined) continue;
			if (entry.state === "created") alive.add(entry.id);
			if (entry.state === "deleted") alive.delete(entry.id);
			peak = Math.max(peak, alive.size);
		}
		return peak;
	}

	/**
	 * Lines of the file that are not ledger entries (a torn write, a hand
	 * edit). The other methods skip them; the stage and the gate report them.
	 */
	problems(): LedgerProblem[] {
		return this.read().problems;
	}

	private read(): { lines: LedgerEntry[]; problems: LedgerProblem[] } {
		const lines: LedgerEntry[] = [];
		const problems: LedgerProblem[] = [];
		const text = readFileSync(this.file, "utf8");
		text.split("\n").forEach((raw, index) => {
			if (raw.trim() === "") return;
			const parsed = parseLine(raw);
			if (typeof parsed === "string") {
				problems.push({ line: index + 1, reason: parsed });
			} else if (parsed.runId === this.runId) {
				lines.push(parsed);
			}
		});
		return { lines, problems };
	}

	private highestNumber(): number {
		const pattern = new RegExp(`${this.runId}-(\\d+)`, "g");
		let highest = 0;
		for (const entry of this.read().lines) {
			for (const match of entry.name.matchAll(pattern)) {
				highest = Math.max(highest, Number(match[1]));
			}
		}
		return highest;
	}

	private append(change: Omit<LedgerEntry, "runId" | "at">): void {
		const entry = {
			runId: this.runId,
			name: change.name,
			...(change.id === undefined ? {} : { id: change.id }),
			state: change.state,
			at: new Date().toISOString(),
		};
		// A process killed in the middle of a write can leave a line without
		// its newline, so start on a fresh line to keep the new entry readable.
		const separator = endsWithNewline(this.file) ? "" : "\n";
		appendFileSync(this.file, `${separator}${JSON.stringify(entry)}\n`);
	}

	private withLock<T>(action: () => T): T {
		const lock = `${this.file}.lock`;
		const deadline = Date.now() + LOCK_WAIT_MS;
		for (;;) {
			try {
				closeSync(openSync(lock, "wx"));
				break;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
				if (lockAge(lock) > STALE_LOCK_MS) {
					removeQuietly(lock);
					continue;
				}
				if (Date.now() > deadline) {
					throw new SafetyError(
						`the ledger lock ${lock} has been held for over ${LOCK_WAIT_MS} ms; if no gate or stage is running, delete the lock file`,
					);
				}
				sleepSync(5);
			}
		}
		try {
			return action();
		} finally {
			removeQuietly(lock);
		}
	}
}

/** Parses one line into an entry, or returns the reason it is not one. */
function parseLine(raw: string): LedgerEntry | string {
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return `not JSON: ${raw.length > 80 ? `${raw.slice(0, 80)}...` : raw}`;
	}
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		return "not a JSON object";
	}
	const record = value as Record<string, unknown>;
	for (const field of ["runId", "name", "at"] as const) {
		if (typeof record[field] !== "string" || record[field] === "") {
			return `${field} is missing or not a string`;
		}
	}
	if (typeof record.state !== "string" || !STATES.includes(record.state)) {
		return `state ${JSON.stringify(record.state)} is not one of ${STATES.join(", ")}`;
	}
	const id = record.id ?? undefined;
	if (id !== undefined && (typeof id !== "string" || id === "")) {
		return "id is not a non-empty string";
	}
	if (id === undefined && record.state !== "reserved") {
		return `a ${record.state} entry has no id`;
	}
	return {
		runId: record.runId as string,
		name: record.name as string,
		id,
		state: record.state as LedgerState,
		at: record.at as string,
	};
}

function endsWithNewline(file: string): boolean {
	const size = statSync(file).size;
	if (size === 0) return true;
	const descriptor = openSync(file, "r");
	try {
		const last = Buffer.alloc(1);
		readSync(descriptor, last, 0, 1, size - 1);
		return last[0] === 0x0a;
	} finally {
		closeSync(descriptor);
	}
}

function lockAge(lock: string): number {
	try {
		return Date.now() - statSync(lock).mtimeMs;
	} catch {
		return 0;
	}
}

function removeQuietly(path: string): void {
	try {
		unlinkSync(path);
	} catch {
		// Already gone: another process removed a stale lock.
	}
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
	Atomics.wait(sleeper, 0, 0, ms);
}
