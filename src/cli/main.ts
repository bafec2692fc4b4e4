import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import {
	CONFIG_FLAG_OPTIONS,
	configFlagsOf,
	parseFlags,
	UsageError,
} from "./flags.ts";
import { runGate } from "./gate.ts";
import { MOCK_REGION_FLAGS, runMockRegion } from "./mock-region.ts";
import { type Output, processOutput } from "./output.ts";
import { runSweep } from "./sweep.ts";
import { MAIN_USAGE, USAGES } from "./usage.ts";

/**
 * Entry point of `maas-conformance` (and of `npm run gate`, `npm run
 * mock-region`, `npm run sweep`): `maas-conformance <command> [flags]`.
 * Exit 2 for an unknown command or flag, with one sentence and the usage.
 */

const COMMANDS = ["gate", "mock-region", "sweep", "help"] as const;

export async function runCommand(
	argv: readonly string[],
	output: Output = processOutput,
): Promise<number> {
	const [command, ...args] = argv;
	try {
		switch (command) {
			case undefined:
				throw new UsageError("no command given.");
			case "help":
			case "--help":
			case "-h": {
				const topic = args[0];
				if (topic !== undefined && !Object.hasOwn(USAGES, topic)) {
					throw new UsageError(`unknown command "${topic}".`);
				}
				output.out(topic ? (USAGES[topic] ?? MAIN_USAGE) : MAIN_USAGE);
				return 0;
			}
			case "gate": {
				const parsed = parseFlags(command, args, {
					...CONFIG_FLAG_OPTIONS,
					"dry-run": { type: "boolean" },
					"stage-timeout-ms": { type: "string" },
				});
				if (parsed.values.help) return help(command, output);
				const stageTimeout = parsed.values["stage-timeout-ms"];
				let stageTimeoutMs: number | undefined;
				if (typeof stageTimeout === "string") {
					stageTimeoutMs = Number(stageTimeout);
					// Node's timers hold at most 2^31 - 1 ms; a larger delay fires at once.
					if (
						!/^[0-9]+$/.test(stageTimeout) ||
						stageTimeoutMs < 1000 ||
						stageTimeoutMs > 2_147_483_647
					) {
						throw new UsageError(
							`--stage-timeout-ms must be an integer from 1000 to 2147483647, got ${JSON.stringify(stageTimeout)}.`,
							command,
						);
					}
				}
				return await runGate({
					flags: configFlagsOf(parsed.values),
					dryRun: parsed.values["dry-run"] === true,
					output,
					...(stageTimeoutMs === undefined ? {} : { stageTimeoutMs }),
				});
			}
			case "mock-region": {
				const parsed = parseFlags(command, args, MOCK_REGION_FLAGS);
				if (parsed.values.help) return help(command, output);
				return await runMockRegion(parsed.values, output);
			}
			case "sweep": {
				const parsed = parseFlags(command, args, {
					...CONFIG_FLAG_OPTIONS,
					delete: { type: "boolean" },
				});
				if (parsed.values.help) return help(command, output);
				return await runSweep({
					flags: configFlagsOf(parsed.values),
					delete: parsed.values.delete === true,
					output,
				});
			}
			default:
				throw new UsageError(
					`unknown command "${command}"; the commands are ${COMMANDS.join(", ")}.`,
				);
		}
	} catch (error) {
		if (error instanceof UsageError) {
			output.err(error.message);
			output.err("");
			output.err(
				(error.command ? USAGES[error.command] : undefined) ?? MAIN_USAGE,
			);
			return 2;
		}
		throw error;
	}
}

function help(command: string, output: Output): number {
	output.out(USAGES[command] ?? MAIN_USAGE);
	return 0;
}

/** Runs the command line of this process and exits with its code. */
export function runCli(): void {
	runCommand(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error: unknown) => {
			processOutput.err(
				`maas-conformance failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
			);
			process.exit(2);
		},
	);
}

function isEntryPoint(): boolean {
	const script = process.argv[1];
	if (!script) return false;
	try {
		return import.meta.url === pathToFileURL(realpathSync(script)).href;
	} catch {
		return false;
	}
}

// `tsx src/cli/main.ts` runs the command line; bin.js calls runCli itself;
// a test that imports runCommand runs nothing.
if (isEntryPoint()) runCli();
