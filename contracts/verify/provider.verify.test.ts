/**
 * Stage `verify`: replays every interaction of the committed pact files
 * against the target region, one vitest test (one JUnit testcase) per
 * interaction, named `<requirement id> <interaction description>`. The
 * tests run concurrently, and each waits for one of the LANE_COUNT
 * verification lanes (see contracts/support/verification-runner.ts). Each
 * lane verifies one interaction at a time, with a deadline per interaction
 * and one time budget for the stage. So a crash or a stall fails that
 * testcase only, the remaining ones still run, and the stage ends in
 * bounded time. After each verification its lane reconciles the ledger
 * with the region for the names it reserved, so nothing a crashed
 * verification made outlives it, and the other lane's endpoint is left
 * alone.
 */
import { basename } from "node:path";
import { afterAll, beforeAll, describe, test } from "vitest";
import { MaasClient } from "../../src/client/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { Ledger } from "../../src/probe/ledger.ts";
import { redact } from "../../src/redact.ts";
import { requirementById } from "../../src/requirements/index.ts";
import {
	createLedgerReconciler,
	type LedgerReconciler,
} from "../support/ledger-reconcile.ts";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
	type PactDocument,
	readPactFile,
	requirementOf,
} from "../support/pact-file.ts";
import { countTimeouts } from "../support/timeout-counter.ts";
import {
	interactionDeadlineMs,
	stageBudgetMs,
} from "../support/verification-budget.ts";
import { takeEarlyProcesses } from "../support/verification-early-start.ts";
import { VerificationRunner } from "../support/verification-runner.ts";
import {
	resolveTarget,
	type VerificationTarget,
} from "../support/verification-target.ts";

const config = loadConfig();

/**
 * A test waits for a lane and then for its interaction, and the stage
 * budget bounds both. The interaction's deadline covers its clean-up after
 * the budget stopped it.
 */
const TEST_TIMEOUT_MS =
	stageBudgetMs(config.requestTimeoutMs) +
	interactionDeadlineMs(config.requestTimeoutMs);

let target: VerificationTarget | undefined;
let client: MaasClient | undefined;
let reconciler: LedgerReconciler | undefined;
let runner: VerificationRunner | undefined;

beforeAll(async () => {
	target = await resolveTarget(config);
	client = new MaasClient({
		endpoint: target.endpoint,
		projectId: target.projectId,
		token: target.token,
		timeoutMs: config.requestTimeoutMs,
	});
	const counter = countTimeouts(client);
	reconciler = createLedgerReconciler({
		client: counter.client,
		ledger: Ledger.open(target.ledgerFile, target.runId),
		namePrefix: config.namePrefix,
	});
	runner = new VerificationRunner({
		env: target.childEnv,
		requestTimeoutMs: config.requestTimeoutMs,
		otherTimedOutRequests: counter.count,
		startedProcesses: takeEarlyProcesses(),
		reconciler,
	});
	// Without processes started early, Pact loads while vitest collects
	// the tests.
	runner.warmUp();
});

afterAll(async () => {
	try {
		const failures = (await reconciler?.reconcile()) ?? [];
		if (failures.length > 0) {
			throw new Error(redact(failures.join("\n")));
		}
	} finally {
		await runner?.close();
		await client?.close();
		await target?.close();
		// Processes started early that no runner took (a failed setup).
		await Promise.all(takeEarlyProcesses().map((early) => early.kill()));
	}
});

const pactFiles = listPactFiles(COMMITTED_PACT_DIR);

if (pactFiles.length === 0) {
	test("VERIFY-PACT-FILES the committed pact files", () => {
		throw new Error(
			`no pact files in ${COMMITTED_PACT_DIR}; generate them with "npm run contracts:update"`,
		);
	});
}

for (const file of pactFiles) {
	let document: PactDocument;
	try {
		document = readPactFile(file);
	} catch (error) {
		const message = (error as Error).message;
		test(`VERIFY-PACT-FILES ${basename(file)}`, () => {
			throw new Error(message);
		});
		continue;
	}
	describe(basename(file), () => {
		for (const interaction of document.interactions) {
			const id = requirementOf(interaction) ?? "VERIFY-NO-REQUIREMENT";
			test.concurrent(`${id} ${interaction.description}`, {
				timeout: TEST_TIMEOUT_MS,
			}, async ({ task }) => {
				if (!target || !reconciler || !runner) {
					throw new Error("the verify stage could not resolve its target");
				}
				task.meta.requirement = id;
				task.meta.stage = "verify";
				task.meta.target = target.endpoint;
				const problems: string[] = [];
				try {
					const requirement = requirementById(id);
					task.meta.level = requirement.level;
					task.meta.source = requirement.source;
				} catch (error) {
					problems.push(
						`interaction ${JSON.stringify(interaction.description)} names no catalogue requirement (${(error as Error).message}); give it reference("requirement", ID, url) in its consumer test`,
					);
				}
				// The runner cleans up after the interaction in its lane.
				const report = await runner.verify(file, interaction.description);
				if (!report.passed) problems.push(report.message);
				problems.push(...report.cleanup);
				if (problems.length > 0) {
					throw new Error(problems.join("\n\n"));
				}
			});
		}
	});
}
