import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test, vi } from "vitest";
import {
	type LoggedRequest,
	RequestLogFile,
	readRequestLog,
	requestLogFromEnvironment,
} from "./request-log.ts";

function tempDir(): string {
	return mkdtempSync(join(tmpdir(), "maas-request-log-"));
}

const ENTRY: LoggedRequest = {
	id: "abc123.1",
	stage: "probes",
	flow: "probe:LIST-SCHEMA",
	after: [],
	method: "GET",
	path: "/v1/p/maas/services/custom-endpoint/endpoint",
	status: 200,
	startMs: 1000,
	endMs: 1100,
};

describe("RequestLogFile", () => {
	test("create replaces an earlier log, append adds one line per entry", () => {
		const path = join(tempDir(), "reports", "requests.jsonl");
		const first = RequestLogFile.create(path);
		first.append(ENTRY);
		const log = RequestLogFile.create(path);
		log.append(ENTRY);
		log.append({ ...ENTRY, id: "abc123.2", after: ["abc123.1"] });
		const lines = readFileSync(path, "utf8").trimEnd().split("\n");
		expect(lines).toHaveLength(2);
		expect(JSON.parse(lines[1] as string)).toMatchObject({
			id: "abc123.2",
			after: ["abc123.1"],
		});
	});

	test("a failed append is reported once and not thrown", () => {
		const dir = tempDir();
		const log = RequestLogFile.create(join(dir, "gone", "requests.jsonl"));
		rmSync(join(dir, "gone"), { recursive: true });
		const stderr = vi
			.spyOn(process.stderr, "write")
			.mockImplementation(() => true);
		try {
			expect(() => log.append(ENTRY)).not.toThrow();
			expect(() => log.append(ENTRY)).not.toThrow();
			expect(stderr).toHaveBeenCalledTimes(1);
			expect(String(stderr.mock.calls[0]?.[0])).toContain("cannot append");
		} finally {
			stderr.mockRestore();
		}
	});
});

describe("readRequestLog", () => {
	test("returns the entries and names each line that is not one", () => {
		const path = join(tempDir(), "requests.jsonl");
		writeFileSync(
			path,
			[
				JSON.stringify(ENTRY),
				"not json",
				JSON.stringify({ ...ENTRY, status: "200" }),
				JSON.stringify({ ...ENTRY, after: "x" }),
				JSON.stringify({ ...ENTRY, id: "abc123.2", status: null }),
				JSON.stringify({ ...ENTRY, queuedAfter: [1] }),
				"",
			].join("\n"),
		);
		const { entries, problems } = readRequestLog(path);
		expect(entries.map((entry) => entry.id)).toEqual(["abc123.1", "abc123.2"]);
		expect(problems).toEqual([
			{ line: 2, reason: "not JSON" },
			{ line: 3, reason: "status is neither a number nor null" },
			{ line: 4, reason: "after is not a list of ids" },
			{ line: 6, reason: "queuedAfter is not a list of ids" },
		]);
	});
});

describe("requestLogFromEnvironment", () => {
	test("needs a run id and a report folder", () => {
		expect(requestLogFromEnvironment({ MAAS_REPORT_DIR: "/r" })).toBe(
			undefined,
		);
		expect(requestLogFromEnvironment({ MAAS_RUN_ID: "abc" })).toBe(undefined);
		expect(
			requestLogFromEnvironment({ MAAS_RUN_ID: "abc", MAAS_REPORT_DIR: "/r" })
				?.path,
		).toBe(join("/r", "requests.jsonl"));
	});

	test("counts requests to the MaaS and IAM origins only", () => {
		const target = requestLogFromEnvironment({
			MAAS_RUN_ID: "abc",
			MAAS_REPORT_DIR: "/r",
			MAAS_ENDPOINT: "http://127.0.0.1:8080/",
			MAAS_IAM_ENDPOINT: "http://127.0.0.1:9090/v3",
		});
		expect([...(target?.origins ?? [])].sort()).toEqual([
			"http://127.0.0.1:8080",
			"http://127.0.0.1:9090",
		]);
	});
});
