/**
 * Proves the probes against the mock region: the probe stage runs as a
 * child process (as the gate runs it) against a mock started here. The
 * conformant mock passes in every documented alternative; each deviation
 * fails at least the requirement it breaks. After every run the mock must
 * hold none of the run's endpoints and the run must never have had more than
 * two alive. The matrix of deviations and failing requirements is written to
 * specs/DETECTION.md when every case ran.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
	loadConfig,
	PROJECT_ROOT,
	toChildEnvironment,
} from "../config/index.ts";
import {
	DEVIATIONS,
	type DeviationName,
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { REQUIREMENTS, requirementById } from "../requirements/index.ts";
import { Ledger } from "./ledger.ts";
import { randomRunId } from "./run-id.ts";

/** The requirement each deviation breaks; the probes must fail at least these. */
const EXPECTED_FAILURES: Record<DeviationName, readonly string[]> = {
	"delete-200-json": ["DELETE-204-EMPTY"],
	"delete-204-body": ["DELETE-204-EMPTY"],
	"delete-204-chunked": ["DELETE-204-EMPTY"],
	"delete-204-wrong-length": ["DELETE-204-EMPTY"],
	"delete-keeps-endpoint": ["DELETE-REMOVES-ENDPOINT"],
	"delete-repeat-accepted": ["DELETE-REPEAT-REJECTED"],
	"delete-unknown-accepted": ["DELETE-UNKNOWN-REJECTED"],
	"delete-unknown-500": ["DELETE-UNKNOWN-REJECTED"],
	"delete-without-token": ["DELETE-TOKEN-REQUIRED"],
	"delete-any-token": ["DELETE-TOKEN-VALIDATED"],
	"delete-ignores-project": ["DELETE-PROJECT-SCOPED"],
	"delete-malformed-id-500": ["DELETE-MALFORMED-ID-SAFE"],
	"delete-reset": ["DELETE-204-EMPTY"],
	"delete-never-responds": ["DELETE-204-EMPTY"],
	"error-no-error-code": ["ERROR-BODY-SCHEMA"],
	"error-code-not-string": ["ERROR-BODY-SCHEMA"],
	"error-html": ["ERROR-BODY-SCHEMA", "ERROR-CONTENT-TYPE-JSON"],
	"error-text-plain": ["ERROR-CONTENT-TYPE-JSON"],
	"error-truncated-json": ["ERROR-BODY-SCHEMA"],
	"name-reusable-after-delete": ["NAME-NEVER-REUSED"],
	"name-duplicate-allowed": ["NAME-UNIQUE-LIVE"],
	"create-missing-name-accepted": ["CREATE-NAME-REQUIRED"],
	"create-invalid-name-accepted": ["CREATE-NAME-VALIDATED"],
	"create-not-listed": ["CREATE-SUCCEEDS"],
	"list-count-missing": ["LIST-SCHEMA"],
	"list-oversized": ["LIST-SCHEMA"],
	"edit-ignored": ["EDIT-APPLIES"],
	"edit-unknown-accepted": ["EDIT-UNKNOWN-REJECTED"],
	"control-200-json": ["CONTROL-204-EMPTY"],
	"control-unknown-accepted": ["CONTROL-UNKNOWN-REJECTED"],
	"control-any-action": ["CONTROL-ACTION-VALIDATED"],
	"iam-token-in-body": ["IAM-TOKEN-ISSUED"],
	"iam-any-password": ["IAM-TOKEN-ISSUED"],
};

/** Deviations after which the region keeps endpoints that no delete removes. */
const UNDELETABLE: ReadonlySet<DeviationName> = new Set([
	"delete-keeps-endpoint",
]);

/** Deviations that hang or cut requests: a short timeout keeps the run short. */
const HANGING: ReadonlySet<DeviationName> = new Set([
	"delete-never-responds",
	"delete-reset",
]);

interface AlternativeCase {
	label: string;
	options: MockRegionOptions;
	/** requirement id -> text the recorded alternative must contain */
	recorded: Record<string, string>;
}

