import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
	RESULTS_END,
	RESULTS_START,
	withResults,
	writePage,
} from "./page-file.ts";

describe("withResults", () => {
	test("a page without both markers is replaced by the results", () => {
		expect(withResults(undefined, "# Results\n")).toBe(
			`${RESULTS_START}\n# Results\n${RESULTS_END}\n`,
		);
		expect(withResults(`old ${RESULTS_START} text`, "new")).toBe(
			`${RESULTS_START}\nnew\n${RESULTS_END}\n`,
		);
	});

	test("text outside the markers is kept", () => {
		const page = `intro\n${RESULTS_START}\nold results\n${RESULTS_END}\n\n## Analysis\nkept\n`;
		expect(withResults(page, "new results")).toBe(
			`intro\n${RESULTS_START}\nnew results\n${RESULTS_END}\n\n## Analysis\nkept\n`,
		);
	});
});

describe("writePage", () => {
	test("writes a new page and keeps the analysis of an existing one", () => {
		const path = join(
			mkdtempSync(join(tmpdir(), "maas-page-")),
			"docs",
			"b.md",
		);
		writePage(path, "first");
		writeFileSync(path, `${readFileSync(path, "utf8")}\n## Analysis\n`);
		writePage(path, "second");
		const text = readFileSync(path, "utf8");
		expect(text).toContain("second");
		expect(text).not.toContain("first");
		expect(text).toContain("## Analysis");
	});
});
