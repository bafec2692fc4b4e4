import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT } from "../config/index.ts";
import { REQUIREMENTS, requirementById } from "./index.ts";

const SPECS = join(PROJECT_ROOT, "specs");
/** `probe("ID", ...)`: how a spec file registers the check of a requirement. */
const PROBE_CALL = /\bprobe\(\s*["']([A-Z0-9-]+)["']/g;

/** Requirement id -> spec files that register a check for it, once per call. */
function probesInSpecs(): Map<string, string[]> {
	const found = new Map<string, string[]>();
	for (const file of readdirSync(SPECS).filter((name) =>
		name.endsWith(".spec.ts"),
	)) {
		const text = readFileSync(join(SPECS, file), "utf8");
		for (const match of text.matchAll(PROBE_CALL)) {
			const id = match[1] as string;
			found.set(id, [...(found.get(id) ?? []), file]);
		}
	}
	return found;
}

describe("requirement catalogue", () => {
	test("ids are unique and well-formed", () => {
		const ids = REQUIREMENTS.map((requirement) => requirement.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const id of ids) expect(id).toMatch(/^[A-Z0-9]+(-[A-Z0-9]+)+$/);
	});

	test("entries have title, rule, level, source", () => {
		for (const requirement of REQUIREMENTS) {
			expect(requirement.title.length, requirement.id).toBeGreaterThan(0);
			expect(requirement.title.length, requirement.id).toBeLessThanOrEqual(60);
			expect(requirement.rule.length, requirement.id).toBeGreaterThan(20);
			expect(["MUST", "SHOULD"]).toContain(requirement.level);
			expect(requirement.source).toMatch(
				/^https:\/\/support\.huaweicloud\.com\/intl\/en-us\/api-(maas|iam)\//,
			);
		}
	});

	test("requirementById finds an entry and rejects an unknown id by name", () => {
		expect(requirementById("DELETE-204-EMPTY").level).toBe("MUST");
		expect(() => requirementById("DELETE-NOPE")).toThrow(/"DELETE-NOPE"/);
	});

	test("the catalogue is frozen", () => {
		expect(Object.isFrozen(REQUIREMENTS)).toBe(true);
		expect(Object.isFrozen(REQUIREMENTS[0])).toBe(true);
	});

	test("every catalogue id is checked by exactly one probe in specs/", () => {
		const found = probesInSpecs();
		for (const requirement of REQUIREMENTS) {
			expect(found.get(requirement.id), requirement.id).toHaveLength(1);
		}
	});

	test("every id used in specs/ is in the catalogue", () => {
		const known = new Set(REQUIREMENTS.map((requirement) => requirement.id));
		for (const id of probesInSpecs().keys()) expect(known).toContain(id);
	});

	test("the scan finds probe calls, so an unchecked id cannot pass unseen", () => {
		const sample = 'probe("A-B", x);\nprobe(\n\t"C-D", y);\nnotprobe("E-F")';
		expect([...sample.matchAll(PROBE_CALL)].map((match) => match[1])).toEqual([
			"A-B",
			"C-D",
		]);
	});
});