/** The conformant mock in each documented alternative: every probe passes. */
const ALTERNATIVES: readonly AlternativeCase[] = [
	{
		label: "defaults",
		options: {},
		recorded: {
			"CREATE-SUCCEEDS": "200, id in the response",
			"DELETE-REPEAT-REJECTED": "400 ModelArts.6291",
			"DELETE-TOKEN-REQUIRED": "401 APIGW.0301",
			"LIST-QUOTA-DOCUMENTED": "quota 10",
			"EDIT-APPLIES": "200",
		},
	},
	{
		label: "notFoundStatus 404",
		options: { notFoundStatus: 404 },
		recorded: {
			"DELETE-REPEAT-REJECTED": "404",
			"DELETE-UNKNOWN-REJECTED": "404",
			"EDIT-UNKNOWN-REJECTED": "404",
			"CONTROL-UNKNOWN-REJECTED": "404",
		},
	},
	{
		label: "createStatus 201",
		options: { createStatus: 201 },
		recorded: { "CREATE-SUCCEEDS": "201" },
	},
	{
		label: "createReturnsId false",
		options: { createReturnsId: false },
		recorded: { "CREATE-SUCCEEDS": "id from the list" },
	},
	{
		label: "editStatus 204",
		options: { editStatus: 204 },
		recorded: { "EDIT-APPLIES": "204" },
	},
	{
		label: "quota 30",
		options: { quota: 30 },
		recorded: { "LIST-QUOTA-DOCUMENTED": "quota 30" },
	},
	{ label: "extraFields true", options: { extraFields: true }, recorded: {} },
	{
		label: 'invalidTokenStyle "delete-example"',
		options: { invalidTokenStyle: "delete-example" },
		recorded: { "DELETE-TOKEN-VALIDATED": "404 ModelArts.0104" },
	},
];

interface CheckResult {
	requirement: string;
	status: string;
	alternative: string | undefined;
	message: string;
	meta: Record<string, unknown>;
}

interface StageRun {
	/** Base URL of the mock the stage ran against. */
	target: string;
	exitCode: number | null;
	output: string;
	checks: CheckResult[];
	/** Test files that failed outside any test (for example, to load). */
	fileErrors: string[];
	leftover: string[];
	ledgerAlive: string[];
	ledgerPeak: number;
	/** Creates the mock accepted. */
	creates: number;
	/** Most endpoints alive at once, from the mock's request log. */
	requestPeak: number;
}

/**
 * Wall-clock limit of one stage child. A conformant run takes seconds, the
 * hanging deviations a few request timeouts; past this the child is stuck.
 */
const STAGE_LIMIT_MS = 180_000;
/** Per-case test timeout; it includes the wait for a child slot. */
const CASE_TIMEOUT_MS = 1_200_000;

/** At most two stage children at once: the machine has two cores. */
const MAX_CHILDREN = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function withChildSlot<T>(work: () => Promise<T>): Promise<T> {
	if (running >= MAX_CHILDREN) {
		await new Promise<void>((resolve) => waiting.push(resolve));
	}
	running += 1;
	try {
		return await work();
	} finally {
		running -= 1;
		waiting.shift()?.();
	}
}

