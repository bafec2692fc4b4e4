import { randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loginWithConfig, MaasClient } from "../client/index.ts";
import { withFlow, withRequestLog } from "../client/request-flow.ts";
import { REQUEST_LOG_FILE, RequestLogFile } from "../client/request-log.ts";
import {
	type Config,
	loadConfig,
	toChildEnvironment,
} from "../config/index.ts";
import { isMaasError } from "../errors.ts";
import { type MockRegion, startMockRegion } from "../mock-region/index.ts";
import { Ledger } from "../probe/ledger.ts";
import { registerSecret } from "../redact.ts";
import { mergeReports } from "../report/merge.ts";
import {
	appendTestcases,
	readStageReport,
	removeStageReport,
	stageReportDir,
	writeStageReport,
} from "../report/stage-files.ts";
import {
	isFailing,
	type StageReport,
	type TestCaseReport,
} from "../report/stage-report.ts";
import { stageLine } from "../report/summary.ts";
import { type CleanupResult, cleanupRun } from "./cleanup.ts";
import { contractsPactDir } from "./contracts-pact-dir.ts";
import { printPlan } from "./dry-run.ts";
import type { Output } from "./output.ts";
import { describePreflightError, preflight } from "./preflight.ts";
import {
	type RunningStage,
	type StageRunResult,
	startStage,
} from "./stage-runner.ts";
import { stageTimeoutFor } from "./stage-timeout.ts";

/** Signals repeated within this time count as one (see onSignal). */
const REPEAT_SIGNAL_WINDOW_MS = 2000;

/**
 * One gate run: configuration, IAM login, target (a real region or the
 * embedded mock), the stages as child processes, cleanup of every endpoint
 * in the run's ledger, merged report and summary. All stage processes start
 * at once. contracts runs at once, as it needs no region. verify and probes
 * are held, then released one after the other once the preflight has
 * passed. Exit 0 conforms, 1 a check failed, 2 could not start, 130/143
 * stopped by SIGINT/SIGTERM.
 */

export const STAGES = ["contracts", "verify", "probes"] as const;

/** Stages that send nothing to the region; they run beside the others. */
const STAGES_WITHOUT_REGION: ReadonlySet<string> = new Set(["contracts"]);

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface GateOptions {
	/** Configuration flags keyed by variable name (they win over the environment). */
	flags: Record<string, string>;
	dryRun: boolean;
	/** Per-stage limit; default derived from MAAS_REQUEST_TIMEOUT_MS. */
	stageTimeoutMs?: number;
	output: Output;
	/** Working directory of the stages (its vitest config); default the project root. */
	root?: string;
	/** Stages to run, in order; default STAGES. */
	stages?: readonly string[];
}

const RUN_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Returns a random run id of 8 lowercase letters and digits. */
export function newRunId(): string {
	let id = "";
	for (let i = 0; i < 8; i++) id += RUN_ID_ALPHABET[randomInt(36)];
	return id;
}

const EXIT_BY_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Returns the path relative to the working directory when it lies below it. */
function displayPath(path: string): string {
	const shown = relative(process.cwd(), path);
	return shown && !shown.startsWith("..") && !isAbsolute(shown) ? shown : path;
}

/** Makes sure a message printed as one sentence ends with a full stop. */
function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

interface Target {
	endpoint: string;
	projectId: string;
	token: string;
	/** Extra child variables for the stages. */
	env: Record<string, string>;
	mock: MockRegion | undefined;
	description: string;
}

