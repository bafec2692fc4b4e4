import {
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
} from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { type MockRegion, startMockRegion } from "../mock-region/index.ts";
import { findAll, parseXml, type XmlElement } from "../report/xml-check.ts";
import { baseEnvironment, runCli, startCli } from "./cli-process.ts";

/** End-to-end: the gate as a real process against mock regions. */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), "maas-gate-"));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

async function mock(
	options: Parameters<typeof startMockRegion>[0] = {},
): Promise<MockRegion> {
	const region = await startMockRegion(options);
	cleanups.push(() => region.close());
	return region;
}

function envFor(
	region: MockRegion,
	reportDir: string,
	extra: Record<string, string> = {},
) {
	return baseEnvironment({
		MAAS_ENDPOINT: region.url,
		MAAS_PROJECT_ID: region.projectId,
		MAAS_AUTH_TOKEN: region.token,
		MAAS_REPORT_DIR: reportDir,
		...extra,
	});
}

function mergedTestcases(reportDir: string): XmlElement[] {
	const xml = readFileSync(join(reportDir, "junit.xml"), "utf8");
	return findAll(parseXml(xml), "testcase");
}

function failing(testcases: XmlElement[]): XmlElement[] {
	return testcases.filter(
		(testcase) =>
			findAll(testcase, "failure").length + findAll(testcase, "error").length >
			0,
	);
}

/** Returns a port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	if (!address || typeof address === "string") throw new Error("no port");
	return address.port;
}

/** Checks that stderr is one non-empty line ending a sentence, and returns it. */
function expectOneSentence(stderr: string): string {
	const lines = stderr.split("\n").filter((line) => line.trim() !== "");
	expect(lines).toHaveLength(1);
	expect(lines[0]).toMatch(/\.$/);
	return lines[0] ?? "";
}

describe("gate exits 2 when it cannot start", () => {
	test("a bad MAAS_REQUEST_TIMEOUT_MS", async () => {
		const reportDir = tempDir();
		const result = await runCli(
			["gate"],
			baseEnvironment({
				MAAS_REQUEST_TIMEOUT_MS: "soon",
				MAAS_REPORT_DIR: reportDir,
			}),
		);
		expect(result.code).toBe(2);
		expect(expectOneSentence(result.stderr)).toContain(
			"MAAS_REQUEST_TIMEOUT_MS",
		);
		expect(existsSync(join(reportDir, "junit.xml"))).toBe(false);
	});

	test("MAAS_ENDPOINT without a token", async () => {
		const result = await runCli(
			["gate"],
			baseEnvironment({
				MAAS_ENDPOINT: "http://127.0.0.1:9",
				MAAS_PROJECT_ID: "0123456789abcdef0123456789abcdef",
				MAAS_REPORT_DIR: tempDir(),
			}),
		);
		expect(result.code).toBe(2);
		expect(expectOneSentence(result.stderr)).toContain("MAAS_AUTH_TOKEN");
	});

	test("an unreachable endpoint (closed port on 127.0.0.1)", async () => {
		const port = await closedPort();
		const result = await runCli(
			["gate", "--endpoint", `http://127.0.0.1:${port}`],
			baseEnvironment({
				MAAS_PROJECT_ID: "0123456789abcdef0123456789abcdef",
				MAAS_AUTH_TOKEN: "some-token-value",
				MAAS_REPORT_DIR: tempDir(),
			}),
		);
		expect(result.code).toBe(2);
		const line = expectOneSentence(result.stderr);
		expect(line).toContain(`http://127.0.0.1:${port}`);
		expect(line).toContain("MAAS_ENDPOINT");
	});

	test("a refused IAM login, without the password in the output", async () => {
		const region = await mock();
		const password = "wrong-password-71c3";
		const result = await runCli(
			["gate", `--iam-password=${password}`],
			baseEnvironment({
				MAAS_ENDPOINT: region.url,
				MAAS_PROJECT_ID: region.projectId,
				MAAS_IAM_ENDPOINT: region.iamUrl,
				MAAS_IAM_USER: region.users[0]?.name ?? "",
				MAAS_IAM_DOMAIN: region.users[0]?.domain ?? "",
				MAAS_REPORT_DIR: tempDir(),
			}),
		);
		expect(result.code).toBe(2);
		expect(expectOneSentence(result.stderr)).toContain("IAM login");
		expect(result.stdout + result.stderr).not.toContain(password);
		expect(region.endpoints()).toEqual([]);
	});

	test("not enough free quota", async () => {
		const region = await mock({
			quota: 2,
			seed: [{ endpoint_name: "someone-elses-endpoint" }],
		});
		const reportDir = tempDir();
		const result = await runCli(["gate"], envFor(region, reportDir));
		expect(result.code).toBe(2);
		expect(expectOneSentence(result.stderr)).toContain("free endpoint slots");
		// The stages had started, held. They were stopped unreleased, so the
		// region saw the preflight's list only and no stage reported.
		expect(
			region
				.requests()
				.map((entry) => `${entry.method} ${entry.path.split("?")[0]}`),
		).toEqual([
			`GET /v1/${region.projectId}/maas/services/custom-endpoint/endpoint`,
		]);
		expect(result.stdout).not.toMatch(/^(contracts|verify|probes): /m);
		expect(existsSync(join(reportDir, "junit"))).toBe(false);
		expect(existsSync(join(reportDir, "junit.xml"))).toBe(false);
	}, 120_000);
});