/** Runs the probe stage against a fresh mock with `options`. */
function runStage(
	options: MockRegionOptions,
	settings: { iam: boolean; timeoutMs: number },
): Promise<StageRun> {
	return withChildSlot(async () => {
		const dir = mkdtempSync(join(tmpdir(), "probe-detection-"));
		const mock = await startMockRegion(options);
		try {
			const runId = randomRunId();
			const ledgerFile = join(dir, `ledger-${runId}.jsonl`);
			const user = mock.users[0];
			const iamEnv =
				settings.iam && user
					? {
							MAAS_IAM_ENDPOINT: mock.iamUrl,
							MAAS_IAM_USER: user.name,
							MAAS_IAM_PASSWORD: user.password,
							MAAS_IAM_DOMAIN: user.domain,
							MAAS_IAM_PROJECT: mock.region,
						}
					: {};
			const config = loadConfig({
				env: {
					MAAS_ENDPOINT: mock.url,
					MAAS_PROJECT_ID: mock.projectId,
					MAAS_AUTH_TOKEN: mock.token,
					MAAS_REQUEST_TIMEOUT_MS: String(settings.timeoutMs),
					MAAS_REPORT_DIR: dir,
					...iamEnv,
				},
				envFile: false,
			});
			const env = toChildEnvironment(config, {
				MAAS_RUN_ID: runId,
				MAAS_LEDGER_FILE: ledgerFile,
			});
			const outputFile = join(dir, "probes.json");
			const { exitCode, output } = await spawnStage(env, outputFile);
			const { checks, fileErrors } = readResults(outputFile, output);
			const ledger = Ledger.open(ledgerFile, runId);
			const log = mock.requests();
			return {
				target: mock.url,
				exitCode,
				output,
				checks,
				fileErrors,
				leftover: mock.endpoints().map((endpoint) => endpoint.id),
				ledgerAlive: ledger.alive().map((entry) => entry.id as string),
				ledgerPeak: ledger.peakAlive(),
				creates: log.filter(
					(entry) =>
						entry.method === "POST" && isCreate(entry.path) && ok(entry.status),
				).length,
				requestPeak: peakFromRequests(log),
			};
		} finally {
			await mock.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
}

function spawnStage(
	env: Record<string, string>,
	outputFile: string,
): Promise<{ exitCode: number | null; output: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				join(PROJECT_ROOT, "node_modules", "vitest", "vitest.mjs"),
				"run",
				"--project",
				"probes",
				"--reporter=json",
				`--outputFile=${outputFile}`,
			],
			{
				cwd: PROJECT_ROOT,
				env,
				stdio: ["ignore", "pipe", "pipe"],
				// Its own process group, so a stuck stage is ended with its worker.
				detached: true,
			},
		);
		const chunks: Buffer[] = [];
		const killer = setTimeout(() => {
			chunks.push(
				Buffer.from(
					`\nthe probe stage ran over ${STAGE_LIMIT_MS} ms and was killed\n`,
				),
			);
			if (child.pid) process.kill(-child.pid, "SIGKILL");
		}, STAGE_LIMIT_MS);
		child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
		child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
		child.on("error", reject);
		child.on("close", (exitCode) => {
			clearTimeout(killer);
			resolve({ exitCode, output: Buffer.concat(chunks).toString("utf8") });
		});
	});
}

interface JsonReport {
	testResults: Array<{
		name: string;
		status: string;
		message: string;
		assertionResults: Array<{
			title: string;
			status: string;
			failureMessages: string[];
			meta?: {
				requirement?: string;
				alternative?: string;
				[key: string]: unknown;
			};
		}>;
	}>;
}

function readResults(
	outputFile: string,
	output: string,
): { checks: CheckResult[]; fileErrors: string[] } {
	let report: JsonReport;
	try {
		report = JSON.parse(readFileSync(outputFile, "utf8")) as JsonReport;
	} catch (error) {
		throw new Error(
			`the probe stage wrote no readable JSON report (${String(error)}); its output:\n${output}`,
		);
	}
	const checks: CheckResult[] = [];
	const fileErrors: string[] = [];
	for (const file of report.testResults) {
		if (file.message) fileErrors.push(`${file.name}: ${file.message}`);
		for (const result of file.assertionResults) {
			checks.push({
				requirement:
					result.meta?.requirement ?? result.title.split(" ")[0] ?? "",
				status: result.status,
				alternative: result.meta?.alternative,
				message: result.failureMessages.join("\n"),
				meta: result.meta ?? {},
			});
		}
	}
	return { checks, fileErrors };
}

function isCreate(path: string): boolean {
	return /\/maas\/services\/custom-endpoint\/endpoint\/?(\?.*)?$/.test(path);
}

function ok(status: number): boolean {
	return status >= 200 && status < 300;
}

/**
 * Most endpoints alive at once by the request log: an accepted create adds
 * one, a 204 delete removes one. Exact for the conformant mock, where only a
 * delete of an existing endpoint returns 204.
 */
function peakFromRequests(
	log: ReadonlyArray<{ method: string; path: string; status: number }>,
): number {
	let alive = 0;
	let peak = 0;
	for (const entry of log) {
		if (entry.method === "POST" && isCreate(entry.path) && ok(entry.status)) {
			alive += 1;
		} else if (entry.method === "DELETE" && entry.status === 204) {
			alive -= 1;
		}
		peak = Math.max(peak, alive);
	}
	return peak;
}

function failing(run: StageRun): string[] {
	return [
		...new Set(
			run.checks
				.filter((check) => check.status === "failed")
				.map((check) => check.requirement),
		),
	].sort();
}

