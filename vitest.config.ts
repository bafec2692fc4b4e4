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
					include: ["contracts/**/*.pact.test.ts"],
					fileParallelism: false,
					testTimeout: 60_000,
				},
			},
			{
				test: {
					name: "verify",
					include: ["contracts/verify/**/*.verify.test.ts"],
					fileParallelism: false,
					testTimeout: 600_000,
					hookTimeout: 600_000,
				},
			},
			{
				test: {
					name: "probes",
					include: ["specs/**/*.spec.ts"],
					// One worker without isolation: spec files share module state,
					// so the endpoint budget and shared fixtures span all of them.
					fileParallelism: false,
					isolate: false,
					maxWorkers: 1,
					sequence: { concurrent: true },
					testTimeout: 600_000,
					hookTimeout: 600_000,
					// Deletes the run's endpoints still alive when the stage ends.
					globalSetup: ["src/probe/stage-teardown.ts"],
				},
			},
		],
	},
});
