import { describe, expect, test } from "vitest";
import type { LoggedRequest } from "../client/request-log.ts";
import {
	fixtureMetrics,
	inFlight,
	measureRun,
	type RunInput,
} from "./run-metrics.ts";

function entry(
	fields: Partial<LoggedRequest> & Pick<LoggedRequest, "id" | "startMs">,
): LoggedRequest {
	return {
		stage: "probes",
		flow: "probe:X",
		after: [],
		method: "GET",
		path: "/v1/p/maas/services/custom-endpoint/endpoint",
		status: 200,
		endMs: fields.startMs + 100,
		...fields,
	};
}

/** A run at 100 ms: preflight, then a fixture and two checks that follow it. */
const LOG: LoggedRequest[] = [
	entry({ id: "g.1", stage: "preflight", flow: "preflight", startMs: 1000 }),
	entry({ id: "p.1", flow: "fixture:live", method: "POST", startMs: 2000 }),
	entry({ id: "p.2", flow: "fixture:live", after: ["p.1"], startMs: 2100 }),
	entry({
		id: "p.3",
		flow: "probe:EDIT",
		method: "PUT",
		after: ["p.2"],
		startMs: 2200,
	}),
	entry({
		id: "p.4",
		flow: "probe:CONTROL",
		method: "PUT",
		after: ["p.2"],
		startMs: 2200,
	}),
	entry({
		id: "p.5",
		flow: "probe:NAME",
		method: "POST",
		status: 400,
		queuedAfter: ["p.4"],
		startMs: 2300,
	}),
];

function input(overrides: Partial<RunInput> = {}): RunInput {
	return {
		delayMs: 100,
		exitCode: 0,
		startedAtMs: 500,
		wallMs: 3000,
		entries: LOG,
		logProblems: 0,
		regionRequests: 6,
		namesBurned: 1,
		checks: 3,
		...overrides,
	};
}

describe("measureRun", () => {
	test("start-up, critical paths and ratios come from the log", () => {
		const metrics = measureRun(input());
		// Gate start 500 -> the first request of a stage at 2000; the
		// preflight at 1000 falls within start-up.
		expect(metrics.startupMs).toBe(1500);
		// The requests after start-up: p.1 -> p.2 -> p.3 = 3.
		expect(metrics.criticalPath).toBe(3);
		// With the queue wait: p.1 -> p.2 -> p.4 -> p.5 = 4.
		expect(metrics.criticalPathWithQueues).toBe(4);
		expect(metrics.ratio).toBeCloseTo((3000 - 1500) / (3 * 100));
		expect(metrics.ratioWithQueues).toBeCloseTo((3000 - 1500) / (4 * 100));
		expect(metrics.stages.map((stage) => stage.stage)).toEqual([
			"preflight",
			"probes",
		]);
		expect(metrics.stages[1]).toMatchObject({
			requests: 5,
			criticalPath: 3,
			criticalPathWithQueues: 4,
			spanMs: 400,
		});
		// Gate start 500 -> preflight at 1000; preflight ends 1100 -> probes at 2000.
		expect(metrics.stages.map((stage) => stage.gapBeforeMs)).toEqual([
			500, 900,
		]);
		// The gate ran from 500 to 3500; the last request ended at 2400.
		expect(metrics.afterLastRequestMs).toBe(1100);
	});

	test("without a stage request, start-up ends at the first request", () => {
		const metrics = measureRun(input({ entries: LOG.slice(0, 1) }));
		expect(metrics.startupMs).toBe(500);
		expect(metrics.criticalPath).toBe(1);
	});

	test("counts only the probes' accepted creates", () => {
		expect(measureRun(input()).probeCreates).toBe(1);
	});

	test("has no ratio at delay 0 and no start-up without requests", () => {
		expect(measureRun(input({ delayMs: 0 })).ratio).toBeUndefined();
		const empty = measureRun(input({ entries: [] }));
		expect(empty.startupMs).toBeUndefined();
		expect(empty.criticalPath).toBe(0);
		expect(empty.ratio).toBeUndefined();
	});

	test("counts requests outside any flow and edges to missing requests", () => {
		const metrics = measureRun(
			input({
				entries: [
					...LOG,
					entry({
						id: "x.1",
						stage: "unlabelled",
						flow: "unlabelled",
						after: ["never-ended"],
						startMs: 2500,
					}),
				],
			}),
		);
		expect(metrics.unlabelled).toBe(1);
		expect(metrics.unknownIds).toBe(1);
	});
});

describe("inFlight", () => {
	test("adds up the union of overlapping and separate requests", () => {
		expect(
			inFlight([
				entry({ id: "a", startMs: 0, endMs: 100 }),
				entry({ id: "b", startMs: 50, endMs: 150 }),
				entry({ id: "c", startMs: 300, endMs: 400 }),
			]),
		).toBe(250);
		expect(inFlight([])).toBe(0);
	});
});

describe("fixtureMetrics", () => {
	test("counts each fixture's requests and the flows that followed it", () => {
		expect(fixtureMetrics(LOG)).toEqual([
			{ flow: "fixture:live", requests: 2, followers: 2 },
		]);
	});
});
