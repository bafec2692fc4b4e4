import { defineConfig } from "vitest/config";

// Pact's native core sends usage data unless this is set before it loads.
process.env.PACT_DO_NOT_TRACK = "true";

export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: "unit",
					include: ["src/**/*.test.ts"],
					testTimeout: 60_000,
					hookTimeout: 60_000,
				},
			},
			{
				test: {
					name: "contracts",
					// One module graph for all files: Pact loads once, not per file.
					isolate: false,
					include: ["contracts/**/*.pact.test.ts"],
					fileParallelism: false,
					testTimeout: 60_000,
					// Pact's mock server records a matched request after it has
					// answered it. Under CPU load (the gate runs this stage beside
					// the others) the check right after the answer can still miss
					// it and report "expected but not received"; a consumer test
					// that fails that way passes when run again. A real mismatch
					// fails every attempt.
					retry: 2,
				},
			},
			{
				test: {
					name: "verify",
					include: ["contracts/verify/**/*.verify.test.ts"],
					// Starts the verification processes while the test file loads.
					setupFiles: [
						"contracts/support/verification-early-start.ts",
						"src/stage-release-hook.ts",
					],
					fileParallelism: false,
					// The interactions' tests are concurrent and each waits for a
					// verification lane (LANE_COUNT, 2, in
					// contracts/support/lane-limits.ts). All 8 of the committed pact
					// start at once and queue for the lanes in file order.
					maxConcurrency: 8,
					testTimeout: 600_000,
					hookTimeout: 600_000,
				},
			},
			{
				test: {
					name: "probes",
					// One module that loads every spec file, so their checks run side
					// by side and share one endpoint budget and one set of fixtures.
					include: ["specs/all-specs.ts"],
					fileParallelism: false,
					isolate: false,
					maxWorkers: 1,
					// Every check may start at once. They queue on the fixtures and
					// the endpoint budget, not on vitest's default limit of 5.
					maxConcurrency: 64,
					// A stage the gate holds waits here for its release.
					setupFiles: ["src/stage-release-hook.ts"],
					testTimeout: 600_000,
					hookTimeout: 600_000,
					// Deletes the run's endpoints still alive when the stage ends.
					globalSetup: ["src/probe/stage-teardown.ts"],
				},
			},
		],
	},
});
