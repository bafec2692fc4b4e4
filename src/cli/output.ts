import { redact } from "../redact.ts";

/**
 * Output streams of a command. Every line passes through `redact`, so no
 * registered secret reaches the console.
 */
export interface Output {
	/** One or more lines for stdout. */
	out(text: string): void;
	/** One or more lines for stderr. */
	err(text: string): void;
}

export const processOutput: Output = {
	out(text) {
		process.stdout.write(`${redact(text)}\n`);
	},
	err(text) {
		process.stderr.write(`${redact(text)}\n`);
	},
};
