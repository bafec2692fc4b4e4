/**
 * Command line of `npm run bench`: `--runs N` (default 3) gate runs per
 * delay, `--delays 0,100` (default) the mock region's delay per response in
 * ms, `--output FILE` (default docs/benchmark.md) the page to write.
 * Flags take `--flag value` or `--flag=value`.
 */

import { ConfigError } from "../errors.ts";

export interface BenchOptions {
	runs: number;
	delays: number[];
	/** The page to write, relative to the project root unless absolute. */
	output: string;
	help: boolean;
}

export const BENCH_USAGE = `usage: npm run bench -- [--runs N] [--delays MS,MS,...] [--output FILE]

Runs the whole gate N times (default 3) against a mock region started with
each delay per response (default 0,100 ms), prints wall time, start-up,
requests, names burned and the critical path per delay, and writes them to
FILE (default docs/benchmark.md).`;

const DEFAULTS: BenchOptions = {
	runs: 3,
	delays: [0, 100],
	output: "docs/benchmark.md",
	help: false,
};

/** Parses the bench's arguments; throws a ConfigError naming the flag that is wrong. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
	const options: BenchOptions = { ...DEFAULTS, delays: [...DEFAULTS.delays] };
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index] as string;
		if (arg === "--help" || arg === "-h") {
			options.help = true;
			continue;
		}
		const match = /^--(runs|delays|output)(?:=(.*))?$/.exec(arg);
		if (!match) {
			throw new ConfigError(
				arg,
				`unknown argument ${JSON.stringify(arg)}; use --runs, --delays or --output`,
			);
		}
		const flag = `--${match[1]}`;
		let value = match[2];
		if (value === undefined) {
			value = argv[index + 1];
			index++;
		}
		if (value === undefined || value === "") {
			throw new ConfigError(flag, `${flag} needs a value`);
		}
		if (flag === "--runs") options.runs = parseRuns(value);
		else if (flag === "--delays") options.delays = parseDelays(value);
		else options.output = value;
	}
	return options;
}

function parseRuns(value: string): number {
	if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 100) {
		throw new ConfigError(
			"--runs",
			`--runs must be an integer from 1 to 100, got ${JSON.stringify(value)}`,
		);
	}
	return Number(value);
}

function parseDelays(value: string): number[] {
	const parts = value.split(",").map((part) => part.trim());
	const delays = parts.map((part) => {
		if (!/^[0-9]+$/.test(part) || Number(part) > 60_000) {
			throw new ConfigError(
				"--delays",
				`--delays takes comma-separated integers of ms from 0 to 60000, got ${JSON.stringify(part)} in ${JSON.stringify(value)}`,
			);
		}
		return Number(part);
	});
	return [...new Set(delays)];
}
