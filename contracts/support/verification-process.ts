/**
 * The test process's side of one verification process
 * (`verification-worker.ts`). It starts the process in a process group of
 * its own and sends it one interaction at a time. It collects the output
 * per interaction, and kills the whole group when an interaction runs past
 * its limit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/index.ts";
import { killGroup } from "./process-group.ts";
import type { VerificationOutcome } from "./verification-outcome.ts";
import {
	parseProtocolLine,
	type VerifyCommand,
} from "./verification-protocol.ts";

const WORKER = join(
	PROJECT_ROOT,
	"contracts",
	"support",
	"verification-worker.ts",
);

/** Output kept per interaction; the tail is what explains a failure. */
const MAX_OUTPUT_CHARS = 64 * 1024;

/** How long to wait for the stderr `end` line once the outcome arrived. */
const END_LINE_GRACE_MS = 1_000;

/** How long a killed or closed process may take to go away. */
const CLOSE_WAIT_MS = 5_000;

export interface ProcessExit {
	code: number | null;
	signal: string | null;
}

export type StartResult =
	| { ready: true }
	| {
			ready: false;
			/** The reason it is not ready, as a sentence fragment. */
			reason: string;
			/** The limit passed and the process was killed. */
			timedOut: boolean;
			output: string;
	  };

/** Names and request ids the process reported while verifying one interaction. */
export interface InteractionTrace {
	/** Endpoint names it reserved in the ledger, in order. */
	names: string[];
	/** Ids of its latest finished requests in the run's request log. */
	lastRequestIds: string[];
}

export type InteractionResult = (
	| { kind: "outcome"; outcome: VerificationOutcome; output: string }
	/** The limit passed; the process was killed. */
	| { kind: "timeout"; output: string }
	/** The process ended without reporting the interaction. */
	| { kind: "exit"; exit: ProcessExit; output: string }
) & { trace: InteractionTrace };

interface Waiting {
	seq: number;
	outcome: VerificationOutcome | undefined;
	endSeen: boolean;
	trace: InteractionTrace;
	/** Started when the outcome arrived before the end line. */
	graceTimer: NodeJS.Timeout | undefined;
	finish: (result: InteractionResult) => void;
}

export class VerificationProcess {
	readonly #child: ChildProcess;
	readonly #marker = randomBytes(12).toString("hex");
	#output = "";
	#ready = false;
	#fatal: string | undefined;
	#exit: ProcessExit | undefined;
	#waiting: Waiting | undefined;
	/** The trace of the latest interaction, filled until the process is gone. */
	#trace: { seq: number; trace: InteractionTrace } | undefined;
	#onReady: (() => void) | undefined;
	readonly #closed: Promise<ProcessExit>;

	/** The environment the process was started with. */
	readonly env: Readonly<Record<string, string>>;

