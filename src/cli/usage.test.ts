import { describe, expect, test } from "vitest";
import { GATE_USAGE, SWEEP_USAGE } from "./usage.ts";

describe("help texts", () => {
	test("gate help lists every configuration flag", () => {
		expect(GATE_USAGE).toContain("Unset: the embedded\n");
		for (const flag of ["--endpoint", "--source", "--model-name"]) {
			expect(GATE_USAGE).toContain(flag);
		}
	});

	test("sweep help lists only the flags sweep uses", () => {
		expect(SWEEP_USAGE).toContain("Required: the region");
		expect(SWEEP_USAGE).not.toContain("embedded");
		expect(SWEEP_USAGE).not.toContain("--source");
		expect(SWEEP_USAGE).not.toContain("--model-name");
		expect(SWEEP_USAGE).toContain("--name-prefix");
	});
});
