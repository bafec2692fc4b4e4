import { describe, expect, test } from "vitest";
import { criticalPath, type PathEntry } from "./critical-path.ts";

/** Makes a log entry that starts at `at` ms and lasts 10 ms. */
function entry(
	id: string,
	after: string[],
	at: number,
	stage = "probes",
	queuedAfter?: string[],
): PathEntry {
	return {
		id,
		stage,
		after,
		...(queuedAfter ? { queuedAfter } : {}),
		startMs: at,
		endMs: at + 10,
	};
}

describe("criticalPath", () => {
	test("a chain counts every request of it", () => {
		const path = criticalPath([
			entry("a", [], 0),
			entry("b", ["a"], 10),
			entry("c", ["b"], 20),
			entry("d", ["c"], 30),
		]);
		expect(path.length).toBe(4);
		expect(path.phases[0]?.stages[0]?.chain).toEqual(["a", "b", "c", "d"]);
	});

	test("a diamond counts its longer side once", () => {
		// a -> b -> d and a -> c1 -> c2 -> d: the longer side goes through c.
		const path = criticalPath([
			entry("a", [], 0),
			entry("b", ["a"], 10),
			entry("c1", ["a"], 10),
			entry("c2", ["c1"], 20),
			entry("d", ["b", "c2"], 30),
		]);
		expect(path.length).toBe(4);
		expect(path.phases[0]?.stages[0]?.chain).toEqual(["a", "c1", "c2", "d"]);
	});

	test("parallel flows count only the longest", () => {
		const path = criticalPath([
			entry("x1", [], 0),
			entry("y1", [], 0),
			entry("x2", ["x1"], 10),
			entry("y2", ["y1"], 10),
			entry("y3", ["y2"], 20),
			entry("z1", [], 5),
		]);
		expect(path.length).toBe(3);
		expect(path.phases[0]?.stages[0]?.requests).toBe(6);
	});

	test("stages that ran one after another add up", () => {
		const path = criticalPath([
			entry("v1", [], 0, "verify"),
			entry("v2", ["v1"], 10, "verify"),
			entry("p1", [], 100, "probes"),
			entry("p2", ["p1"], 110, "probes"),
			entry("p3", ["p2"], 120, "probes"),
			entry("q1", [], 100, "probes"),
		]);
		expect(path.length).toBe(5);
		expect(path.phases.map((phase) => phase.length)).toEqual([2, 3]);
		expect(path.phases.map((phase) => phase.stages[0]?.stage)).toEqual([
			"verify",
			"probes",
		]);
	});

	test("stages whose spans overlap count as one phase", () => {
		const path = criticalPath([
			entry("a1", [], 0, "contracts"),
			entry("a2", ["a1"], 10, "contracts"),
			entry("b1", [], 5, "verify"),
			entry("b2", ["b1"], 15, "verify"),
			entry("b3", ["b2"], 25, "verify"),
		]);
		expect(path.length).toBe(3);
		expect(path.phases).toHaveLength(1);
	});

	test("queuedAfter edges count only when asked for", () => {
		const entries = [
			entry("create", [], 0),
			entry("delete", ["create"], 10),
			entry("other-create", [], 20, "probes", ["delete"]),
		];
		expect(criticalPath(entries).length).toBe(2);
		expect(criticalPath(entries, { withQueues: true }).length).toBe(3);
	});

	test("edges to requests not in the log are listed and ignored", () => {
		const path = criticalPath([entry("a", ["gone"], 0), entry("b", ["a"], 10)]);
		expect(path.length).toBe(2);
		expect(path.unknownIds).toEqual(["gone"]);
	});

	test("an edge into another stage does not chain the stages twice", () => {
		const path = criticalPath([
			entry("v1", [], 0, "verify"),
			entry("v2", ["v1"], 10, "verify"),
			entry("p1", ["v2"], 100, "probes"),
		]);
		expect(path.length).toBe(3);
	});

	test("a cycle is refused", () => {
		expect(() =>
			criticalPath([entry("a", ["b"], 0), entry("b", ["a"], 10)]),
		).toThrow(/waits for itself/);
	});

	test("a repeated id is refused", () => {
		expect(() => criticalPath([entry("a", [], 0), entry("a", [], 10)])).toThrow(
			/appears twice/,
		);
	});

	test("an empty log has an empty path", () => {
		expect(criticalPath([])).toEqual({
			length: 0,
			phases: [],
			unknownIds: [],
		});
	});
});
