import { describe, expect, test } from "vitest";
import { formatIamTime, TOKEN_LIFETIME_MS, TokenRegistry } from "./tokens.ts";

describe("token registry", () => {
	test("tokens expire after 24 hours", () => {
		const registry = new TokenRegistry();
		const issuedAt = new Date("2025-01-01T00:00:00.000Z");
		const issued = registry.issue("p".repeat(32), issuedAt);
		const justBefore = new Date(issuedAt.getTime() + TOKEN_LIFETIME_MS - 1);
		const atExpiry = new Date(issuedAt.getTime() + TOKEN_LIFETIME_MS);
		expect(registry.lookup(issued.token, justBefore)).toEqual({
			status: "valid",
			projectId: "p".repeat(32),
		});
		expect(registry.lookup(issued.token, atExpiry)).toEqual({
			status: "expired",
			expiresAt: atExpiry,
		});
	});

	test("unknown and prototype keys are unknown", () => {
		const registry = new TokenRegistry();
		registry.issue("p".repeat(32));
		for (const token of ["", "nope", "__proto__", "constructor"]) {
			expect(registry.lookup(token)).toEqual({ status: "unknown" });
		}
	});

	test("tokens are long, random and distinct", () => {
		const registry = new TokenRegistry();
		const first = registry.issue("p".repeat(32)).token;
		const second = registry.issue("p".repeat(32)).token;
		expect(first).not.toBe(second);
		expect(first).toMatch(/^[A-Za-z0-9_-]{256}$/);
		expect(registry.lookup(first).status).toBe("valid");
		expect(registry.lookup(second).status).toBe("valid");
	});

	test("IAM time has microseconds", () => {
		expect(formatIamTime(new Date("2024-01-04T09:05:22.701Z"))).toBe(
			"2024-01-04T09:05:22.701000Z",
		);
	});
});
