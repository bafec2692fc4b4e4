import { describe, expect, test } from "vitest";
import { runCli, startCli } from "./cli-process.ts";
import { mockOptionsOf } from "./mock-region.ts";

describe("mockOptionsOf", () => {
	test("turns flags into mock options", () => {
		expect(
			mockOptionsOf({
				port: "0",
				quota: "30",
				deviation: ["delete-204-body", "error-html"],
				"delay-ms": "5",
				"not-found-status": "404",
				"create-status": "201",
				"create-without-id": true,
				"edit-status": "204",
				"extra-fields": true,
				"invalid-token-style": "delete-example",
			}),
		).toEqual({
			port: 0,
			quota: 30,
			deviations: ["delete-204-body", "error-html"],
			delayMs: 5,
			notFoundStatus: 404,
			createStatus: 201,
			createReturnsId: false,
			editStatus: 204,
			extraFields: true,
			invalidTokenStyle: "delete-example",
		});
	});

	test.each([
		[{ quota: "ten" }, /--quota must be a non-negative integer/],
		[
			{ "not-found-status": "410" },
			/--not-found-status must be one of 400, 404/,
		],
		[{ deviation: ["no-such-rule"] }, /unknown deviation "no-such-rule"/],
	])("rejects %o", (values, message) => {
		expect(() => mockOptionsOf(values)).toThrow(message);
	});
});

describe("maas-conformance mock-region", () => {
	test("prints the URL and env lines, serves requests, stops on SIGINT", async () => {
		const run = startCli(["mock-region", "--quota", "30"]);
		let exited = false;
		void run.result.then(() => {
			exited = true;
		});
		while (!run.stdout().includes("Press Ctrl-C") && !exited) {
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
		const out = run.stdout();
		const url = /^MAAS_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
		const projectId = /^MAAS_PROJECT_ID=([0-9a-z]{32})$/m.exec(out)?.[1];
		const token = /^MAAS_AUTH_TOKEN=(\S+)$/m.exec(out)?.[1];
		expect(url).toBeDefined();
		expect(projectId).toBeDefined();
		expect(token).toBeDefined();
		const response = await fetch(
			`${url}/v1/${projectId}/maas/services/custom-endpoint/endpoint`,
			{ headers: { "X-Auth-Token": token ?? "" } },
		);
		expect(response.status).toBe(200);
		expect(
			((await response.json()) as { quantity_limit: number }).quantity_limit,
		).toBe(30);
		run.child.kill("SIGINT");
		const result = await run.result;
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("Mock region stopped (SIGINT)");
	});

	test("an unknown deviation exits 2", async () => {
		const result = await runCli(["mock-region", "--deviation", "no-such-rule"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('unknown deviation "no-such-rule"');
	});

	test("--list-deviations prints every deviation", async () => {
		const result = await runCli(["mock-region", "--list-deviations"]);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("delete-204-body: ");
	});
});
