/**
 * Shared fixtures of the probe stage, memoised per process so the checks of
 * all spec files share them (the probes project runs one worker without
 * isolation). On a conformant region the stage creates two endpoints in all:
 * - the live endpoint, kept until the stage ends, used by the token,
 *   project, edit, control and live-name checks (replaced when a deviant
 *   region deletes it on a request it should have rejected);
 * - the deleted endpoint, deleted at once: that delete is the exchange
 *   DELETE-204-EMPTY judges, its absence from the list is
 *   DELETE-REMOVES-ENDPOINT, its second delete DELETE-REPEAT-REJECTED and
 *   its name the one NAME-NEVER-REUSED tries again.
 * CREATE-SUCCEEDS judges both creates. A fixture that cannot be made fails
 * every check that needs it, with a PreconditionError saying why.
 *
 * The checks of all spec files start together (specs/all-specs.ts), so each
 * fixture starts with the first check that needs it.
 */

import { currentFlow, inFlow, RequestFlow } from "../client/request-flow.ts";
import type { Observation } from "./observation.ts";
import { PreconditionError } from "./probe.ts";
import {
	type CreateOutcome,
	type DeleteOutcome,
	getSession,
} from "./session.ts";
import { SharedLock } from "./shared-lock.ts";

export interface KeptEndpoint {
	name: string;
	id: string;
	creation: CreateOutcome;
}

export interface DeletedEndpoint extends KeptEndpoint {
	/** The delete judged by DELETE-204-EMPTY, and the list read after it. */
	deletion: DeleteOutcome;
}

export const LIVE_REMARK = "conformance probe: live endpoint";
export const DELETED_REMARK = "conformance probe: endpoint to delete";

/** How a fixture ended, and its flow's last requests. */
type Settled =
	| { failed: false; value: unknown; last: string[] }
	| { failed: true; error: unknown; last: string[] };

const memo = new Map<string, Promise<Settled>>();

/**
 * Runs `make` once per process, in a request flow of its own named
 * `fixture:<key>`, and resolves every caller to its result. The caller's
 * flow then follows the fixture's last requests, whose responses it needed.
 */
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
	let settled = memo.get(key);
	if (!settled) {
		const flow = new RequestFlow(`fixture:${key}`, "probes");
		settled = inFlow(flow, make).then(
			(value): Settled => ({ failed: false, value, last: flow.lastIds() }),
			(error: unknown): Settled => ({
				failed: true,
				error,
				last: flow.lastIds(),
			}),
		);
		memo.set(key, settled);
	}
	const caller = currentFlow();
	return settled.then((result) => {
		caller?.follow(result.last);
		if (result.failed) throw result.error;
		return result.value as T;
	});
}

/** Creates the live endpoint once; resolves to the outcome, whatever it is. */
export function liveCreation(): Promise<CreateOutcome> {
	return once("live", () => createLive("live endpoint"));
}

async function createLive(purpose: string): Promise<CreateOutcome> {
	const session = await getSession();
	const outcome = await session.createEndpoint(purpose, LIVE_REMARK);
	if (outcome.id !== undefined) session.hold(outcome.id);
	return outcome;
}

/**
 * How many times a live endpoint that a deviant region deleted (a delete it
 * should have rejected) is replaced, so the checks after it still run.
 */
const MAX_LIVE_REPLACEMENTS = 3;
const liveLock = new SharedLock();

/**
 * Runs `check` with the live endpoint, alive. `mode` "exclusive" is for a
 * check whose requests may delete the endpoint or change it: it runs alone,
 * so a disappearance or a failure is blamed on the right check. An endpoint found gone is replaced (up to
 * MAX_LIVE_REPLACEMENTS times); one that cannot be made fails the check
 * with a PreconditionError.
 */
export function withLiveEndpoint<T>(
	mode: "shared" | "exclusive",
	check: (live: KeptEndpoint) => Promise<T>,
): Promise<T> {
	const run = async () => check(await liveEndpoint());
	return mode === "exclusive" ? liveLock.exclusive(run) : liveLock.shared(run);
}

