/**
 * The message of a failed check. One Error per check, its message on
 * separate lines: the requirement and its rule, then for every exchange that
 * broke it what was sent, what was expected, what came back, every violation
 * and a curl line that repeats the request. The text passes through `redact`.
 */

import { redact } from "../redact.ts";
import type { Requirement } from "../requirements/index.ts";
import type { Verdict } from "./checks.ts";
import { bodyPreview } from "./observation.ts";

export class ProbeFailure extends Error {
	readonly requirementId: string;

	constructor(requirementId: string, message: string) {
		super(message);
		this.name = "ProbeFailure";
		this.requirementId = requirementId;
	}
}

/**
 * Builds the failure of `requirement` from the verdicts that have
 * violations and from `notes` (findings that belong to no single exchange).
 */
export function failureFor(
	requirement: Requirement,
	verdicts: readonly Verdict[],
	notes: readonly string[] = [],
): ProbeFailure {
	return new ProbeFailure(
		requirement.id,
		formatFailure(requirement, verdicts, notes),
	);
}

export function formatFailure(
	requirement: Requirement,
	verdicts: readonly Verdict[],
	notes: readonly string[] = [],
): string {
	const failing = verdicts.filter((verdict) => verdict.violations.length > 0);
	const lines = [`${requirement.id} failed: ${requirement.rule}`];
	for (const note of notes) lines.push(note);
	failing.forEach((verdict, index) => {
		if (failing.length > 1) {
			lines.push(`exchange ${index + 1} of ${failing.length}:`);
		}
		lines.push(...exchangeLines(verdict));
	});
	return redact(lines.join("\n"));
}

function exchangeLines(verdict: Verdict): string[] {
	const { observation } = verdict;
	const lines = [
		`  sent: ${observation.sent.method} ${shortPath(observation.sent.path)}`,
		`  expected: ${verdict.expected}`,
	];
	if (observation.failure !== undefined && observation.status === undefined) {
		lines.push(`  received: no response (${observation.failure})`);
	} else {
		const parts = [
			`status ${observation.status ?? "(none)"}`,
			`content-type ${observation.contentType ?? "(none)"}`,
			`error_code ${observation.errorCode ?? "(none)"}`,
		];
		if (observation.requestId)
			parts.push(`request id ${observation.requestId}`);
		lines.push(`  received: ${parts.join(", ")}`);
		lines.push(
			`  body (first 200 bytes): ${bodyPreview(observation.rawBody, 200)}`,
		);
	}
	lines.push("  violations:");
	for (const violation of verdict.violations) lines.push(`    - ${violation}`);
	lines.push(`  reproduce: ${observation.sent.curl}`);
	return lines;
}

/** Cuts overlong segments of a path; the curl line keeps the full path. */
export function shortPath(path: string, limit = 80): string {
	return path
		.split("/")
		.map((segment) =>
			segment.length > limit
				? `${segment.slice(0, 16)}...(${segment.length} characters)`
				: segment,
		)
		.join("/");
}
