/**
 * The verification process of the verify stage. It verifies interactions
 * of pact files against the target region one at a time, on the commands
 * the test process writes to its stdin (see `verification-protocol.ts`):
 *
 *   node --import tsx contracts/support/verification-worker.ts <work dir> <marker>
 *
 * The target, token, ledger and names come from the MAAS_* variables
 * (`loadConfig()`). Each interaction gets fresh provider states, request
 * filter and verifier; Pact is loaded once. The process is one lane of the
 * stage (`lane-limits.ts`): the command names what the lane still holds,
 * and the process reports each name it reserves and its latest finished
 * requests, so the test process can clean up after the lane alone and log
 * the lane's queue waits.
 *
 * It runs apart from the test process for three reasons. pact-js's
 * verifier proxy throws an uncaught exception when a region sends bytes
 * after a bodiless response (a 204 with a body). Its native core writes
 * straight to the process's stdout. A stalled exchange can keep it from
 * returning. A process of its own can be captured, timed out and killed;
 * the test process then starts a new one for the remaining interactions.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { MaasClient } from "../../src/client/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { Ledger } from "../../src/probe/ledger.ts";
import { whenProcessEnds } from "../../src/stage-release.ts";
import { PROVIDER } from "./contract.ts";
import { readPactFile, withOnlyInteraction } from "./pact-file.ts";
import {
	createProviderStates,
	type ProviderStateHandler,
	type ProviderStates,
} from "./provider-states.ts";
import { createRequestFilter } from "./request-filter.ts";
import { countTimeouts, type TimeoutCounter } from "./timeout-counter.ts";
import { verifierTimeoutMs } from "./verification-budget.ts";
import { verificationFlows } from "./verification-flows.ts";
import {
	isRequestError,
	type VerificationOutcome,
	type VerifierResult,
} from "./verification-outcome.ts";
import {
	endLine,
	fatalLine,
	outcomeLine,
	parseCommand,
	readyLine,
	requestsLine,
	reservedLine,
	type VerifyCommand,
} from "./verification-protocol.ts";

const [workDir, marker] = process.argv.slice(2);
if (!workDir || !marker) {
	process.stderr.write(
		"usage: verification-worker.ts <work dir> <protocol marker>\n",
	);
	process.exit(2);
}

/** The interaction in progress, for the crash report. */
let current:
	| { command: VerifyCommand; states: ProviderStates | undefined }
	| undefined;

/** Writes the outcome of one interaction (see verification-protocol.ts). */
function report(seq: number, outcome: VerificationOutcome): void {
	process.stderr.write(endLine(marker as string, seq));
	process.stdout.write(outcomeLine(marker as string, seq, outcome));
}

// The verifier proxy has no error listener: a parse error on the target's
// socket (bytes after a 204) is thrown from an event handler. process.exit
// would wait for the native verifier's thread, which goes on until its own
// timeouts expire. So the process ends itself with SIGKILL once the outcome
// is written, and the test process starts a new one.
process.on("uncaughtException", (error: NodeJS.ErrnoException) => {
	const code = error.code ? ` (${error.code})` : "";
	const crash = `the verifier's proxy crashed on the region's response: ${error.message}${code}`;
	if (current) {
		report(current.command.seq, {
			description: current.command.description,
			passed: false,
			stateFailures: current.states?.failures() ?? [],
			notes: current.states?.notes() ?? [],
			crash,
		});
	} else {
		process.stdout.write(fatalLine(marker, crash));
	}
	process.kill(process.pid, "SIGKILL");
});

interface Target {
	endpoint: string;
	projectId: string;
	token: string;
	requestTimeoutMs: number;
	counter: TimeoutCounter;
	ledger: Ledger;
	namePrefix: string;
	source: string;
	modelName: string;
	Verifier: typeof import("./pact.ts").Verifier;
}

let target: Target;
try {
	target = await prepare();
} catch (error) {
	process.stdout.write(fatalLine(marker, (error as Error).message));
	process.exit(2);
}
mkdirSync(workDir, { recursive: true });

// Commands are handled one after another. When stdin ends (the test
// process closed it, or died), the process removes its folder and ends at
// once: the test process starts it in a group of its own, which a kill of
// the test process's group does not reach.
const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
	queue = queue.then(() => handle(line));
});
lines.on("close", () => {
	// A parent that died cannot remove the folder any more.
	rmSync(workDir, { recursive: true, force: true });
	process.kill(process.pid, "SIGKILL");
});
// A gate killed outright leaves this process's parent waiting on it, so
// the process ends itself once the gate is gone.
const gatePid = loadConfig().gatePid;
if (gatePid !== undefined) {
	whenProcessEnds(gatePid, () => {
		process.stderr.write(
			`the gate (process ${gatePid}) has exited; this verification process ends\n`,
		);
		rmSync(workDir, { recursive: true, force: true });
		process.kill(process.pid, "SIGKILL");
	});
}
process.stdout.write(readyLine(marker));

