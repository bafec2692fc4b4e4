/**
 * The bound of the run's live endpoints from the mock region's request
 * log: accepted creates count from their arrival, accepted deletes free
 * one when their response ended, and failed requests count for nothing.
 */
import { describe, expect, test } from "vitest";
import { regionAlivePeak } from "./region-alive-peak.ts";

const COLLECTION = "/v1/p/maas/services/custom-endpoint/endpoint";

function create(startedAt: number, endedAt: number, status = 200) {
	return { method: "POST", path: COLLECTION, status, startedAt, endedAt };
}

function remove(startedAt: number, endedAt: number, status = 204) {
	return {
		method: "DELETE",
		path: `${COLLECTION}/3f2c8a4e`,
		status,
		startedAt,
		endedAt,
	};
}

describe("regionAlivePeak", () => {
	test("two lanes, one endpoint each: 2", () => {
		expect(
			regionAlivePeak([
				create(0, 10),
				create(5, 15),
				remove(20, 30),
				remove(25, 35),
			]),
		).toBe(2);
	});

	test("a lane's create right after its delete ended: counted once", () => {
		expect(
			regionAlivePeak([create(0, 10), remove(20, 30), create(30, 40)]),
		).toBe(1);
	});

	test("three overlapping: 3", () => {
		expect(
			regionAlivePeak([
				create(0, 10),
				create(1, 11),
				create(2, 12),
				remove(20, 30),
			]),
		).toBe(3);
	});

	test("a delete counts only once its response ended", () => {
		expect(
			regionAlivePeak([create(0, 10), remove(20, 40), create(30, 50)]),
		).toBe(2);
	});

	test("rejected creates and deletes, lists and controls: not counted", () => {
		expect(
			regionAlivePeak([
				create(0, 10),
				create(1, 11, 400),
				remove(2, 12, 400),
				{
					method: "GET",
					path: COLLECTION,
					status: 200,
					startedAt: 3,
					endedAt: 4,
				},
				{
					method: "PUT",
					path: "/v1/p/maas/services/custom-endpoint/control/3f2c8a4e",
					status: 204,
					startedAt: 5,
					endedAt: 6,
				},
				create(20, 30),
			]),
		).toBe(2);
	});
});