async function liveEndpoint(): Promise<KeptEndpoint> {
	const session = await getSession();
	let creation = await liveCreation();
	for (let replacement = 1; ; replacement += 1) {
		const id = usableId(creation, "live endpoint");
		if (session.isAlive(id)) return { name: creation.name, id, creation };
		const cause = session.removalOf(id) ?? "it left the list";
		if (replacement > MAX_LIVE_REPLACEMENTS) {
			throw new PreconditionError(
				`this check needs the live endpoint, and ${MAX_LIVE_REPLACEMENTS} replacements are gone already; the last, ${creation.name} (${id}), was removed by ${cause}`,
			);
		}
		creation = await once(`live-replacement-${id}`, () =>
			createLive(`live endpoint (replacing ${id}, removed by ${cause})`),
		);
	}
}

/**
 * Creates the endpoint to delete once; resolves to the outcome, whatever it
 * is. It also starts the delete, so the endpoint's budget slot frees without
 * waiting for a check that needs the deleted endpoint.
 */
export function deletedCreation(): Promise<CreateOutcome> {
	void deletedEndpoint().catch(() => undefined);
	return createToDelete();
}

function createToDelete(): Promise<CreateOutcome> {
	return once("deleted-creation", async () => {
		const session = await getSession();
		return session.createEndpoint("endpoint to delete", DELETED_REMARK);
	});
}

/** Creates and deletes the endpoint to delete; the delete is the DELETE-204-EMPTY exchange. */
export function deletedEndpoint(): Promise<DeletedEndpoint> {
	return once("deleted", async () => {
		const session = await getSession();
		const creation = await createToDelete();
		const id = usableId(creation, "endpoint to delete");
		const deletion = await session.deleteEndpoint(
			id,
			"the delete judged by DELETE-204-EMPTY",
		);
		return { name: creation.name, id, creation, deletion };
	});
}

/**
 * Resolves to the deleted endpoint once the list confirms it is gone;
 * rejects with a PreconditionError when the delete did not remove it.
 */
export async function confirmedDeleted(): Promise<DeletedEndpoint> {
	const deleted = await deletedEndpoint();
	const { listed, gone, unverifiable } = deleted.deletion;
	if (gone && !listed && !unverifiable) return deleted;
	throw new PreconditionError(
		listed
			? `this check needs a deleted endpoint, but ${deleted.name} (${deleted.id}) is still listed after its delete (${describeResponse(deleted.deletion.observation)})`
			: `this check needs a deleted endpoint, but the delete of ${deleted.name} cannot be confirmed: ${unverifiable ?? describeResponse(deleted.deletion.observation)}`,
	);
}

/**
 * Error responses other checks do not cause themselves, for the checks of the
 * error format: a delete of an unknown id, a list without a token and an
 * edit of an unknown id.
 */
export function errorSamples(): Promise<Observation[]> {
	return once("error-samples", async () => {
		const session = await getSession();
		return Promise.all([
			session
				.deleteEndpoint(session.unknownId(), "error sample")
				.then((outcome) => outcome.observation),
			session.listRaw({ auth: "none" }),
			session.edit(session.unknownId(), {
				remark: "conformance probe: unknown id",
			}),
		]);
	});
}

/** Reads the list once; checks of the list body share this read. */
export function listSample(): Promise<Observation> {
	return once("list-sample", async () => (await getSession()).list());
}

function usableId(creation: CreateOutcome, label: string): string {
	if (creation.id !== undefined) return creation.id;
	const reasons = [
		describeResponse(creation.observation),
		...creation.problems,
		...(creation.listError ? [`list: ${creation.listError}`] : []),
	];
	throw new PreconditionError(
		`this check needs the ${label}, which could not be created (POST ${creation.observation.sent.path}: ${reasons.join("; ")})`,
	);
}

/** Describes a response in a few words, for precondition messages. */
export function describeResponse(observation: Observation): string {
	if (observation.failure !== undefined) return observation.failure;
	const code = observation.errorCode ? ` ${observation.errorCode}` : "";
	return `responded with ${observation.status}${code}`;
}