	/**
	 * Starts the process with `env` as its complete environment. Its
	 * one-interaction pact files go to a temporary folder that is removed
	 * when the process ends.
	 */
	constructor(env: Record<string, string>) {
		this.env = { ...env };
		const workDir = mkdtempSync(join(tmpdir(), "maas-verification-"));
		this.#child = spawn(
			process.execPath,
			["--import", "tsx", WORKER, workDir, this.#marker],
			{
				cwd: PROJECT_ROOT,
				env,
				// Its own process group, so a kill reaches everything it started.
				detached: true,
				stdio: ["pipe", "pipe", "pipe"],
			},
		);
		// A write after the process died fails with EPIPE; its exit explains it.
		this.#child.stdin?.on("error", () => {});
		this.#readLines(this.#child.stdout);
		this.#readLines(this.#child.stderr);
		this.#closed = new Promise((resolve) => {
			const ended = (exit: ProcessExit) => {
				this.#exit ??= exit;
				// Anything the process left behind in its group goes too.
				killGroup(this.#child.pid);
				rmSync(workDir, { recursive: true, force: true });
				this.#onReady?.();
				this.#settle();
				resolve(this.#exit);
			};
			this.#child.once("error", (error) => {
				this.#fatal ??= `could not start the verification process: ${error.message}`;
				ended({ code: null, signal: null });
			});
			this.#child.once("close", (code, signal) => ended({ code, signal }));
		});
	}

	/** The id of the process and of its group. */
	get pid(): number | undefined {
		return this.#child.pid;
	}

	get alive(): boolean {
		return this.#exit === undefined;
	}

	/** Waits until Pact is loaded; kills the process after `limitMs`. */
	async waitReady(limitMs: number): Promise<StartResult> {
		if (!this.#ready && this.alive) {
			let timer: NodeJS.Timeout | undefined;
			await new Promise<void>((resolve) => {
				this.#onReady = resolve;
				timer = setTimeout(resolve, limitMs);
			});
			clearTimeout(timer);
			this.#onReady = undefined;
		}
		if (this.#ready && this.alive) return { ready: true };
		const timedOut = this.alive;
		if (timedOut) await this.kill();
		const output = this.#takeOutput();
		if (timedOut) {
			return {
				ready: false,
				reason: `the verification process did not start within ${limitMs} ms`,
				timedOut,
				output,
			};
		}
		const exit = this.#exit as ProcessExit;
		const ending = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
		return {
			ready: false,
			reason:
				this.#fatal ??
				`the verification process ended with ${ending} before it was ready`,
			timedOut,
			output,
		};
	}

	/**
	 * Verifies one interaction; kills the process when no outcome arrived
	 * within `limitMs`. Call after `waitReady`, one interaction at a time.
	 */
	verify(command: VerifyCommand, limitMs: number): Promise<InteractionResult> {
		const trace: InteractionTrace = { names: [], lastRequestIds: [] };
		if (!this.alive) {
			return Promise.resolve({
				kind: "exit",
				exit: this.#exit as ProcessExit,
				output: this.#takeOutput(),
				trace,
			});
		}
		this.#trace = { seq: command.seq, trace };
		return new Promise<InteractionResult>((resolve) => {
			const waiting: Waiting = {
				seq: command.seq,
				outcome: undefined,
				endSeen: false,
				trace,
				graceTimer: undefined,
				finish: (result) => {
					clearTimeout(limitTimer);
					clearTimeout(waiting.graceTimer);
					this.#waiting = undefined;
					resolve(result);
				},
			};
			const limitTimer = setTimeout(() => {
				if (this.#waiting !== waiting) return;
				this.#waiting = undefined;
				clearTimeout(waiting.graceTimer);
				// Once the process is gone, every line it wrote has been read.
				void this.kill().then(() =>
					resolve({ kind: "timeout", output: this.#takeOutput(), trace }),
				);
			}, limitMs);
			this.#waiting = waiting;
			this.#child.stdin?.write(`${JSON.stringify(command)}\n`);
		});
	}

	/** Kills the process group and waits until the process is gone. */
	async kill(): Promise<void> {
		killGroup(this.#child.pid);
		await this.#waitClosed();
	}

	/** Closes stdin, which ends the process, and waits for it; kills it if it stays. */
	async stop(): Promise<void> {
		this.#child.stdin?.end();
		if (!(await this.#waitClosed())) await this.kill();
	}

	async #waitClosed(): Promise<boolean> {
		let timer: NodeJS.Timeout | undefined;
		const gone = await Promise.race([
			this.#closed.then(() => true),
			new Promise<boolean>((resolve) => {
				timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS);
			}),
		]);
		clearTimeout(timer);
		return gone;
	}

	#readLines(stream: NodeJS.ReadableStream | null): void {
		if (!stream) return;
		let pending = "";
		stream.setEncoding("utf8");
		stream.on("data", (chunk: string) => {
			pending += chunk;
			const lines = pending.split("\n");
			pending = lines.pop() ?? "";
			for (const line of lines) this.#line(line);
		});
		stream.on("end", () => {
			if (pending) this.#line(pending);
			pending = "";
		});
	}

	#line(line: string): void {
		const message = parseProtocolLine(this.#marker, line);
		if (!message) {
			this.#output += `${line}\n`;
			if (this.#output.length > 2 * MAX_OUTPUT_CHARS) {
				this.#output = this.#output.slice(-MAX_OUTPUT_CHARS);
			}
			return;
		}
		const waiting = this.#waiting;
		switch (message.kind) {
			case "ready":
				this.#ready = true;
				this.#onReady?.();
				return;
			case "fatal":
				this.#fatal = message.error;
				return;
			case "reserved":
				if (this.#trace?.seq === message.seq) {
					this.#trace.trace.names.push(message.name);
				}
				return;
			case "requests":
				if (this.#trace?.seq === message.seq) {
					this.#trace.trace.lastRequestIds = message.ids;
				}
				return;
			case "end":
				if (waiting?.seq === message.seq) waiting.endSeen = true;
				break;
			case "outcome":
				if (waiting?.seq === message.seq) {
					waiting.outcome = message.outcome;
					waiting.graceTimer ??= setTimeout(() => {
						if (this.#waiting === waiting) this.#settle(true);
					}, END_LINE_GRACE_MS);
				}
				break;
		}
		this.#settle();
	}

	/**
	 * Finishes the waiting interaction when its outcome and end line both
	 * arrived, or when `force`d or the process is gone: with the outcome if
	 * one arrived, else with the exit.
	 */
	#settle(force = false): void {
		const waiting = this.#waiting;
		if (!waiting) return;
		const complete = waiting.outcome !== undefined && waiting.endSeen;
		if (!complete && !force && this.alive) return;
		if (waiting.outcome) {
			waiting.finish({
				kind: "outcome",
				outcome: waiting.outcome,
				output: this.#takeOutput(),
				trace: waiting.trace,
			});
		} else if (!this.alive) {
			waiting.finish({
				kind: "exit",
				exit: this.#exit as ProcessExit,
				output: this.#takeOutput(),
				trace: waiting.trace,
			});
		}
	}

	#takeOutput(): string {
		const output = this.#output.slice(-MAX_OUTPUT_CHARS);
		this.#output = "";
		return output;
	}
}
