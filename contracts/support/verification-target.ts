/**
 * The region the verify stage checks and the run it belongs to. The gate
 * sets MAAS_ENDPOINT, MAAS_PROJECT_ID, MAAS_AUTH_TOKEN, MAAS_RUN_ID and
 * MAAS_LEDGER_FILE for its stages. Run on its own (`vitest run --project
 * verify`), the stage behaves like the gate. Without MAAS_ENDPOINT it
 * starts the embedded mock region. With IAM options and no token it logs
 * in once. Without a run id it makes one, with a ledger file in the report
 * folder where `sweep` finds it.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { loginWithPassword } from "../../src/client/index.ts";
import { type Config, toChildEnvironment } from "../../src/config/index.ts";
import { ConfigError } from "../../src/errors.ts";
import { startMockRegion } from "../../src/mock-region/index.ts";
import { registerSecret } from "../../src/redact.ts";

export interface VerificationTarget {
	endpoint: string;
	projectId: string;
	token: string;
	runId: string;
	ledgerFile: string;
	/** The environment of every verification process. */
	childEnv: Record<string, string>;
	/** Stops the embedded mock region, if one was started. */
	close(): Promise<void>;
}

export async function resolveTarget(
	config: Readonly<Config>,
): Promise<VerificationTarget> {
	const runId = config.runId ?? newRunId();
	const ledgerFile =
		config.ledgerFile ?? join(config.reportDir, `ledger-${runId}.jsonl`);
	let endpoint: string;
	let projectId: string | undefined = config.projectId;
	let token: string | undefined = config.authToken;
	let close = async () => {};

	if (config.endpoint === undefined) {
		const mock = await startMockRegion();
		endpoint = mock.url;
		projectId = mock.projectId;
		token = mock.token;
		close = () => mock.close();
	} else {
		endpoint = config.endpoint;
		if (token === undefined && config.iam !== undefined) {
			const login = await loginWithPassword({
				iamEndpoint: config.iam.endpoint,
				user: config.iam.user,
				password: config.iam.password,
				domain: config.iam.domain,
				project: config.iam.project,
				timeoutMs: config.requestTimeoutMs,
			});
			token = login.token;
			projectId ??= login.projectId;
		}
	}

	if (token === undefined) {
		throw new ConfigError(
			"MAAS_AUTH_TOKEN",
			`MAAS_AUTH_TOKEN is not set and no IAM login is configured, so ${endpoint} cannot be verified; set MAAS_AUTH_TOKEN or the MAAS_IAM_* options`,
		);
	}
	if (projectId === undefined) {
		throw new ConfigError(
			"MAAS_PROJECT_ID",
			`MAAS_PROJECT_ID is not set and the IAM token named no project, so ${endpoint} cannot be verified; set MAAS_PROJECT_ID`,
		);
	}

	registerSecret(token);
	const childEnv = toChildEnvironment(config, {
		MAAS_ENDPOINT: endpoint,
		MAAS_PROJECT_ID: projectId,
		MAAS_AUTH_TOKEN: token,
		MAAS_RUN_ID: runId,
		MAAS_LEDGER_FILE: ledgerFile,
	});
	return { endpoint, projectId, token, runId, ledgerFile, childEnv, close };
}

/** Eight lowercase letters and digits, the gate's run id form. */
function newRunId(): string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
	return [...randomBytes(8)]
		.map((byte) => alphabet[byte % alphabet.length])
		.join("");
}
