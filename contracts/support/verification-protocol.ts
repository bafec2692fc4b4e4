/**
 * The line protocol between the verify stage's test process and its
 * verification process (`verification-worker.ts`). The test process writes
 * one command a line to the process's stdin. The process replies on its
 * own stdout and stderr, which also carry the verifier's output. So every
 * protocol line starts with a marker the test process picked at random for
 * that process, and a region's response quoted in the output cannot forge one.
 *
 *   stdout  <marker> ready                    Pact is loaded; send commands
 *   stdout  <marker> fatal <json {error}>     cannot verify anything; exits
 *   stdout  <marker> reserved <seq> <json>    <seq> reserved this endpoint name
 *   stdout  <marker> requests <seq> <json>    ids of <seq>'s latest finished requests
 *   stderr  <marker> end <seq>                all stderr output of <seq> is written
 *   stdout  <marker> outcome <seq> <json>     the VerificationOutcome of <seq>
 *
 * The process writes `end` before `outcome`, and writes to pipes block on
 * Linux, so once both lines arrived the output of that interaction is
 * complete on both streams. A `reserved` line is written as soon as the
 * name is in the ledger, before any create with it is sent, so the test
 * process has every name an interaction used even when it kills the
 * process. A `requests` line follows each request the interaction finished.
 */
import type { VerificationOutcome } from "./verification-outcome.ts";

/** One interaction to verify. */
export interface VerifyCommand {
	/** Number of the command, unique within a stage run; its outcome repeats it. */
	seq: number;
	pactFile: string;
	description: string;
	/**
	 * Names of endpoints the lane made in earlier interactions and could not
	 * delete; each counts against the lane's limit. Default none.
	 */
	heldNames?: string[];
	/**
	 * Ids of the requests whose end freed the lane this interaction waited
	 * for; its first request records them as `queuedAfter`. Default none.
	 */
	queuedAfter?: string[];
}

export type ProtocolLine =
	| { kind: "ready" }
	| { kind: "fatal"; error: string }
	| { kind: "reserved"; seq: number; name: string }
	| { kind: "requests"; seq: number; ids: string[] }
	| { kind: "end"; seq: number }
	| { kind: "outcome"; seq: number; outcome: VerificationOutcome };

// Each line starts with a newline of its own, so output the verifier left
// without one cannot run into the marker.

export function readyLine(marker: string): string {
	return `\n${marker} ready\n`;
}

export function fatalLine(marker: string, error: string): string {
	return `\n${marker} fatal ${JSON.stringify({ error })}\n`;
}

export function reservedLine(
	marker: string,
	seq: number,
	name: string,
): string {
	return `\n${marker} reserved ${seq} ${JSON.stringify(name)}\n`;
}

export function requestsLine(
	marker: string,
	seq: number,
	ids: readonly string[],
): string {
	return `\n${marker} requests ${seq} ${JSON.stringify(ids)}\n`;
}

export function endLine(marker: string, seq: number): string {
	return `\n${marker} end ${seq}\n`;
}

export function outcomeLine(
	marker: string,
	seq: number,
	outcome: VerificationOutcome,
): string {
	return `\n${marker} outcome ${seq} ${JSON.stringify(outcome)}\n`;
}

/**
 * Parses a line (without its newline) of the process's output: a protocol
 * line, or undefined for output of the verifier. A line that starts with
 * the marker but does not parse is treated as output.
 */
export function parseProtocolLine(
	marker: string,
	line: string,
): ProtocolLine | undefined {
	if (!line.startsWith(`${marker} `)) return undefined;
	const rest = line.slice(marker.length + 1);
	if (rest === "ready") return { kind: "ready" };
	try {
		const fatal = /^fatal (.*)$/.exec(rest);
		if (fatal) {
			const { error } = JSON.parse(fatal[1] as string) as { error?: unknown };
			return { kind: "fatal", error: String(error) };
		}
		const reserved = /^reserved (\d+) (.*)$/.exec(rest);
		if (reserved) {
			const name: unknown = JSON.parse(reserved[2] as string);
			if (typeof name === "string") {
				return { kind: "reserved", seq: Number(reserved[1]), name };
			}
			return undefined;
		}
		const requests = /^requests (\d+) (.*)$/.exec(rest);
		if (requests) {
			const ids: unknown = JSON.parse(requests[2] as string);
			if (isStringList(ids)) {
				return { kind: "requests", seq: Number(requests[1]), ids };
			}
			return undefined;
		}
		const end = /^end (\d+)$/.exec(rest);
		if (end) return { kind: "end", seq: Number(end[1]) };
		const outcome = /^outcome (\d+) (.*)$/.exec(rest);
		if (outcome) {
			return {
				kind: "outcome",
				seq: Number(outcome[1]),
				outcome: JSON.parse(outcome[2] as string) as VerificationOutcome,
			};
		}
	} catch {
		// Not JSON: output that happens to start with the marker.
	}
	return undefined;
}

/** Parses a command line of the process's stdin; throws when the line is not a command. */
export function parseCommand(line: string): VerifyCommand {
	const value = JSON.parse(line) as Partial<VerifyCommand>;
	if (
		typeof value.seq !== "number" ||
		typeof value.pactFile !== "string" ||
		typeof value.description !== "string"
	) {
		throw new Error(
			`command ${JSON.stringify(line)} lacks seq, pactFile or description`,
		);
	}
	for (const key of ["heldNames", "queuedAfter"] as const) {
		if (value[key] !== undefined && !isStringList(value[key])) {
			throw new Error(
				`command ${JSON.stringify(line)} has a ${key} that is not a list of strings`,
			);
		}
	}
	return value as VerifyCommand;
}

function isStringList(value: unknown): value is string[] {
	return (
		Array.isArray(value) && value.every((item) => typeof item === "string")
	);
}
