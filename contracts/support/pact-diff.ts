/**
 * Compares two pact files by what they promise. Metadata other than the
 * specification version is ignored, because it records the pact-js and
 * pact-rust versions that wrote the file (and any timestamp a tool adds).
 * The consumer, the provider and every interaction count. Interactions are
 * paired by description and compared with their keys sorted.
 */
import type { PactDocument, PactInteraction } from "./pact-file.ts";

/** Metadata keys that describe the pact, not the tools that wrote it. */
const STABLE_METADATA = ["pactSpecification"] as const;

export interface PactDifference {
	/** The interaction's description, or a part of the file such as "consumer". */
	subject: string;
	kind: "added" | "removed" | "changed";
	/** The committed form (undefined when added). */
	committed: string | undefined;
	/** The freshly generated form (undefined when removed). */
	generated: string | undefined;
}

/** Returns the parts of a pact that carry meaning, with keys in a stable order. */
export function normalizePact(document: PactDocument): unknown {
	const metadata: Record<string, unknown> = {};
	for (const key of STABLE_METADATA) {
		if (document.metadata?.[key] !== undefined) {
			metadata[key] = document.metadata[key];
		}
	}
	return sortKeys({
		consumer: document.consumer,
		provider: document.provider,
		metadata,
		interactions: [...document.interactions].sort((a, b) =>
			a.description.localeCompare(b.description),
		),
	});
}

export function diffPacts(
	committed: PactDocument,
	generated: PactDocument,
): PactDifference[] {
	const differences: PactDifference[] = [];
	const before = normalizePact(committed) as Normalized;
	const after = normalizePact(generated) as Normalized;
	for (const part of ["consumer", "provider", "metadata"] as const) {
		const a = render(before[part]);
		const b = render(after[part]);
		if (a !== b) {
			differences.push({
				subject: part,
				kind: "changed",
				committed: a,
				generated: b,
			});
		}
	}
	const byDescription = (list: PactInteraction[]) =>
		new Map(list.map((interaction) => [interaction.description, interaction]));
	const oldOnes = byDescription(before.interactions);
	const newOnes = byDescription(after.interactions);
	for (const [description, interaction] of oldOnes) {
		const replacement = newOnes.get(description);
		if (replacement === undefined) {
			differences.push({
				subject: description,
				kind: "removed",
				committed: render(interaction),
				generated: undefined,
			});
		} else if (render(interaction) !== render(replacement)) {
			differences.push({
				subject: description,
				kind: "changed",
				committed: render(interaction),
				generated: render(replacement),
			});
		}
	}
	for (const [description, interaction] of newOnes) {
		if (!oldOnes.has(description)) {
			differences.push({
				subject: description,
				kind: "added",
				committed: undefined,
				generated: render(interaction),
			});
		}
	}
	return differences;
}

/**
 * Formats the differences as a report: for each, its subject and the lines
 * that differ (a line diff of the pretty-printed JSON), then how to update.
 */
export function describeDifferences(
	file: string,
	differences: PactDifference[],
): string {
	const parts = [
		`${file} differs from what the consumer tests generate now (${differences.length} difference${differences.length === 1 ? "" : "s"}; - committed, + generated):`,
	];
	for (const difference of differences) {
		parts.push("", `${difference.kind}: ${JSON.stringify(difference.subject)}`);
		parts.push(...lineDiff(difference.committed, difference.generated));
	}
	parts.push(
		"",
		'If the change is intended, run "npm run contracts:update", review the diff of contracts/pacts and commit it; otherwise fix the consumer test.',
	);
	return parts.join("\n");
}

interface Normalized {
	consumer: unknown;
	provider: unknown;
	metadata: unknown;
	interactions: PactInteraction[];
}

function render(value: unknown): string {
	return JSON.stringify(value, null, 2);
}

/** `-` committed line, `+` generated line; unchanged lines are left out. */
function lineDiff(
	committed: string | undefined,
	generated: string | undefined,
): string[] {
	const a = committed?.split("\n") ?? [];
	const b = generated?.split("\n") ?? [];

	// Longest common subsequence; interactions are a few hundred lines.
	const width = b.length + 1;
	const common = new Int32Array((a.length + 1) * width);
	const at = (i: number, j: number) => common[i * width + j] ?? 0;
	for (let i = a.length - 1; i >= 0; i--) {
		for (let j = b.length - 1; j >= 0; j--) {
			common[i * width + j] =
				a[i] === b[j]
					? at(i + 1, j + 1) + 1
					: Math.max(at(i + 1, j), at(i, j + 1));
		}
	}

	const out: string[] = [];
	let i = 0;
	let j = 0;
	while (i < a.length || j < b.length) {
		if (i < a.length && j < b.length && a[i] === b[j]) {
			i++;
			j++;
		} else if (
			i < a.length &&
			(j === b.length || at(i + 1, j) >= at(i, j + 1))
		) {
			out.push(`  - ${a[i]}`);
			i++;
		} else {
			out.push(`  + ${b[j]}`);
			j++;
		}
	}
	return out;
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value === null || typeof value !== "object") return value;
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(value).sort()) {
		out[key] = sortKeys((value as Record<string, unknown>)[key]);
	}
	return out;
}
