import { describe, expect, test } from "vitest";
import { QuotaError } from "./errors.ts";

describe("QuotaError", () => {
	test("endpoints in use: suggests deleting them", () => {
		const error = new QuotaError(2, 1, 10, 9);
		expect(error.message).toContain("quantity_limit 10, total 9");
		expect(error.message).toContain("sweep --delete");
	});

	test("quota below the need: suggests a larger quota", () => {
		const error = new QuotaError(2, 1, 1, 0);
		expect(error.message).toContain("the quota itself is below 2");
		expect(error.message).not.toContain("sweep");
	});
});