async function resolveTarget(
	config: Readonly<Config>,
	output: Output,
): Promise<Target | number> {
	if (!config.endpoint) {
		const mock = await startMockRegion({ region: config.region });
		registerSecret(mock.token);
		const user = mock.users[0];
		const env: Record<string, string> = {
			MAAS_ENDPOINT: mock.url,
			MAAS_PROJECT_ID: mock.projectId,
			MAAS_AUTH_TOKEN: mock.token,
		};
		if (user) {
			registerSecret(user.password);
			// The embedded region also serves IAM, so IAM-TOKEN-ISSUED runs.
			Object.assign(env, {
				MAAS_IAM_ENDPOINT: mock.iamUrl,
				MAAS_IAM_USER: user.name,
				MAAS_IAM_PASSWORD: user.password,
				MAAS_IAM_DOMAIN: user.domain,
				MAAS_IAM_PROJECT: mock.region,
				// Empty counts as unset, so a configured project id cannot
				// clash with the project name above.
				MAAS_IAM_PROJECT_ID: "",
			});
		}
		return {
			endpoint: mock.url,
			projectId: mock.projectId,
			token: mock.token,
			env,
			mock,
			description: `${mock.url} (embedded mock region; set MAAS_ENDPOINT to check a real region)`,
		};
	}

	let token = config.authToken;
	let projectId = config.projectId;
	const env: Record<string, string> = {};
	if (config.iam) {
		try {
			const login = await loginWithConfig(config.iam, config.requestTimeoutMs);
			token = login.token;
			projectId ??= login.projectId;
			// The stages reuse this token instead of logging in again.
			env.MAAS_AUTH_TOKEN = login.token;
		} catch (error) {
			output.err(
				sentence(
					`IAM login at ${config.iam.endpoint} as ${config.iam.user} failed: ${errorText(error)}`,
				),
			);
			return 2;
		}
	}
	if (!token) {
		output.err(
			"no token for the region: set MAAS_AUTH_TOKEN (--auth-token) or the MAAS_IAM_* login options.",
		);
		return 2;
	}
	if (!projectId) {
		output.err(
			"no project ID: set MAAS_PROJECT_ID (--project-id); the IAM token named no project.",
		);
		return 2;
	}
	env.MAAS_PROJECT_ID = projectId;
	return {
		endpoint: config.endpoint,
		projectId,
		token,
		env,
		mock: undefined,
		description: config.endpoint,
	};
}

/** Removes the previous run's stage files, merged report and summary. */
function clearReports(reportDir: string): void {
	rmSync(stageReportDir(reportDir), { recursive: true, force: true });
	rmSync(join(reportDir, "junit.xml"), { force: true });
	rmSync(join(reportDir, "summary.txt"), { force: true });
}

function gateTestcase(
	stage: string,
	name: string,
	message: string,
	detail?: string,
): TestCaseReport {
	return {
		name,
		classname: `${stage}/gate`,
		timeSeconds: 0,
		properties: { stage },
		outcome: "error",
		type: "GateError",
		message,
		detail: detail ? `${message}\n\n${detail}` : message,
	};
}

export async function runGate(options: GateOptions): Promise<number> {
	const { output } = options;
	let config: Readonly<Config>;
	try {
		config = loadConfig({ flags: options.flags });
	} catch (error) {
		if (isMaasError(error) && error.code === "MAAS_CONFIG_INVALID") {
			output.err(sentence(error.message));
			return 2;
		}
		throw error;
	}

	if (options.dryRun) {
		printPlan(config, output, PROJECT_ROOT);
		return 0;
	}

	// Every request of the run, the stages' too, goes to one log.
	const requestLog = RequestLogFile.create(
		join(config.reportDir, REQUEST_LOG_FILE),
	);
	const target = await withRequestLog(requestLog, "gate", () =>
		resolveTarget(config, output),
	);
	if (typeof target === "number") return target;
	const client = new MaasClient({
		endpoint: target.endpoint,
		projectId: target.projectId,
		token: target.token,
		timeoutMs: config.requestTimeoutMs,
	});
	try {
		return await withRequestLog(requestLog, "gate", () =>
			runStages(options, config, target, client),
		);
	} finally {
		await closeClient(client);
		await target.mock?.close();
	}
}

async function closeClient(client: MaasClient): Promise<void> {
	const close = (client as { close?: () => unknown }).close;
	if (typeof close === "function") await close.call(client);
}

