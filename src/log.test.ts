import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs a module body in a child node with tsx, so NODE_DEBUG applies afresh. */
function run(code: string, nodeDebug: string | undefined) {
	const env: Record<string, string> = { PATH: process.env.PATH ?? "" };
	if (nodeDebug !== undefined) env.NODE_DEBUG = nodeDebug;
	return spawnSync(
		process.execPath,
		["--import", "tsx", "--input-type=module", "-e", code],
		{ cwd: root, env, encoding: "utf8", timeout: 30_000 },
	);
}

const SCRIPT = `
import { debug } from "./src/log.ts";
import { registerSecret } from "./src/redact.ts";
registerSecret("log-test-secret-42");
debug("client", "GET %s token=%s", "/v1/p/x", "log-test-secret-42");
debug("wire", "X-Auth-Token: %s", "raw-token-value");
`;

describe("debug", () => {
	test("writes redacted lines with NODE_DEBUG=maas", () => {
		const result = run(SCRIPT, "maas");
		expect(result.status).toBe(0);
		expect(result.stderr).toContain("[client] GET /v1/p/x token=***");
		expect(result.stderr).toContain("[wire] X-Auth-Token: ***");
		expect(result.stderr).not.toContain("log-test-secret-42");
		expect(result.stderr).not.toContain("raw-token-value");
		expect(result.stdout).toBe("");
	});

	test("writes nothing without NODE_DEBUG=maas", () => {
		const result = run(SCRIPT, undefined);
		expect(result.status).toBe(0);
		expect(result.stderr).toBe("");
		expect(result.stdout).toBe("");
	});
});