function summary(run: StageRun): string {
	const failures = run.checks
		.filter((check) => check.status !== "passed")
		.map((check) => `${check.requirement} ${check.status}:\n${check.message}`);
	return [...run.fileErrors, ...failures, run.output].join("\n\n");
}

/** Cleanup and budget rules every run must keep. */
function expectCleanRun(run: StageRun, undeletable: boolean): void {
	if (undeletable) {
		// The region keeps what it was asked to delete; the ledger must still
		// name every leftover so the gate can report them.
		expect(run.ledgerAlive.sort()).toEqual([...run.leftover].sort());
	} else {
		expect(run.leftover, "endpoints left in the mock").toEqual([]);
		expect(run.ledgerAlive, "endpoints alive in the ledger").toEqual([]);
	}
	expect(run.ledgerPeak, "ledger peak alive").toBeLessThanOrEqual(2);
}

const deviationResults = new Map<DeviationName, string[]>();
const alternativeResults = new Map<
	string,
	{ failing: string[]; recorded: string[] }
>();
const TOTAL_CASES = Object.keys(DEVIATIONS).length + ALTERNATIVES.length;

describe.concurrent("probe stage against the mock region", () => {
	test("every deviation of the mock has an expected failure", () => {
		expect(Object.keys(EXPECTED_FAILURES).sort()).toEqual(
			Object.keys(DEVIATIONS).sort(),
		);
		const ids = new Set(REQUIREMENTS.map((requirement) => requirement.id));
		for (const expected of Object.values(EXPECTED_FAILURES)) {
			for (const id of expected) expect(ids).toContain(id);
		}
	});

	for (const alternative of ALTERNATIVES) {
		test(
			`conformant mock, ${alternative.label}: every probe passes`,
			async () => {
				const run = await runStage(alternative.options, {
					iam: true,
					timeoutMs: 10_000,
				});
				alternativeResults.set(alternative.label, {
					failing: failing(run),
					recorded: run.checks
						.filter(
							(check) =>
								check.alternative &&
								requirementById(check.requirement).alternatives,
						)
						.map((check) => `${check.requirement}: ${check.alternative}`),
				});
				expect(run.fileErrors, summary(run)).toEqual([]);
				expect(
					run.checks.filter((check) => check.status !== "passed"),
					summary(run),
				).toEqual([]);
				expect(run.exitCode).toBe(0);
				expect(run.checks.map((check) => check.requirement).sort()).toEqual(
					REQUIREMENTS.map((requirement) => requirement.id).sort(),
				);
				for (const [id, text] of Object.entries(alternative.recorded)) {
					const check = run.checks.find(
						(candidate) => candidate.requirement === id,
					);
					expect(check?.alternative, `${id} alternative`).toContain(text);
				}
				expectCleanRun(run, false);
				expect(run.creates, "creates the mock accepted").toBeLessThanOrEqual(2);
				expect(
					run.requestPeak,
					"peak alive by the request log",
				).toBeLessThanOrEqual(2);
			},
			CASE_TIMEOUT_MS,
		);
	}

	test(
		"every check reports its requirement, level, source, target and stage",
		async () => {
			const run = await runStage(
				{ quota: 20 },
				{ iam: true, timeoutMs: 10_000 },
			);
			for (const check of run.checks) {
				const requirement = requirementById(check.requirement);
				expect(check.meta).toMatchObject({
					requirement: requirement.id,
					level: requirement.level,
					source: requirement.source,
					target: run.target,
					stage: "probes",
				});
			}
			// An undocumented quota breaks a SHOULD: a warning, and the check passes.
			const quota = run.checks.find(
				(check) => check.requirement === "LIST-QUOTA-DOCUMENTED",
			);
			expect(quota?.status).toBe("passed");
			expect(quota?.meta.warning).toBe(
				"quantity_limit is 20; the pages document 10 or 30",
			);
			const unknownDeleteMeta = run.checks.find(
				(check) => check.requirement === "DELETE-UNKNOWN-REJECTED",
			)?.meta;
			expect(unknownDeleteMeta).toMatchObject({
				status: 400,
				errorCode: "ModelArts.6291",
				alternative: "400 ModelArts.6291",
			});
			expect(typeof unknownDeleteMeta?.requestId).toBe("string");
			expect(run.checks.every((check) => check.status === "passed")).toBe(true);
		},
		CASE_TIMEOUT_MS,
	);

	test(
		"no IAM options: no IAM check, no IAM output",
		async () => {
			const run = await runStage({}, { iam: false, timeoutMs: 10_000 });
			const ids = run.checks.map((check) => check.requirement);
			expect(ids).not.toContain("IAM-TOKEN-ISSUED");
			expect(ids).toHaveLength(REQUIREMENTS.length - 1);
			expect(run.checks.filter((check) => check.status !== "passed")).toEqual(
				[],
			);
			expect(run.output).not.toMatch(/IAM/);
			expectCleanRun(run, false);
		},
		CASE_TIMEOUT_MS,
	);

	for (const [deviation, expected] of Object.entries(
		EXPECTED_FAILURES,
	) as Array<[DeviationName, readonly string[]]>) {
		test(
			`deviation ${deviation}: fails ${expected.join(", ")}`,
			async () => {
				const run = await runStage(
					{ deviations: [deviation] },
					{ iam: true, timeoutMs: HANGING.has(deviation) ? 2_000 : 10_000 },
				);
				const failed = failing(run);
				deviationResults.set(deviation, failed);
				expect(run.fileErrors, summary(run)).toEqual([]);
				for (const id of expected) expect(failed, summary(run)).toContain(id);
				expect(run.exitCode).toBe(1);
				expectCleanRun(run, UNDELETABLE.has(deviation));
			},
			CASE_TIMEOUT_MS,
		);
	}
});

