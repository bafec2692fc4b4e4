import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loginWithConfig, MaasClient } from "../client/index.ts";
import { type Config, loadConfig } from "../config/index.ts";
import { isMaasError } from "../errors.ts";
import type { Output } from "./output.ts";
import { describePreflightError } from "./preflight.ts";

/**
 * `maas-conformance sweep`: finds the endpoints earlier runs left behind and,
 * with --delete, deletes them. An endpoint qualifies only by a run name
 * (`<prefix><run id>-<n>`, run id 8 lowercase letters or digits) or by its
 * id being recorded in a `<reportDir>/ledger-*.jsonl` file. Nothing else is
 * listed or touched.
 */

export interface SweepOptions {
	flags: Record<string, string>;
	delete: boolean;
	output: Output;
}

export interface LeftEndpoint {
	id: string;
	name: string;
	status: string | undefined;
	/** Why it qualifies: "run name" and/or the ledger file. */
	reasons: string[];
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Matches `<prefix><8 lowercase letters or digits>-<n>`. */
export function runNamePattern(prefix: string): RegExp {
	return new RegExp(`^${escapeRegExp(prefix)}[a-z0-9]{8}-[0-9]+$`);
}

/**
 * Endpoint ids recorded in the ledger files of `reportDir`, with the file
 * each came from. Unreadable lines are skipped with a warning, so one
 * corrupt ledger does not hide the others.
 */
export function ledgerIds(
	reportDir: string,
	warn: (text: string) => void,
): Map<string, string> {
	const ids = new Map<string, string>();
	let files: string[];
	try {
		files = readdirSync(reportDir).filter((name) =>
			/^ledger-.+\.jsonl$/.test(name),
		);
	} catch {
		return ids;
	}
	for (const name of files.sort()) {
		const file = join(reportDir, name);
		const lines = readFileSync(file, "utf8").split("\n");
		lines.forEach((line, index) => {
			if (line.trim() === "") return;
			try {
				const entry = JSON.parse(line) as { id?: unknown };
				if (typeof entry.id === "string" && entry.id.length > 0) {
					ids.set(entry.id, name);
				}
			} catch {
				warn(`${file}:${index + 1} is not a JSON ledger line; skipped`);
			}
		});
	}
	return ids;
}

async function connect(
	config: Readonly<Config>,
	output: Output,
): Promise<MaasClient | number> {
	if (!config.endpoint) {
		output.err(
			"sweep needs a region: set MAAS_ENDPOINT (--endpoint); the embedded mock region keeps nothing between runs.",
		);
		return 2;
	}
	let token = config.authToken;
	let projectId = config.projectId;
	if (config.iam) {
		try {
			const login = await loginWithConfig(config.iam, config.requestTimeoutMs);
			token = login.token;
			projectId ??= login.projectId;
		} catch (error) {
			output.err(
				`IAM login at ${config.iam.endpoint} failed: ${error instanceof Error ? error.message : String(error)}; check the MAAS_IAM_* options.`,
			);
			return 2;
		}
	}
	if (!token || !projectId) {
		output.err(
			"sweep needs MAAS_PROJECT_ID and MAAS_AUTH_TOKEN (or the MAAS_IAM_* login options).",
		);
		return 2;
	}
	return new MaasClient({
		endpoint: config.endpoint,
		projectId,
		token,
		timeoutMs: config.requestTimeoutMs,
	});
}

export async function runSweep(options: SweepOptions): Promise<number> {
	const { output } = options;
	let config: Readonly<Config>;
	try {
		config = loadConfig({ flags: options.flags });
	} catch (error) {
		if (isMaasError(error) && error.code === "MAAS_CONFIG_INVALID") {
			output.err(error.message);
			return 2;
		}
		throw error;
	}
	const client = await connect(config, output);
	if (typeof client === "number") return client;
	try {
		return await sweep(client, config, options);
	} finally {
		const close = (client as { close?: () => unknown }).close;
		if (typeof close === "function") await close.call(client);
	}
}

async function sweep(
	client: MaasClient,
	config: Readonly<Config>,
	options: SweepOptions,
): Promise<number> {
	const { output } = options;
	let items: unknown[];
	try {
		const body = (await client.listEndpoints()).body as { items?: unknown };
		items = Array.isArray(body.items) ? body.items : [];
	} catch (error) {
		output.err(describePreflightError(error, client.endpoint));
		return 2;
	}

	const pattern = runNamePattern(config.namePrefix);
	const recorded = ledgerIds(config.reportDir, (text) => output.err(text));
	const left: LeftEndpoint[] = [];
	for (const item of items) {
		const {
			id,
			endpoint_name: name,
			status,
		} = (item ?? {}) as {
			id?: unknown;
			endpoint_name?: unknown;
			status?: unknown;
		};
		if (typeof id !== "string" || id.length === 0) continue;
		const reasons: string[] = [];
		if (typeof name === "string" && pattern.test(name))
			reasons.push("run name");
		const ledger = recorded.get(id);
		if (ledger) reasons.push(`in ${ledger}`);
		if (reasons.length === 0) continue;
		left.push({
			id,
			name: typeof name === "string" ? name : "",
			status: typeof status === "string" ? status : undefined,
			reasons,
		});
	}

	if (left.length === 0) {
		output.out(
			`No endpoints left by earlier runs (checked ${items.length} endpoint(s) for names ${config.namePrefix}<run id>-<n> and ids in ${config.reportDir}/ledger-*.jsonl).`,
		);
		return 0;
	}
	output.out(`${left.length} endpoint(s) left by earlier runs:`);
	for (const endpoint of left) {
		output.out(
			`  ${endpoint.id}  ${endpoint.name}${endpoint.status ? `  ${endpoint.status}` : ""}  (${endpoint.reasons.join(", ")})`,
		);
	}
	if (!options.delete) {
		output.out(
			'Nothing deleted; run "maas-conformance sweep --delete" to delete them.',
		);
		return 0;
	}

	let failures = 0;
	for (const endpoint of left) {
		try {
			await client.deleteEndpoint(endpoint.id);
			output.out(`deleted ${endpoint.id} ${endpoint.name}`);
		} catch (error) {
			failures++;
			output.err(
				`could not delete ${endpoint.id} ${endpoint.name}: ${error instanceof Error ? error.message : String(error)}`,
			);
		}
	}
	output.out(`${left.length - failures} deleted, ${failures} failed.`);
	return failures > 0 ? 1 : 0;
}