async function runStages(
	options: GateOptions,
	config: Readonly<Config>,
	target: Target,
	client: MaasClient,
): Promise<number> {
	const { output } = options;
	output.out(`Target: ${target.description}`);

	const reportDir = config.reportDir;
	const runId = newRunId();
	const ledgerFile = join(reportDir, `ledger-${runId}.jsonl`);
	clearReports(reportDir);
	// The consumer tests merge into an existing pact file; start empty.
	const pactDir = contractsPactDir(config);
	if (pactDir === join(reportDir, "pacts")) {
		rmSync(pactDir, { recursive: true, force: true });
	}
	Ledger.open(ledgerFile, runId);
	// Release files of the held stages, removed when the run ends.
	const releaseDir = mkdtempSync(join(tmpdir(), `maas-gate-${runId}-`));

	const vitestEntry = join(
		PROJECT_ROOT,
		"node_modules",
		"vitest",
		"vitest.mjs",
	);
	const reporterPath = join(PROJECT_ROOT, "src", "report", "junit-reporter.ts");
	const stageTimeoutMs =
		options.stageTimeoutMs ?? stageTimeoutFor(config.requestTimeoutMs);
	const childEnv = toChildEnvironment(config, {
		...target.env,
		MAAS_ENDPOINT: target.endpoint,
		MAAS_RUN_ID: runId,
		MAAS_LEDGER_FILE: ledgerFile,
		MAAS_REPORT_DIR: reportDir,
		MAAS_ENV_FILE: "none",
		NO_COLOR: "1",
	});

	// From here on a signal stops the running stages and still cleans up.
	let stopSignal: NodeJS.Signals | undefined;
	const running = new Set<RunningStage>();
	let cleaningUp = false;
	// Until the preflight has passed no stage is released, so nothing of
	// the run exists in the region yet.
	let released = false;
	let stopSignalAt = 0;
	const onSignal = (signal: NodeJS.Signals) => {
		// One Ctrl-C often arrives twice: from the terminal to the whole
		// process group, and again from `npm run`, which passes signals on.
		// Only a repeat after this window means "exit now".
		if (stopSignal && Date.now() - stopSignalAt < REPEAT_SIGNAL_WINDOW_MS) {
			return;
		}
		if (stopSignal) {
			output.err(
				`${signal} again: exiting before cleanup finished; run "maas-conformance sweep --delete" to remove what run ${runId} left.`,
			);
			process.exit(EXIT_BY_SIGNAL[signal] ?? 1);
		}
		stopSignal = signal;
		stopSignalAt = Date.now();
		output.err(
			released
				? `${signal}: stopping${cleaningUp ? "" : " the running stages"}, then deleting the run's endpoints.`
				: `${signal}: stopping the stages before they use the region.`,
		);
		for (const stage of running) stage.stop();
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	/** Detaches the signal handlers and removes the release files. */
	const endRun = () => {
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		rmSync(releaseDir, { recursive: true, force: true });
	};
	let anyStageBroken = false;

	const stages = options.stages ?? STAGES;
	// The console line of each stage, or null for a stage a signal kept
	// from starting. Lines are printed in stage order, each as soon as the
	// stages before it are done.
	const lines = new Map<string, string | null>();
	let printed = 0;
	// Stage lines follow the preflight's line. A failed preflight prints
	// none, since no stage ran.
	let preflightPassed = false;
	let abandoned = false;
	const printInOrder = () => {
		if (!preflightPassed) return;
		for (; printed < stages.length; printed++) {
			const line = lines.get(stages[printed] as string);
			if (line === undefined) return;
			if (line !== null) output.out(line);
		}
	};

	const logFileOf = (stage: string) => join(reportDir, "logs", `${stage}.log`);
	const spawnStage = (stage: string, releaseFile?: string): RunningStage => {
		const env: Record<string, string> = { ...childEnv };
		if (stage === "contracts") env.MAAS_PACT_DIR = pactDir;
		if (releaseFile !== undefined) {
			env.MAAS_STAGE_RELEASE_FILE = releaseFile;
			env.MAAS_GATE_PID = String(process.pid);
		}
		const started = startStage({
			stage,
			root: options.root ?? PROJECT_ROOT,
			vitestEntry,
			reporterPath,
			env,
			logFile: logFileOf(stage),
			timeoutMs: stageTimeoutMs,
			...(releaseFile === undefined ? {} : { releaseFile }),
		});
		running.add(started);
		void started.result.then(() => running.delete(started));
		return started;
	};

	const runStage = async (
		stage: string,
		held?: RunningStage,
	): Promise<void> => {
		// The moment the stage may use the region: its start, or its release.
		const startedAt = new Date();
		const logFile = logFileOf(stage);
		const started = held ?? spawnStage(stage);
		started.release();
		const result = await started.result;
		if (abandoned) return;

		let report: StageReport | undefined;
		let problem: string | undefined;
		try {
			report = readStageReport(reportDir, stage);
			if (report && result.heldMs > 0) {
				// The stage's own clock ran while it was held, so its time in
				// the report is reset to run from its release to its end.
				report.timestamp = startedAt.toISOString();
				report.timeSeconds = (result.durationMs - result.heldMs) / 1000;
				writeStageReport(reportDir, report);
			}
			problem = stageProblem(report, result, stageTimeoutMs, stopSignal);
		} catch (error) {
			// Replace the unreadable files with the gate's own testcase.
			problem = `stage wrote an unreadable report (${errorText(error)})`;
			writeStageReport(reportDir, {
				stage,
				timestamp: startedAt.toISOString(),
				timeSeconds: 0,
				testcases: [],
			});
		}
		let final: StageReport | undefined = report;
		if (problem) {
			anyStageBroken = true;
			final = appendTestcases(
				reportDir,
				stage,
				[
					gateTestcase(
						stage,
						`GATE-STAGE-${stage} ${problem}`,
						`${stage}: ${problem}; see ${logFile}`,
						`last lines of ${logFile}:\n${result.logTail}`,
					),
				],
				startedAt,
			);
		}
		const seconds = ((result.durationMs - result.heldMs) / 1000).toFixed(1);
		lines.set(
			stage,
			`${final ? stageLine(final) : `${stage}: no report`} (${seconds} s; log ${displayPath(logFile)})`,
		);
		printInOrder();
	};

	// Every stage's process starts now, so that loading vitest, Pact and the
	// test modules overlaps the preflight and the stages before it. A stage
	// that needs no region runs at once. The stages that use the region are
	// held, and take turns once the preflight has passed, so that at most 2
	// of the run's endpoints are alive at once.
	const freeStages: Array<Promise<void>> = [];
	const regionStageNames = stages.filter(
		(stage) => !STAGES_WITHOUT_REGION.has(stage),
	);
	const heldStages = new Map<string, RunningStage>();
	let startProblem: string | undefined;
	try {
		for (const stage of stages) {
			if (!STAGES_WITHOUT_REGION.has(stage)) continue;
			const finished = runStage(stage);
			// Awaited below. Until then a failure must not go unhandled.
			finished.catch(() => undefined);
			freeStages.push(finished);
		}
		for (const stage of regionStageNames) {
			heldStages.set(
				stage,
				spawnStage(stage, join(releaseDir, `${stage}.release`)),
			);
		}
		const checked = await preflight(client);
		if (checked.warning) output.out(`Preflight: ${checked.warning}`);
		else {
			output.out(
				`Preflight: ${checked.total} of ${checked.limit} endpoints in use`,
			);
		}
	} catch (error) {
		startProblem =
			heldStages.size < regionStageNames.length
				? sentence(`could not start the stages: ${errorText(error)}`)
				: describePreflightError(error, target.endpoint);
	}
	if (startProblem !== undefined) {
		// Nothing was released, so no stage has used the region.
		abandoned = true;
		for (const stage of running) stage.stop();
		await Promise.allSettled([
			...freeStages,
			...[...heldStages.values()].map((stage) => stage.result),
		]);
		clearReports(reportDir);
		rmSync(ledgerFile, { force: true });
		for (const stage of stages) rmSync(logFileOf(stage), { force: true });
		endRun();
		if (startProblem !== undefined) output.err(startProblem);
		return stopSignal ? (EXIT_BY_SIGNAL[stopSignal] ?? 1) : 2;
	}
	output.out(`Run ${runId}: ledger ${ledgerFile}`);
	// After a signal during the preflight nothing is released. The stages
	// below are stopped, and the report records the interrupted run.
	released = !stopSignal;
	preflightPassed = true;
	printInOrder();

	try {
		const regionStages = async () => {
			for (const stage of regionStageNames) {
				const waiting = heldStages.get(stage);
				if (stopSignal) {
					// Never released, so it sent nothing and reports nothing.
					if (waiting) {
						waiting.stop();
						await waiting.result;
						removeStageReport(reportDir, stage);
					}
					lines.set(stage, null);
					printInOrder();
					continue;
				}
				await runStage(stage, waiting);
			}
		};
		await Promise.all([...freeStages, regionStages()]);
		if (stopSignal) {
			appendTestcases(reportDir, "gate", [
				gateTestcase(
					"gate",
					`GATE-INTERRUPTED run stopped by ${stopSignal}`,
					`the run was stopped by ${stopSignal} before all stages finished`,
				),
			]);
		}
	} finally {
		cleaningUp = true;
		const ledger = Ledger.open(ledgerFile, runId);
		const cleanup: CleanupResult = await withFlow(
			"cleanup",
			() =>
				cleanupRun({
					client,
					ledger,
					// Creates may still land after a stage was stopped, but none
					// can when no stage was released.
					settleMs:
						released && (stopSignal || anyStageBroken)
							? Math.min(2000, config.requestTimeoutMs)
							: 0,
				}),
			"cleanup",
		).catch((error: unknown) => ({
			deleted: [] as string[],
			problems: [
				{
					name: "",
					id: undefined,
					reason: `cleanup failed: ${errorText(error)}`,
				},
			],
		}));
		for (const problem of ledger.problems()) {
			cleanup.problems.push({
				name: `${ledgerFile}:${problem.line}`,
				id: undefined,
				reason: `unreadable ledger line (${problem.reason}); an endpoint it recorded may be left`,
			});
		}
		const cleanupCase: TestCaseReport = {
			name: "GATE-CLEANUP delete every endpoint the run created",
			classname: "cleanup/gate",
			timeSeconds: 0,
			// Names burned and the peak of live endpoints are what a run costs a
			// live account, so they travel with the report, not only the console.
			properties: {
				stage: "cleanup",
				names_burned: String(ledger.burnedNames()),
				peak_alive: String(ledger.peakAlive()),
			},
			outcome: "passed",
		};
		if (cleanup.problems.length > 0) {
			const lines = cleanup.problems.map(
				(problem) =>
					`${problem.name || "?"}${problem.id ? ` (${problem.id})` : ""}: ${problem.reason}`,
			);
			cleanupCase.outcome = "error";
			cleanupCase.type = "CleanupError";
			cleanupCase.message = `${cleanup.problems.length} endpoint(s) of run ${runId} may be left: ${lines[0]}; run "maas-conformance sweep --delete"`;
			cleanupCase.detail = lines.join("\n");
		}
		appendTestcases(reportDir, "cleanup", [cleanupCase]);
		output.out(
			`cleanup: ${cleanup.deleted.length} endpoint(s) deleted${
				cleanup.problems.length > 0
					? `, ${cleanup.problems.length} problem(s)`
					: ""
			}`,
		);
		endRun();
	}

	const ledger = Ledger.open(ledgerFile, runId);
	const merged = mergeReports({
		reportDir,
		target: target.endpoint,
		endpoints: {
			burnedNames: ledger.burnedNames(),
			peakAlive: ledger.peakAlive(),
		},
		...(stopSignal ? { interruptedBy: stopSignal } : {}),
	});
	output.out("");
	output.out(merged.summary.trimEnd());
	if (stopSignal) return EXIT_BY_SIGNAL[stopSignal] ?? 1;
	return merged.verdict === "conforms" ? 0 : 1;
}

/**
 * Returns why a stage's report cannot be trusted, as the suffix of a
 * GATE-STAGE testcase name, or undefined when the report is complete. The
 * reasons are a crash, a hang, no tests, or a non-zero exit without a failure.
 */
function stageProblem(
	report: StageReport | undefined,
	result: StageRunResult,
	timeoutMs: number,
	stopSignal: NodeJS.Signals | undefined,
): string | undefined {
	const exit =
		result.exitCode !== undefined
			? `${result.exitCode}`
			: `by signal ${result.signal ?? "unknown"}`;
	if (result.spawnError) return `could not start: ${result.spawnError}`;
	if (result.timedOut) {
		return `stage exceeded its timeout of ${timeoutMs} ms and was killed`;
	}
	if (result.stopped) return `stage stopped by ${stopSignal ?? "a signal"}`;
	if (!report) return `stage exited ${exit} without writing its JUnit report`;
	if (report.testcases.length === 0) return "no test files";
	if (result.exitCode !== 0 && !report.testcases.some(isFailing)) {
		return `stage exited ${exit} without reporting a failure`;
	}
	return undefined;
}
