/**
 * `probe(id, fn)`: one vitest test per catalogue requirement. The test is
 * named `${id} ${title}`, carries the requirement's metadata in `task.meta`
 * (the JUnit reporter turns it into testcase properties), and fails with one
 * Error whose message states what was sent, expected and received.
 */

import { pathToFileURL } from "node:url";
import { type TaskMeta, test } from "vitest";
import "../report/meta.ts";
import { withFlow } from "../client/request-flow.ts";
import { isMaasError } from "../errors.ts";
import { redact } from "../redact.ts";
import { type Requirement, requirementById } from "../requirements/index.ts";
import { BudgetExhaustedError } from "./budget.ts";
import type { Verdict } from "./checks.ts";
import { failureFor, ProbeFailure } from "./failure.ts";
import type { Observation } from "./observation.ts";
import { getSession, type ProbeSession } from "./session.ts";

/** A check cannot be made because something it needs is missing. */
export class PreconditionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "PreconditionError";
	}
}

export interface Observed {
	status?: number;
	errorCode?: string;
	requestId?: string;
	alternative?: string;
}

export interface ProbeContext {
	readonly session: ProbeSession;
	readonly requirement: Requirement;
	/** Records the exchange that decided the check in the report. */
	observe(fields: Observed): void;
	/** Records status, error code and request id of an observation. */
	observeExchange(observation: Observation, alternative?: string): void;
	/** A SHOULD-level finding: recorded as a warning, the check still passes. */
	warn(text: string): void;
	/** Fails with every violation of `verdicts` and every note, if there are any. */
	assert(verdicts: readonly Verdict[], notes?: readonly string[]): void;
}

type ProbeBody = (context: ProbeContext) => Promise<void>;

/** The spec file `loadSpecFile` is importing, while it does. */
let loadingSpecFile: string | undefined;

/**
 * Registers the check of requirement `id` as a concurrent test. Checks wait
 * for each other only through the fixtures, the endpoint budget and the
 * live endpoint's lock. vitest 4 reads `sequence.concurrent` from the root
 * configuration only, not from a project's, hence `test.concurrent`. The
 * check's requests form the flow `probe:<id>` of the stage `probes` in the
 * run's request log.
 */
export function probe(id: string, body: ProbeBody): void {
	const requirement = requirementById(id);
	// Set at registration, so a check that never runs names its file too.
	const options = loadingSpecFile
		? { meta: { specFile: loadingSpecFile } }
		: {};
	test.concurrent(`${id} ${requirement.title}`, options, ({ task }) =>
		withFlow(`probe:${id}`, () => runCheck(requirement, body, task), "probes"),
	);
}

/**
 * Imports a spec file into the current test module, so that its checks run
 * side by side with those of the other spec files. vitest runs the files of
 * one worker one after another. `relativePath` (from the project root) is
 * what the report names as the checks' file. A file that fails to load
 * becomes one failing test named after it, and the other files still run.
 */
export async function loadSpecFile(
	path: string,
	relativePath: string,
): Promise<void> {
	if (loadingSpecFile) {
		throw new Error(
			`cannot load ${relativePath} while ${loadingSpecFile} is loading; load spec files one at a time`,
		);
	}
	loadingSpecFile = relativePath;
	try {
		await import(pathToFileURL(path).href);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		test(`PROBES-SPEC-FILE ${relativePath} failed to load`, {
			meta: { specFile: relativePath, stage: "probes" },
		}, () => {
			throw new Error(
				redact(
					`${relativePath} failed to load, so none of its checks ran: ${reason}`,
				),
			);
		});
	} finally {
		loadingSpecFile = undefined;
	}
}

async function runCheck(
	requirement: Requirement,
	body: ProbeBody,
	task: { meta: TaskMeta },
): Promise<void> {
	const meta = task.meta;
	meta.requirement = requirement.id;
	meta.level = requirement.level;
	meta.source = requirement.source;
	meta.stage = "probes";
	let session: ProbeSession;
	try {
		session = await getSession();
	} catch (error) {
		throw notChecked(requirement, error);
	}
	meta.target = session.target;
	const observe = (fields: Observed): void => {
		if (fields.status !== undefined) meta.status = fields.status;
		if (fields.errorCode !== undefined) meta.errorCode = fields.errorCode;
		if (fields.requestId !== undefined) meta.requestId = fields.requestId;
		if (fields.alternative !== undefined) {
			meta.alternative = redact(fields.alternative);
		}
	};
	const context: ProbeContext = {
		session,
		requirement,
		observe,
		observeExchange(observation, alternative) {
			observe({
				...(observation.status === undefined
					? {}
					: { status: observation.status }),
				...(observation.errorCode === undefined
					? {}
					: { errorCode: observation.errorCode }),
				...(observation.requestId === undefined
					? {}
					: { requestId: observation.requestId }),
				...(alternative === undefined ? {} : { alternative }),
			});
		},
		warn(text) {
			const line = redact(text);
			meta.warning = meta.warning ? `${meta.warning}; ${line}` : line;
		},
		assert(verdicts, notes = []) {
			const broken = verdicts.some((verdict) => verdict.violations.length);
			if (broken || notes.length > 0) {
				throw failureFor(requirement, verdicts, notes);
			}
		},
	};
	try {
		await body(context);
	} catch (error) {
		if (error instanceof ProbeFailure) throw error;
		throw notChecked(requirement, error);
	}
}

/** Builds the failure of a check that could not be made, with the reason. */
function notChecked(requirement: Requirement, error: unknown): ProbeFailure {
	const reason =
		error instanceof PreconditionError ||
		error instanceof BudgetExhaustedError ||
		isMaasError(error)
			? error.message
			: error instanceof Error
				? `unexpected ${error.name}: ${error.message}`
				: `unexpected error: ${String(error)}`;
	const failure = new ProbeFailure(
		requirement.id,
		redact(
			`${requirement.id} could not be checked: ${reason}\nrule: ${requirement.rule}`,
		),
	);
	return failure;
}
