import { describe, expect, test } from "vitest";
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
});
