import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
	trackRequest,
	withFlow,
	withRequestLog,
} from "../client/request-flow.ts";
import {
	type LoggedRequest,
	RequestLogFile,
	readRequestLog,
} from "../client/request-log.ts";
import { SharedLock } from "./shared-lock.ts";

/** A promise with its resolve function, to finish work on cue. */
function gate(): { promise: Promise<void>; open: () => void } {
	let open = () => {};
	const promise = new Promise<void>((resolve) => {
		open = resolve;
	});
	return { promise, open };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("SharedLock", () => {
	test("shared users run together, an exclusive user runs alone", async () => {
		const lock = new SharedLock();
		const events: string[] = [];
		const first = gate();
		const second = gate();
		const a = lock.shared(async () => {
			events.push("a start");
			await first.promise;
			events.push("a end");
		});
		const b = lock.shared(async () => {
			events.push("b start");
			await second.promise;
			events.push("b end");
		});
		const c = lock.exclusive(async () => {
			events.push("c start");
		});
		await turn();
		expect(events).toEqual(["a start", "b start"]);
		first.open();
		await turn();
		expect(events).not.toContain("c start");
		second.open();
		await Promise.all([a, b, c]);
		expect(events).toEqual(["a start", "b start", "a end", "b end", "c start"]);
	});

	test("a waiting exclusive user goes before later shared users", async () => {
		const lock = new SharedLock();
		const events: string[] = [];
		const held = gate();
		const a = lock.shared(async () => {
			await held.promise;
			events.push("a");
		});
		const writer = lock.exclusive(async () => {
			events.push("writer");
		});
		const late = lock.shared(async () => {
			events.push("late");
		});
		await turn();
		held.open();
		await Promise.all([a, writer, late]);
		expect(events).toEqual(["a", "writer", "late"]);
	});

	test("a failing user releases the lock", async () => {
		const lock = new SharedLock();
		await expect(
			lock.exclusive(async () => {
				throw new Error("boom");
			}),
		).rejects.toThrow("boom");
		expect(await lock.shared(async () => "ran")).toBe("ran");
	});

	test("a user that waited is logged as queued behind the users it waited for", async () => {
		const log = RequestLogFile.create(
			join(mkdtempSync(join(tmpdir(), "maas-lock-")), "requests.jsonl"),
		);
		const lock = new SharedLock();
		const request = (path: string) =>
			trackRequest("GET", { path })({ status: 200 });
		const held = gate();
		await withRequestLog(log, "probes", () =>
			Promise.all([
				withFlow("shared-a", () =>
					lock.shared(async () => {
						request("/a");
						await held.promise;
					}),
				),
				withFlow("shared-b", () => lock.shared(async () => request("/b"))),
				withFlow("exclusive", async () => {
					await turn();
					await lock.exclusive(async () => request("/x"));
				}),
				withFlow("late", async () => {
					await turn();
					await turn();
					await lock.shared(async () => request("/late"));
				}),
				(async () => {
					await turn();
					await turn();
					await turn();
					held.open();
				})(),
			]),
		);
		const found = new Map<string, LoggedRequest>(
			readRequestLog(log.path).entries.map((entry) => [entry.path, entry]),
		);
		const idOf = (path: string) => found.get(path)?.id;
		expect(found.get("/a")).not.toHaveProperty("queuedAfter");
		expect(found.get("/b")).not.toHaveProperty("queuedAfter");
		expect(found.get("/x")?.queuedAfter?.sort()).toEqual(
			[idOf("/a"), idOf("/b")].sort(),
		);
		expect(found.get("/late")?.queuedAfter).toEqual([idOf("/x")]);
	});
});