afterAll(() => {
	if (deviationResults.size + alternativeResults.size < TOTAL_CASES) return;
	writeFileSync(join(PROJECT_ROOT, "specs", "DETECTION.md"), detectionMatrix());
});

function detectionMatrix(): string {
	const deviationRows = (
		Object.entries(EXPECTED_FAILURES) as Array<
			[DeviationName, readonly string[]]
		>
	).map(([deviation, expected]) => {
		const failed = deviationResults.get(deviation) ?? [];
		const detected = expected.every((id) => failed.includes(id));
		return [
			`\`${deviation}\``,
			DEVIATIONS[deviation],
			expected.join(", "),
			failed.join(", ") || "none",
			detected ? "yes" : "**no**",
		];
	});
	const alternativeRows = ALTERNATIVES.map((alternative) => {
		const result = alternativeResults.get(alternative.label);
		return [
			alternative.label,
			result?.failing.join(", ") || "none",
			(result?.recorded ?? []).join("; "),
		];
	});
	const lines = [
		"# Detection matrix",
		"",
		"Generated by `src/probe/detection.test.ts`; do not edit. Each row runs the",
		"probe stage against the mock region with one deviation and lists the",
		"requirements that failed. **Expected** is the requirement the deviation",
		"breaks; the test fails when it is not among the failures. Other failures",
		"follow from the same fault (for example, an error body without",
		"`error_code` also breaks every rule that asks for a valid error body).",
		"",
		...markdownTable(
			[
				"Deviation",
				"Behaviour",
				"Expected",
				"Failing requirements",
				"Detected",
			],
			deviationRows,
		),
		"",
		"## Documented alternatives",
		"",
		"The conformant mock in each documented alternative; every probe must pass.",
		"The last column shows what the requirements with documented alternatives",
		"recorded.",
		"",
		...markdownTable(
			["Mock option", "Failing requirements", "Alternatives recorded"],
			alternativeRows,
		),
	];
	return `${lines.join("\n")}\n`;
}

/**
 * Renders a Markdown table with padded columns, the layout Biome's Markdown
 * formatter produces, so `biome check` accepts the generated file.
 */
function markdownTable(headers: string[], rows: string[][]): string[] {
	const cells = [headers, ...rows].map((row) =>
		row.map((cell) => cell.replaceAll("|", "\\|")),
	);
	const widths = headers.map((_, column) =>
		Math.max(3, ...cells.map((row) => (row[column] ?? "").length)),
	);
	const line = (row: string[]) =>
		`| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 3)).join(" | ")} |`;
	const [head, ...body] = cells;
	return [
		line(head ?? []),
		line(widths.map((width) => "-".repeat(width))),
		...body.map(line),
	];
}
