import { describe, expect, test } from "vitest";
import { parseBenchOptions } from "./bench-options.ts";

describe("parseBenchOptions", () => {
	test("defaults to 3 runs at 0 and 100 ms, written to docs/benchmark.md", () => {
		expect(parseBenchOptions([])).toEqual({
			runs: 3,
			delays: [0, 100],
			output: "docs/benchmark.md",
			help: false,
		});
	});

	test("takes --flag value and --flag=value", () => {
		expect(
			parseBenchOptions(["--runs", "5", "--delays=0,50,200", "--output=x.md"]),
		).toMatchObject({ runs: 5, delays: [0, 50, 200], output: "x.md" });
	});

	test("drops a repeated delay", () => {
		expect(parseBenchOptions(["--delays", "100,100,0"]).delays).toEqual([
			100, 0,
		]);
	});

	test("rejects a run count that is not a positive integer", () => {
		for (const runs of ["0", "-1", "2.5", "many"]) {
			expect(() => parseBenchOptions(["--runs", runs])).toThrow(
				expect.objectContaining({
					code: "MAAS_CONFIG_INVALID",
					variable: "--runs",
				}),
			);
		}
	});

	test("rejects a delay that is not a non-negative integer", () => {
		expect(() => parseBenchOptions(["--delays", "0,fast"])).toThrow(
			/"fast" in "0,fast"/,
		);
		expect(() => parseBenchOptions(["--delays", "0,-5"])).toThrow(
			expect.objectContaining({ variable: "--delays" }),
		);
	});

	test("rejects a flag without a value and an unknown argument", () => {
		expect(() => parseBenchOptions(["--runs"])).toThrow(/--runs needs a value/);
		expect(() => parseBenchOptions(["--fast"])).toThrow(/unknown argument/);
	});
});
