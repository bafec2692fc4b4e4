/**
 * Verifies ONE interaction of a pact file against the target region, as a
 * process of its own:
 *
 *   node --import tsx contracts/support/verify-one.ts <pact file> <description> <outcome file>
 *
 * The target, token, ledger and names come from the MAAS_* variables
 * (`loadConfig()`). The outcome (the verifier's JSON result, provider-state
 * failures, or the crash) is written as JSON to <outcome file>; the exit
 * code is 0 when the interaction verified, 1 when it did not and 2 when
 * the verification could not start; after a crash of the verifier's proxy
 * the process ends itself with SIGKILL.
 *
 * It runs apart from the test process for three reasons. pact-js's
 * verifier proxy throws an uncaught exception when a region sends bytes
 * after a bodiless response (a 204 with a body). Its native core writes
 * straight to the process's stdout. A stalled exchange can keep it from
 * returning. A process of its own can be captured, timed out and killed.
 */
import { fstatSync, rmSync, writeFileSync } from "node:fs";
import { MaasClient } from "../../src/client/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { Ledger } from "../../src/probe/ledger.ts";
import { PROVIDER } from "./contract.ts";
import { readPactFile, withOnlyInteraction } from "./pact-file.ts";
import { createProviderStates } from "./provider-states.ts";
import { createRequestFilter } from "./request-filter.ts";
import {
	type VerificationOutcome,
	type VerifierResult,
	verifierTimeoutMs,
} from "./verification-outcome.ts";

const [pactFile, description, outcomeFile] = process.argv.slice(2);
if (!pactFile || !description || !outcomeFile) {
	process.stderr.write(
		"usage: verify-one.ts <pact file> <interaction description> <outcome file>\n",
	);
	process.exit(2);
}

let stateFailures: () => string[] = () => [];
let stateNotes: () => string[] = () => [];
/** The one interaction to verify, written next to the outcome file. */
const singleFile = `${outcomeFile}.pact.json`;

type OutcomeFields = Omit<
	VerificationOutcome,
	"description" | "stateFailures" | "notes"
>;

function writeOutcome(outcome: OutcomeFields): void {
	const full: VerificationOutcome = {
		description: description as string,
		stateFailures: stateFailures(),
		notes: stateNotes(),
		...outcome,
	};
	writeFileSync(outcomeFile as string, JSON.stringify(full));
	rmSync(singleFile, { force: true });
}

function finish(outcome: OutcomeFields, code: number): never {
	writeOutcome(outcome);
	process.exit(code);
}

// The verifier proxy has no error listener: a parse error on the target's
// socket (bytes after a 204) is thrown from an event handler.
// The test process starts this one in a process group of its own (so a hard
// timeout kills it whole), which the gate's kill of the verify stage does
// not reach. The stdin pipe from the parent closes when the parent dies, so
// this process ends then too.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
	process.stdin.on("end", () => process.kill(process.pid, "SIGKILL"));
	process.stdin.resume();
}

// process.exit would wait for the native verifier's thread, which goes on
// until its own timeouts expire, so the process ends itself with SIGKILL;
// the outcome file is already written and the test process reads it.
process.on("uncaughtException", (error: NodeJS.ErrnoException) => {
	const code = error.code ? ` (${error.code})` : "";
	writeOutcome({
		passed: false,
		crash: `the verifier's proxy crashed on the region's response: ${error.message}${code}`,
	});
	process.kill(process.pid, "SIGKILL");
});

try {
	await main(pactFile, description);
} catch (error) {
	finish({ passed: false, error: (error as Error).message }, 2);
}

async function main(file: string, expected: string): Promise<never> {
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

	const onlyOne = withOnlyInteraction(readPactFile(file), expected);
	writeFileSync(singleFile, JSON.stringify(onlyOne));

	const client = new MaasClient({
		endpoint,
		projectId,
		token,
		timeoutMs: config.requestTimeoutMs,
	});
	const states = createProviderStates({
		client,
		ledger: Ledger.open(config.ledgerFile as string, config.runId as string),
		namePrefix: config.namePrefix,
		source: config.source,
		modelName: config.modelName,
	});
	stateFailures = states.failures;
	stateNotes = states.notes;

	const { Verifier } = await import("./pact.ts");
	const verifier = new Verifier({
		provider: PROVIDER,
		providerBaseUrl: endpoint,
		pactUrls: [singleFile],
		logLevel: "warn",
		timeout: verifierTimeoutMs(config.requestTimeoutMs),
		stateHandlers: states.handlers as never,
		requestFilter: createRequestFilter({
			token,
			projectId,
			blockedBecause: () => {
				const failures = states.failures();
				return failures.length > 0 ? failures.join("; ") : undefined;
			},
		}) as never,
	});

	let verifierJson: string;
	let passed: boolean;
	try {
		verifierJson = await verifier.verifyProvider();
		passed = true;
	} catch (error) {
		verifierJson = (error as Error).message;
		passed = false;
	}
	let result: VerifierResult | undefined;
	try {
		result = JSON.parse(verifierJson) as VerifierResult;
	} catch {
		finish({ passed: false, error: `the verifier failed: ${verifierJson}` }, 1);
	}
	const verified = passed && states.failures().length === 0;
	finish({ passed: verified, verifier: result }, verified ? 0 : 1);
}
