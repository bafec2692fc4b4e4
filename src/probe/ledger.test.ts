import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Ledger } from "./ledger.ts";

let dir: string;
let file: string;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), "ledger-test-"));
	file = join(dir, "nested", "ledger-run1.jsonl");
});

afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
});

describe("Ledger", () => {
	test("open creates the folder and an empty file", () => {
		const ledger = Ledger.open(file, "run1");
		expect(readFileSync(file, "utf8")).toBe("");
		expect(ledger.entries()).toEqual([]);
		expect(ledger.file).toBe(file);
	});

	test("reserve, create and delete fold into the latest state per endpoint", () => {
		const ledger = Ledger.open(file, "run1");
		const first = ledger.reserveName("conformance-");
		const second = ledger.reserveName("conformance-");
		expect(first).toBe("conformance-run1-1");
		expect(second).toBe("conformance-run1-2");
		ledger.recordCreated(first, "id-1");
		expect(ledger.alive().map((entry) => entry.id)).toEqual(["id-1"]);
		ledger.recordDeleted("id-1");
		const states = ledger
			.entries()
			.map((entry) => [entry.name, entry.id, entry.state]);
		expect(states).toEqual([
			["conformance-run1-2", undefined, "reserved"],
			["conformance-run1-1", "id-1", "deleted"],
		]);
		expect(ledger.alive()).toEqual([]);
		const lines = readFileSync(file, "utf8").trim().split("\n");
		expect(lines).toHaveLength(4);
		expect(JSON.parse(lines[3] ?? "")).toMatchObject({
			runId: "run1",
			name: first,
			id: "id-1",
			state: "deleted",
		});
	});

	test("two Ledger objects on one file never hand out the same name", () => {
		const a = Ledger.open(file, "run1");
		const b = Ledger.open(file, "run1");
		const names = new Set<string>();
		for (let index = 0; index < 20; index += 1) {
			names.add(a.reserveName("p-"));
			names.add(b.reserveName("q-"));
		}
		expect(names.size).toBe(40);
		expect(a.entries()).toHaveLength(40);
	});

	test("two processes reserving at the same time never share a name", async () => {
		const ledgerModule = new URL("./ledger.ts", import.meta.url).href;
		const script = `import { Ledger } from ${JSON.stringify(ledgerModule)};
const ledger = Ledger.open(process.argv[1], "run1");
for (let i = 0; i < 150; i += 1) ledger.reserveName("c-");`;
		const run = () =>
			new Promise<number | null>((done, fail) => {
				const child = spawn(
					process.execPath,
					["--import", "tsx", "--input-type=module", "-e", script, file],
					{ stdio: ["ignore", "ignore", "inherit"] },
				);
				child.on("error", fail);
				child.on("exit", (code) => done(code));
			});
		Ledger.open(file, "run1");
		expect(await Promise.all([run(), run()])).toEqual([0, 0]);
		const names = Ledger.open(file, "run1")
			.entries()
			.map((entry) => entry.name);
		expect(names).toHaveLength(300);
		expect(new Set(names).size).toBe(300);
	});

	test("other runs' lines in the file neither count nor number", () => {
		const shared = join(dir, "shared.jsonl");
		const other = Ledger.open(shared, "run2");
		other.reserveName("p-");
		other.reserveName("p-");
		const ledger = Ledger.open(shared, "run1");
		expect(ledger.reserveName("p-")).toBe("p-run1-1");
		expect(ledger.entries()).toHaveLength(1);
	});

	test("a shaped name keeps the run number and numbers on from it", () => {
		const ledger = Ledger.open(file, "run1");
		const long = ledger.reserveName("c-", (name) => name.padEnd(65, "x"));
		expect(long).toHaveLength(65);
		expect(long.startsWith("c-run1-1x")).toBe(true);
		expect(ledger.reserveName("c-")).toBe("c-run1-2");
		expect(() => ledger.reserveName("c-", () => "unrelated")).toThrow(
			/lost the run number/,
		);
	});

	test("burned names count names the region accepted, once each", () => {
		const ledger = Ledger.open(file, "run1");
		const accepted = ledger.reserveName("c-");
		ledger.reserveName("c-"); // rejected by the region: not burned
		ledger.recordCreated(accepted, "id-1");
		ledger.recordDeleted("id-1");
		// A deviant region accepts the deleted name a second time.
		ledger.recordCreated(accepted, "id-2");
		expect(ledger.burnedNames()).toBe(1);
		expect(ledger.alive().map((entry) => entry.id)).toEqual(["id-2"]);
	});

	test("peak alive is the most endpoints alive at once", () => {
		const ledger = Ledger.open(file, "run1");
		const [a, b, c] = [1, 2, 3].map(() => ledger.reserveName("c-"));
		ledger.recordCreated(a ?? "", "id-a");
		ledger.recordCreated(b ?? "", "id-b");
		ledger.recordDeleted("id-a");
		ledger.recordCreated(c ?? "", "id-c");
		ledger.recordDeleted("id-b");
		ledger.recordDeleted("id-b"); // repeated: changes nothing
		expect(ledger.peakAlive()).toBe(2);
		ledger.recordDeleted("id-c");
		expect(ledger.peakAlive()).toBe(2);
		expect(ledger.alive()).toEqual([]);
	});

	test("a name that was not reserved or an unknown id is rejected", () => {
		const ledger = Ledger.open(file, "run1");
		expect(() => ledger.recordCreated("someone-else", "id-x")).toThrow(
			expect.objectContaining({ code: "MAAS_SAFETY_VIOLATION" }),
		);
		expect(() => ledger.recordDeleted("id-x")).toThrow(
			expect.objectContaining({ code: "MAAS_SAFETY_VIOLATION" }),
		);
	});

	test("a corrupt line is reported with its line number and skipped", () => {
		const ledger = Ledger.open(file, "run1");
		const name = ledger.reserveName("c-");
		appendFileSync(file, '{"runId":"run1","name":\n');
		appendFileSync(
			file,
			'{"runId":"run1","name":"x","state":"gone","at":"t"}\n',
		);
		ledger.recordCreated(name, "id-1");
		const problems = ledger.problems();
		expect(problems).toEqual([
			{ line: 2, reason: expect.stringContaining("not JSON") },
			{ line: 3, reason: expect.stringContaining('state "gone"') },
		]);
		expect(ledger.alive().map((entry) => entry.id)).toEqual(["id-1"]);
	});

	test("a torn last line does not swallow the next entry", () => {
		const ledger = Ledger.open(file, "run1");
		const name = ledger.reserveName("c-");
		appendFileSync(file, '{"runId":"run1","na'); // killed mid-write
		ledger.recordCreated(name, "id-1");
		expect(ledger.alive().map((entry) => entry.id)).toEqual(["id-1"]);
		expect(ledger.problems()).toEqual([
			{ line: 2, reason: expect.stringContaining("not JSON") },
		]);
	});
});