async function prepare(): Promise<Target> {
	const config = loadConfig();
	const missing = (
		[
			["MAAS_ENDPOINT", config.endpoint],
			["MAAS_PROJECT_ID", config.projectId],
			["MAAS_AUTH_TOKEN", config.authToken],
			["MAAS_RUN_ID", config.runId],
			["MAAS_LEDGER_FILE", config.ledgerFile],
		] as const
	).filter(([, value]) => !value);
	if (missing.length > 0) {
		throw new Error(
			`provider verification needs ${missing.map(([name]) => name).join(", ")}; run it through the verify stage, which sets them`,
		);
	}
	const endpoint = config.endpoint as string;
	const projectId = config.projectId as string;
	const token = config.authToken as string;
	const client = new MaasClient({
		endpoint,
		projectId,
		token,
		timeoutMs: config.requestTimeoutMs,
	});
	const { Verifier } = await import("./pact.ts");
	return {
		endpoint,
		projectId,
		token,
		requestTimeoutMs: config.requestTimeoutMs,
		counter: countTimeouts(client),
		ledger: Ledger.open(config.ledgerFile as string, config.runId as string),
		namePrefix: config.namePrefix,
		source: config.source,
		modelName: config.modelName,
		Verifier,
	};
}

async function handle(line: string): Promise<void> {
	let command: VerifyCommand;
	try {
		command = parseCommand(line);
	} catch (error) {
		process.stdout.write(fatalLine(marker as string, (error as Error).message));
		process.kill(process.pid, "SIGKILL");
		return;
	}
	current = { command, states: undefined };
	verificationFlows.startInteraction(command.queuedAfter);
	verificationFlows.onRequestFinished = (ids) => {
		process.stdout.write(requestsLine(marker as string, command.seq, ids));
	};
	const timedOutBefore = target.counter.count();
	let outcome: VerificationOutcome;
	try {
		outcome = await verify(command);
	} catch (error) {
		outcome = {
			description: command.description,
			passed: false,
			stateFailures: current.states?.failures() ?? [],
			notes: current.states?.notes() ?? [],
			error: (error as Error).message,
		};
	}
	outcome.timedOutRequests =
		(outcome.timedOutRequests ?? 0) + target.counter.count() - timedOutBefore;
	current = undefined;
	report(command.seq, outcome);
}

async function verify(command: VerifyCommand): Promise<VerificationOutcome> {
	const { description } = command;
	const onlyOne = withOnlyInteraction(
		readPactFile(command.pactFile),
		description,
	);
	const singleFile = join(workDir as string, `interaction-${command.seq}.json`);
	writeFileSync(singleFile, JSON.stringify(onlyOne));
	const states = createProviderStates({
		client: target.counter.client,
		ledger: target.ledger,
		namePrefix: target.namePrefix,
		source: target.source,
		modelName: target.modelName,
		laneHeld: command.heldNames ?? [],
		// A write to a pipe is synchronous on Linux: the test process has the
		// name before any create with it is sent.
		onReserve: (name) => {
			process.stdout.write(reservedLine(marker as string, command.seq, name));
		},
	});
	if (current) current.states = states;
	const tracked = trackHandlers(states.handlers);
	const timeoutMs = verifierTimeoutMs(target.requestTimeoutMs);
	const verifier = new target.Verifier({
		provider: PROVIDER,
		providerBaseUrl: target.endpoint,
		pactUrls: [singleFile],
		logLevel: "warn",
		timeout: timeoutMs,
		stateHandlers: tracked.handlers as never,
		requestFilter: createRequestFilter({
			token: target.token,
			projectId: target.projectId,
			blockedBecause: () => {
				const failures = states.failures();
				return failures.length > 0 ? failures.join("; ") : undefined;
			},
		}) as never,
	});

	const startedAt = Date.now();
	let verifierJson: string;
	let passed: boolean;
	try {
		verifierJson = await verifier.verifyProvider();
		passed = true;
	} catch (error) {
		verifierJson = (error as Error).message;
		passed = false;
	} finally {
		rmSync(singleFile, { force: true });
	}
	const verifierMs = Date.now() - startedAt;
	// The verifier gives up on a state call after its timeout, but the
	// handler goes on; the next interaction must not start beside it.
	await tracked.settled();

	const base = {
		description,
		stateFailures: states.failures(),
		notes: states.notes(),
	};
	let result: VerifierResult;
	try {
		result = JSON.parse(verifierJson) as VerifierResult;
	} catch {
		return {
			...base,
			passed: false,
			error: `the verifier failed: ${verifierJson}`,
		};
	}
	// A request error after the verifier's full timeout is a timed-out
	// request; a quicker one is a broken connection.
	const timedOut =
		verifierMs >= timeoutMs ? result.errors.filter(isRequestError).length : 0;
	return {
		...base,
		passed: passed && base.stateFailures.length === 0,
		verifier: result,
		timedOutRequests: timedOut,
	};
}

/**
 * Wraps the state handlers so the process can wait until none is running.
 */
function trackHandlers(handlers: ProviderStates["handlers"]): {
	handlers: ProviderStates["handlers"];
	settled: () => Promise<unknown>;
} {
	const running = new Set<Promise<unknown>>();
	const track =
		<T>(run: (params?: unknown) => Promise<T>) =>
		(params?: unknown): Promise<T> => {
			const promise = run(params);
			running.add(promise);
			promise
				.finally(() => running.delete(promise))
				.catch(() => {
					// The verifier receives the rejection; this copy is only for tracking.
				});
			return promise;
		};
	const wrapped = Object.fromEntries(
		Object.entries(handlers).map(([name, handler]) => [
			name,
			{
				setup: track(handler.setup),
				teardown: track(handler.teardown),
			} satisfies ProviderStateHandler,
		]),
	) as ProviderStates["handlers"];
	return {
		handlers: wrapped,
		settled: () => Promise.allSettled([...running]),
	};
}