interface PreflightRegion {
	url: string;
	/** Requests received, as "METHOD path". */
	seen: string[];
	/** Resolves once both held stages have loaded and wait for their release. */
	bothWaiting: Promise<boolean>;
}

/**
 * A region that responds only to lists, with `listBody`. It sends the first
 * (the preflight's) `extraDelayMs` after both held stages' logs show that
 * they wait, or after 60 s. Every other request gets 500: it would be a
 * stage that did not wait for its release.
 */
async function preflightRegion(
	reportDir: string,
	listBody: Record<string, unknown>,
	extraDelayMs = 0,
): Promise<PreflightRegion> {
	const seen: string[] = [];
	const waited = (stage: string) => {
		try {
			return readFileSync(
				join(reportDir, "logs", `${stage}.log`),
				"utf8",
			).includes("waits for its release");
		} catch {
			return false;
		}
	};
	let reportWaiting: (waiting: boolean) => void = () => {};
	const bothWaiting = new Promise<boolean>((resolve) => {
		reportWaiting = resolve;
	});
	const server = createHttpServer(async (request, response) => {
		seen.push(`${request.method} ${request.url}`);
		const list = () =>
			response
				.writeHead(200, { "content-type": "application/json" })
				.end(JSON.stringify(listBody));
		if (request.method !== "GET") {
			response.writeHead(500).end();
			return;
		}
		if (seen.length > 1) {
			list();
			return;
		}
		let both = false;
		for (let polls = 0; polls < 1200 && !both; polls++) {
			both = waited("verify") && waited("probes");
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		reportWaiting(both);
		await new Promise((resolve) => setTimeout(resolve, extraDelayMs));
		list();
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	cleanups.push(
		() => new Promise<void>((resolve) => server.close(() => resolve())),
	);
	const address = server.address();
	if (!address || typeof address === "string") throw new Error("no port");
	return { url: `http://127.0.0.1:${address.port}`, seen, bothWaiting };
}

/** Pids of this machine's processes whose environment contains `text` (Linux /proc). */
function processesWith(text: string): number[] {
	const found: number[] = [];
	for (const name of readdirSync("/proc")) {
		if (!/^\d+$/.test(name)) continue;
		try {
			if (readFileSync(`/proc/${name}/environ`, "utf8").includes(text)) {
				found.push(Number(name));
			}
		} catch {
			// Gone, or not ours to read.
		}
	}
	return found;
}

function preflightEnv(region: PreflightRegion, reportDir: string) {
	return baseEnvironment({
		MAAS_ENDPOINT: region.url,
		MAAS_PROJECT_ID: "0123456789abcdef0123456789abcdef",
		MAAS_AUTH_TOKEN: "held-stage-test-token",
		MAAS_REPORT_DIR: reportDir,
	});
}

/**
 * Starts the gate against a preflightRegion with free quota, which responds
 * to the preflight `extraDelayMs` after both held stages wait, and returns
 * once they do.
 */
async function gateWithHeldStages(extraDelayMs: number) {
	const reportDir = tempDir();
	const region = await preflightRegion(
		reportDir,
		{ total: 0, count: 0, quantity_limit: 10, items: [] },
		extraDelayMs,
	);
	const run = startCli(["gate"], preflightEnv(region, reportDir));
	expect(await region.bothWaiting).toBe(true);
	return { reportDir, region, run };
}

describe("held stages", () => {
	test("send nothing while the preflight is under way", async () => {
		// Too little free quota, so the gate never releases the stages.
		const reportDir = tempDir();
		const region = await preflightRegion(reportDir, {
			total: 9,
			count: 9,
			quantity_limit: 10,
			items: [],
		});
		const result = await runCli(["gate"], preflightEnv(region, reportDir));
		expect(await region.bothWaiting).toBe(true);
		expect(result.code).toBe(2);
		expect(expectOneSentence(result.stderr)).toContain("free endpoint slots");
		// The stopped stages leave no log, report or ledger behind.
		expect(existsSync(join(reportDir, "logs", "verify.log"))).toBe(false);
		expect(existsSync(join(reportDir, "junit"))).toBe(false);
		expect(region.seen).toHaveLength(1);
		expect(region.seen[0]).toMatch(/^GET \/v1\/.*\/endpoint$/);
	}, 120_000);

	test("a gate killed outright leaves no stage process behind", async () => {
		const { reportDir, region, run } = await gateWithHeldStages(60_000);
		run.child.kill("SIGKILL");
		await run.result;
		// Every process of the run has the report folder in its environment.
		let left = processesWith(reportDir);
		for (let polls = 0; polls < 300 && left.length > 0; polls++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			left = processesWith(reportDir);
		}
		expect(left).toEqual([]);
		expect(region.seen).toHaveLength(1);
	}, 120_000);

	test("SIGINT during the preflight: exit 130, none released", async () => {
		const { reportDir, region, run } = await gateWithHeldStages(1500);
		run.child.kill("SIGINT");
		const result = await run.result;
		expect(result.code).toBe(130);
		expect(result.stderr).toContain(
			"SIGINT: stopping the stages before they use the region.",
		);
		expect(result.stdout).toContain("Verdict: INTERRUPTED by SIGINT");
		const testcases = mergedTestcases(reportDir);
		expect(testcases.map((t) => t.attributes.name)).toContain(
			"GATE-INTERRUPTED run stopped by SIGINT",
		);
		expect(
			testcases.filter((t) =>
				/^(verify|probes)\//.test(t.attributes.classname ?? ""),
			),
		).toEqual([]);
		// The preflight's list and nothing else. The ledger is empty, so the
		// cleanup has nothing to look for.
		expect(region.seen).toHaveLength(1);
		expect(region.seen[0]).toMatch(/^GET \/v1\/.*\/endpoint$/);
	}, 120_000);
});

describe("command line", () => {
	test("an unknown flag exits 2 with one sentence and the usage", async () => {
		const result = await runCli(["gate", "--no-such-flag"]);
		expect(result.code).toBe(2);
		const [first] = result.stderr.split("\n");
		expect(first).toMatch(/^unknown flag --no-such-flag for "gate".*\.$/);
		expect(result.stderr).toContain("Usage: maas-conformance gate");
	});

	test("an unknown subcommand exits 2", async () => {
		const result = await runCli(["gates"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('unknown command "gates"');
		expect(result.stderr).toContain("Usage: maas-conformance <command>");
	});

	test("--help on each subcommand exits 0", async () => {
		for (const command of ["gate", "mock-region", "sweep"]) {
			const result = await runCli([command, "--help"]);
			expect(result.code).toBe(0);
			expect(result.stdout).toContain(`Usage: maas-conformance ${command}`);
		}
		const help = await runCli(["help"]);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain("Commands:");
	});

	test("flags win over the environment, in both --x=v and --x v forms", async () => {
		const reportDir = tempDir();
		const result = await runCli(
			["gate", "--request-timeout-ms", "later", "--dry-run"],
			baseEnvironment({
				MAAS_REQUEST_TIMEOUT_MS: "30000",
				MAAS_REPORT_DIR: reportDir,
			}),
		);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('"later"');
		const fine = await runCli(
			["gate", "--request-timeout-ms=5000", "--dry-run"],
			baseEnvironment({ MAAS_REQUEST_TIMEOUT_MS: "soon" }),
		);
		expect(fine.code).toBe(0);
	});
});

describe("gate --dry-run", () => {
	test("prints the plan, sends no request and writes no file", async () => {
		const region = await mock();
		const parent = tempDir();
		const reportDir = join(parent, "reports");
		const result = await runCli(
			["gate", "--dry-run"],
			envFor(region, reportDir),
		);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("contracts:");
		expect(result.stdout).toContain("verify:");
		expect(result.stdout).toContain("probes:");
		expect(result.stdout).toContain("DELETE-204-EMPTY");
		expect(result.stdout).toContain("Names burned");
		expect(region.requests()).toEqual([]);
		expect(existsSync(reportDir)).toBe(false);
	});
});

describe("gate runs", () => {
	test("the embedded region conforms: exit 0, >= 15 testcases, none failed or skipped", async () => {
		const reportDir = tempDir();
		const result = await runCli(
			["gate"],
			baseEnvironment({ MAAS_REPORT_DIR: reportDir }),
		);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const testcases = mergedTestcases(reportDir);
		expect(testcases.length).toBeGreaterThanOrEqual(15);
		expect(failing(testcases)).toEqual([]);
		expect(testcases.filter((t) => findAll(t, "skipped").length > 0)).toEqual(
			[],
		);
		expect(result.stdout).toContain("Verdict: CONFORMS");
		for (const stage of ["contracts", "verify", "probes"]) {
			expect(existsSync(join(reportDir, "junit", `${stage}.xml`))).toBe(true);
			expect(existsSync(join(reportDir, "logs", `${stage}.log`))).toBe(true);
		}
		expect(readFileSync(join(reportDir, "summary.txt"), "utf8")).toContain(
			"Verdict: CONFORMS",
		);
		// The consumer tests wrote their pact file here, not into the
		// committed contracts/pacts that the verify stage read meanwhile.
		expect(
			existsSync(
				join(
					reportDir,
					"pacts",
					"maas-endpoint-client-maas-custom-endpoint-api.json",
				),
			),
		).toBe(true);
	}, 300_000);

	test("a region whose 204 delete carries a body: exit 1, DELETE-204-EMPTY fails, nothing left", async () => {
		const region = await mock({ deviations: ["delete-204-body"] });
		const reportDir = tempDir();
		const result = await runCli(
			["gate"],
			envFor(region, reportDir, { MAAS_REQUEST_TIMEOUT_MS: "5000" }),
		);
		expect(result.code).toBe(1);
		const failed = failing(mergedTestcases(reportDir)).map(
			(testcase) => testcase.attributes.name ?? "",
		);
		expect(failed.some((name) => name.startsWith("DELETE-204-EMPTY"))).toBe(
			true,
		);
		expect(result.stdout).toContain("Verdict: DOES NOT CONFORM");
		expect(region.endpoints()).toEqual([]);
		expect(result.stdout + result.stderr).not.toContain(region.token);
		expect(readFileSync(join(reportDir, "junit.xml"), "utf8")).not.toContain(
			region.token,
		);
	}, 300_000);

	test("a region that keeps deleted endpoints: GATE-CLEANUP fails, other endpoints untouched", async () => {
		const region = await mock({
			deviations: ["delete-keeps-endpoint"],
			quota: 30,
			seed: [{ endpoint_name: "someone-elses-endpoint" }],
		});
		const seedId = region.endpoints()[0]?.id ?? "";
		const reportDir = tempDir();
		const result = await runCli(
			["gate"],
			envFor(region, reportDir, { MAAS_REQUEST_TIMEOUT_MS: "5000" }),
		);
		expect(result.code).toBe(1);
		const [cleanup] = mergedTestcases(reportDir).filter((testcase) =>
			testcase.attributes.name?.startsWith("GATE-CLEANUP"),
		);
		expect(cleanup).toBeDefined();
		const [error] = findAll(cleanup as XmlElement, "error");
		expect(error?.attributes.message).toContain("sweep --delete");
		const deletes = region
			.requests()
			.filter((request) => request.method === "DELETE");
		expect(deletes.some((request) => request.path.includes(seedId))).toBe(
			false,
		);
		expect(region.endpoints().map((e) => e.endpoint_name)).toContain(
			"someone-elses-endpoint",
		);
	}, 300_000);

	test("SIGINT mid-run stops the stage, deletes the run's endpoints, exits 130", async () => {
		const region = await mock({
			delayMs: 150,
			seed: [{ endpoint_name: "someone-elses-endpoint" }],
		});
		const reportDir = tempDir();
		const run = startCli(["gate"], envFor(region, reportDir));
		const runEndpoint = () =>
			region
				.endpoints()
				.some((endpoint) => endpoint.endpoint_name.startsWith("conformance-"));
		let exited = false;
		void run.result.then(() => {
			exited = true;
		});
		while (!runEndpoint() && !exited) {
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
		expect(exited).toBe(false);
		run.child.kill("SIGINT");
		const result = await run.result;
		expect(result.code).toBe(130);
		expect(region.endpoints().map((e) => e.endpoint_name)).toEqual([
			"someone-elses-endpoint",
		]);
		const testcases = mergedTestcases(reportDir);
		const names = testcases.map((t) => t.attributes.name);
		expect(names).toContain("GATE-INTERRUPTED run stopped by SIGINT");
		expect(result.stdout).toContain("Verdict: INTERRUPTED by SIGINT");
		// The signal came during verify, while probes was held. Probes was
		// stopped unreleased, so it sent nothing and has no line or testcase.
		expect(result.stdout).not.toMatch(/^probes: /m);
		expect(
			testcases.filter((t) => t.attributes.classname?.startsWith("probes/")),
		).toEqual([]);
		const stages = readFileSync(join(reportDir, "requests.jsonl"), "utf8")
			.trim()
			.split("\n")
			.map((line) => (JSON.parse(line) as { stage: string }).stage);
		expect(stages).toContain("preflight");
		expect(stages).not.toContain("probes");
	}, 300_000);
});
