import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Test support: runs `maas-conformance` as a real process
 * (`node --import tsx src/cli/main.ts ...`) with a controlled environment,
 * so no variable or `.env` file of the developer's shell leaks in.
 */

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const MAIN = join(PROJECT_ROOT, "src", "cli", "main.ts");

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface CliRun {
	child: ChildProcess;
	result: Promise<CliResult>;
	/** Output so far. */
	stdout(): string;
}

/** Builds the environment of a spawned CLI: PATH, HOME, no `.env` file, plus `extra`. */
export function baseEnvironment(
	extra: Record<string, string> = {},
): Record<string, string> {
	return {
		PATH: process.env.PATH ?? "",
		HOME: process.env.HOME ?? "/tmp",
		TMPDIR: process.env.TMPDIR ?? "/tmp",
		MAAS_ENV_FILE: "none",
		PACT_DO_NOT_TRACK: "true",
		...extra,
	};
}

/** Spawns a node process running `script` (a .ts file) through tsx. */
export function startNode(
	script: string,
	args: readonly string[],
	env: Record<string, string>,
): CliRun {
	const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
		cwd: PROJECT_ROOT,
		env,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stdout = "";
	let stderr = "";
	child.stdout?.setEncoding("utf8");
	child.stderr?.setEncoding("utf8");
	child.stdout?.on("data", (chunk: string) => {
		stdout += chunk;
	});
	child.stderr?.on("data", (chunk: string) => {
		stderr += chunk;
	});
	const result = new Promise<CliResult>((resolve, reject) => {
		child.once("error", reject);
		child.once("close", (code, signal) =>
			resolve({ code, signal, stdout, stderr }),
		);
	});
	return { child, result, stdout: () => stdout };
}

/** Starts `maas-conformance <args>`; env is the complete environment. */
export function startCli(
	args: readonly string[],
	env: Record<string, string> = baseEnvironment(),
): CliRun {
	return startNode(MAIN, args, env);
}

export function runCli(
	args: readonly string[],
	env: Record<string, string> = baseEnvironment(),
): Promise<CliResult> {
	return startCli(args, env).result;
}
