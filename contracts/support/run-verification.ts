/**
 * Runs `verify-one.ts` for one interaction in a process group of its own,
 * with a hard timeout that kills the whole group, and turns what it left
 * (outcome file, exit status, output) into a pass or a failure text.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/index.ts";
import { redact } from "../../src/redact.ts";
import { killGroup } from "./process-group.ts";
import {
	failureText,
	type ProcessEnd,
	type VerificationOutcome,
	verifierTimeoutMs,
} from "./verification-outcome.ts";

const VERIFY_ONE = join(PROJECT_ROOT, "contracts", "support", "verify-one.ts");

/** Output kept per verification; the tail is what explains a failure. */
const MAX_OUTPUT_CHARS = 64 * 1024;

export interface VerificationRequest {
	pactFile: string;
	description: string;
	/** The complete environment of the process (MAAS_* and basics). */
	env: Record<string, string>;
	requestTimeoutMs: number;
	/** Default `hardTimeoutMs(requestTimeoutMs)`. */
	hardTimeoutMs?: number;
}

export interface VerificationReport {
	passed: boolean;
	/** Failure text through `redact`; empty when the interaction verified. */
	message: string;
	outcome: VerificationOutcome | undefined;
	end: ProcessEnd;
}

/**
 * Returns how long one verification may take before its process is
 * killed. The verifier allows 3 request timeouts each for the state setup,
 * the interaction and the teardown, plus an estimated 20 s for starting
 * Node and Pact.
 */
export function hardTimeoutMs(requestTimeoutMs: number): number {
	return 10 * requestTimeoutMs + 20_000;
}

export async function runVerification(
	request: VerificationRequest,
): Promise<VerificationReport> {
	const workDir = mkdtempSync(join(tmpdir(), "maas-verification-"));
	const outcomeFile = join(workDir, "outcome.json");
	const limitMs =
		request.hardTimeoutMs ?? hardTimeoutMs(request.requestTimeoutMs);
	try {
		const end = await runProcess(
			[
				"--import",
				"tsx",
				VERIFY_ONE,
				request.pactFile,
				request.description,
				outcomeFile,
			],
			request.env,
			limitMs,
			request.requestTimeoutMs,
		);
		const outcome = readOutcome(outcomeFile);
		const text = failureText(request.description, outcome, end);
		return {
			passed: text === undefined,
			message: text === undefined ? "" : redact(text),
			outcome,
			end: { ...end, output: redact(end.output) },
		};
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}
}

function readOutcome(file: string): VerificationOutcome | undefined {
	try {
		return JSON.parse(readFileSync(file, "utf8")) as VerificationOutcome;
	} catch {
		return undefined;
	}
}

function runProcess(
	args: string[],
	env: Record<string, string>,
	limitMs: number,
	requestTimeoutMs: number,
): Promise<ProcessEnd> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			cwd: PROJECT_ROOT,
			env,
			// Its own process group, so a kill reaches everything it started.
			// stdin stays open and unused: the child ends when it closes.
			detached: true,
			stdio: ["pipe", "pipe", "pipe"],
		});
		let output = "";
		const keep = (chunk: Buffer) => {
			output += chunk.toString("utf8");
			if (output.length > 2 * MAX_OUTPUT_CHARS) {
				output = output.slice(-MAX_OUTPUT_CHARS);
			}
		};
		child.stdout.on("data", keep);
		child.stderr.on("data", keep);
		let timedOutAfterMs: number | undefined;
		const timer = setTimeout(() => {
			timedOutAfterMs = limitMs;
			killGroup(child.pid);
		}, limitMs);
		child.on("error", (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on("close", (exitCode, signal) => {
			clearTimeout(timer);
			// Anything the process left behind in its group goes too.
			killGroup(child.pid);
			resolve({
				pid: child.pid,
				exitCode,
				signal,
				timedOutAfterMs,
				verifierTimeoutMs: verifierTimeoutMs(requestTimeoutMs),
				output: output.slice(-MAX_OUTPUT_CHARS),
			});
		});
	});
}
