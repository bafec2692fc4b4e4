/**
 * Writes the generated benchmark results into their page. The results go
 * between two marker comments; text outside them (a hand-written analysis)
 * is kept when the page is written again. A page without both markers is
 * replaced whole.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const RESULTS_START = "<!-- results written by npm run bench: start -->";
export const RESULTS_END = "<!-- results written by npm run bench: end -->";

/** Returns `page` with the text between the markers replaced by `results`. */
export function withResults(page: string | undefined, results: string): string {
	const block = `${RESULTS_START}\n${results.trimEnd()}\n${RESULTS_END}`;
	const start = page?.indexOf(RESULTS_START) ?? -1;
	const end = page?.indexOf(RESULTS_END) ?? -1;
	if (page === undefined || start < 0 || end < start) return `${block}\n`;
	return `${page.slice(0, start)}${block}${page.slice(end + RESULTS_END.length)}`;
}

export function writePage(path: string, results: string): void {
	const page = existsSync(path) ? readFileSync(path, "utf8") : undefined;
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, withResults(page, results));
}
