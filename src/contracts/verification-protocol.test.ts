/**
 * The protocol lines between the test process and the verification
 * process: each line written parses back, and output that does not carry
 * the process's marker, or does not parse, stays output.
 */
import { describe, expect, test } from "vitest";
import {
	endLine,
	fatalLine,
	outcomeLine,
	parseCommand,
	parseProtocolLine,
	readyLine,
	requestsLine,
	reservedLine,
} from "../../contracts/support/verification-protocol.ts";

const MARKER = "3f9a0c1d2e4b5a6978c0d1e2";

/** Parses what one write of the process holds: one protocol line. */
function parsed(written: string) {
	const lines = written.split("\n").filter((line) => line !== "");
	expect(lines).toHaveLength(1);
	return parseProtocolLine(MARKER, lines[0] as string);
}

describe("verification protocol", () => {
	test("written lines: parsed back", () => {
		const outcome = {
			description: "list endpoints",
			passed: true,
			stateFailures: [],
			timedOutRequests: 0,
		};
		expect(parsed(readyLine(MARKER))).toEqual({ kind: "ready" });
		expect(parsed(fatalLine(MARKER, "no run id"))).toEqual({
			kind: "fatal",
			error: "no run id",
		});
		expect(parsed(reservedLine(MARKER, 3, "conformance-run1-4"))).toEqual({
			kind: "reserved",
			seq: 3,
			name: "conformance-run1-4",
		});
		expect(parsed(requestsLine(MARKER, 3, ["a1b2c3.4", "a1b2c3.5"]))).toEqual({
			kind: "requests",
			seq: 3,
			ids: ["a1b2c3.4", "a1b2c3.5"],
		});
		expect(parsed(endLine(MARKER, 3))).toEqual({ kind: "end", seq: 3 });
		expect(parsed(outcomeLine(MARKER, 3, outcome))).toEqual({
			kind: "outcome",
			seq: 3,
			outcome,
		});
	});

	test("line after unterminated output: still parsed", () => {
		const stream = `partial verifier output${readyLine(MARKER)}`;
		expect(
			stream.split("\n").map((line) => parseProtocolLine(MARKER, line)),
		).toEqual([undefined, { kind: "ready" }, undefined]);
	});

	test("line without the marker: output", () => {
		expect(parsed(readyLine("another-marker"))).toBeUndefined();
		expect(parsed("ready")).toBeUndefined();
		expect(parsed(`${MARKER}ready`)).toBeUndefined();
	});

	test("unparsable marked line: output", () => {
		expect(parsed(`${MARKER} outcome 3 {not json`)).toBeUndefined();
		expect(parsed(`${MARKER} end three`)).toBeUndefined();
		expect(parsed(`${MARKER} something else`)).toBeUndefined();
		expect(parsed(`${MARKER} reserved 3 42`)).toBeUndefined();
		expect(parsed(`${MARKER} requests 3 ["a", 1]`)).toBeUndefined();
	});

	test("command: parsed and checked", () => {
		const command = { seq: 1, pactFile: "/p.json", description: "d" };
		expect(parseCommand(JSON.stringify(command))).toEqual(command);
		expect(() => parseCommand('{"seq":1}')).toThrow(
			/lacks seq, pactFile or description/,
		);
		expect(() => parseCommand("not json")).toThrow();
		const lane = { ...command, heldNames: ["n-1"], queuedAfter: ["a.1"] };
		expect(parseCommand(JSON.stringify(lane))).toEqual(lane);
		expect(() =>
			parseCommand(JSON.stringify({ ...command, heldNames: "n-1" })),
		).toThrow(/has a heldNames that is not a list of strings/);
		expect(() =>
			parseCommand(JSON.stringify({ ...command, queuedAfter: [1] })),
		).toThrow(/has a queuedAfter that is not a list of strings/);
	});
});
