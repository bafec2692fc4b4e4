import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
	trackRequest,
	withFlow,
	withRequestLog,
} from "../client/request-flow.ts";
import { RequestLogFile, readRequestLog } from "../client/request-log.ts";
import {
	BudgetExhaustedError,
	type BudgetSlot,
	CHECK_PRIORITY,
	EndpointBudget,
	FIXTURE_PRIORITY,
} from "./budget.ts";

/** Resolves to "pending" when `promise` has not settled after a few turns. */
async function settled<T>(promise: Promise<T>): Promise<T | "pending"> {
	const marker = Symbol("pending");
	const result = await Promise.race([
		promise,
		new Promise<typeof marker>((resolve) =>
			setImmediate(() => resolve(marker)),
		),
	]);
	return result === marker ? "pending" : (result as T);
}

describe("EndpointBudget", () => {
	test("hands out at most two slots at once and records the peak", async () => {
		const budget = new EndpointBudget(2);
		const first = await budget.acquire("a");
		const second = await budget.acquire("b");
		const third = budget.acquire("c");
		expect(await settled(third)).toBe("pending");
		expect(budget.inUse).toBe(2);
		first.release();
		const granted = await third;
		expect(granted.purpose).toBe("c");
		expect(budget.inUse).toBe(2);
		second.release();
		granted.release();
		expect(budget.inUse).toBe(0);
		expect(budget.peak).toBe(2);
	});

	test("releasing a slot twice frees it once", async () => {
		const budget = new EndpointBudget(1);
		const slot = await budget.acquire("a");
		slot.release();
		const next = await budget.acquire("b");
		slot.release();
		const waiting = budget.acquire("c");
		expect(await settled(waiting)).toBe("pending");
		expect(budget.inUse).toBe(1);
		next.release();
		(await waiting).release();
	});

	test("same turn: fixture before check", async () => {
		const budget = new EndpointBudget(1);
		const check = budget.acquire("check", CHECK_PRIORITY);
		const fixture = budget.acquire("fixture", FIXTURE_PRIORITY);
		const first = await Promise.race([check, fixture]);
		expect(first.purpose).toBe("fixture");
		expect(await settled(check)).toBe("pending");
		first.release();
		expect((await check).purpose).toBe("check");
	});

	test("later fixture before waiting check", async () => {
		const budget = new EndpointBudget(1);
		const slot = await budget.acquire("first");
		const order: string[] = [];
		const record = (pending: Promise<BudgetSlot>) =>
			pending.then((granted) => {
				order.push(granted.purpose);
				granted.release();
			});
		const checks = [
			record(budget.acquire("check-1", CHECK_PRIORITY)),
			record(budget.acquire("check-2", CHECK_PRIORITY)),
		];
		// Both checks are queued before the fixtures request a slot.
		await new Promise((resolve) => setImmediate(resolve));
		await new Promise((resolve) => setImmediate(resolve));
		const fixtures = [
			record(budget.acquire("fixture-1", FIXTURE_PRIORITY)),
			record(budget.acquire("fixture-2", FIXTURE_PRIORITY)),
		];
		slot.release();
		await Promise.all([...checks, ...fixtures]);
		expect(order).toEqual(["fixture-1", "fixture-2", "check-1", "check-2"]);
	});

	test("waiters are served in order", async () => {
		const budget = new EndpointBudget(1);
		const slot = await budget.acquire("first");
		const order: string[] = [];
		const later = ["second", "third"].map((purpose) =>
			budget.acquire(purpose).then((granted) => {
				order.push(granted.purpose);
				granted.release();
			}),
		);
		slot.release();
		await Promise.all(later);
		expect(order).toEqual(["second", "third"]);
	});

	test("a waiter is rejected once every slot is held or stuck", async () => {
		const budget = new EndpointBudget(2);
		const live = await budget.acquire("live endpoint");
		const other = await budget.acquire("deleted endpoint");
		live.bind("id-live");
		live.hold();
		const waiting = budget.acquire("negative create");
		expect(await settled(waiting)).toBe("pending");
		other.bind("id-other");
		other.markStuck();
		await expect(waiting).rejects.toBeInstanceOf(BudgetExhaustedError);
		await expect(budget.acquire("late create")).rejects.toThrow(
			/live endpoint id-live \(held\), deleted endpoint id-other \(stuck\)/,
		);
	});

	test("a held slot still frees when its endpoint is deleted", async () => {
		const budget = new EndpointBudget(1);
		const live = await budget.acquire("live");
		live.hold();
		await expect(budget.acquire("x")).rejects.toThrow(/no endpoint slot/);
		live.markPending();
		const waiting = budget.acquire("y");
		live.release();
		expect((await waiting).purpose).toBe("y");
	});

	test("rejects an invalid limit", () => {
		expect(() => new EndpointBudget(0)).toThrow(/limit 0 is invalid/);
	});

	test("a create that waited for a slot is logged as queued behind the request that freed it", async () => {
		const log = RequestLogFile.create(
			join(mkdtempSync(join(tmpdir(), "maas-budget-")), "requests.jsonl"),
		);
		const budget = new EndpointBudget(1);
		const request = (path: string) =>
			trackRequest("POST", { path })({ status: 200 });
		await withRequestLog(log, "probes", async () => {
			const slot = await withFlow("first", () => budget.acquire("first"));
			const second = withFlow("second", async () => {
				const granted = await budget.acquire("second");
				request("/second");
				granted.release();
			});
			await withFlow("releaser", async () => {
				request("/delete");
				slot.release();
			});
			await second;
			// A slot free at once: no queue wait.
			await withFlow("third", async () => {
				const granted = await budget.acquire("third");
				request("/third");
				granted.release();
			});
		});
		const found = new Map(
			readRequestLog(log.path).entries.map((entry) => [entry.path, entry]),
		);
		expect(found.get("/second")?.queuedAfter).toEqual([
			found.get("/delete")?.id,
		]);
		expect(found.get("/delete")).not.toHaveProperty("queuedAfter");
		expect(found.get("/third")).not.toHaveProperty("queuedAfter");
	});
});
