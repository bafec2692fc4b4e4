import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../config/index.ts";
import { contractsPactDir } from "./contracts-pact-dir.ts";

/**
 * The gate's contracts stage never writes into the committed pact folder,
 * which the verify stage reads at the same time.
 */
describe("contracts stage pact folder", () => {
	test("default folder: moved to the report folder", () => {
		const config = loadConfig({
			env: { MAAS_REPORT_DIR: "/tmp/gate-reports" },
			envFile: false,
		});
		expect(contractsPactDir(config)).toBe(join("/tmp/gate-reports", "pacts"));
	});

	test("the committed folder named explicitly: moved as well", () => {
		const config = loadConfig({
			env: {
				MAAS_REPORT_DIR: "/tmp/gate-reports",
				MAAS_PACT_DIR: defaults().pactDir,
			},
			envFile: false,
		});
		expect(contractsPactDir(config)).toBe(join("/tmp/gate-reports", "pacts"));
	});

	test("another folder: kept", () => {
		const config = loadConfig({
			env: { MAAS_PACT_DIR: "/tmp/my-pacts" },
			envFile: false,
		});
		expect(contractsPactDir(config)).toBe("/tmp/my-pacts");
	});
});

/** The configuration with every default. */
function defaults() {
	return loadConfig({ env: {}, envFile: false });
}
