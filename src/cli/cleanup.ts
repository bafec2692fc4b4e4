import type { MaasClient } from "../client/index.ts";
import { isMaasError } from "../errors.ts";
import type { Ledger, LedgerEntry } from "../probe/ledger.ts";

/**
 * Deletes what a run left alive, using only the run's ledger: endpoints
 * recorded as created and not deleted, and names reserved for a create whose
 * response never arrived (a stage killed mid-request) that the list shows.
 * Nothing outside the ledger is ever touched.
 */

export interface CleanupProblem {
	name: string;
	id: string | undefined;
	reason: string;
}

export interface CleanupResult {
	/** Ids deleted now (or found already gone). */
	deleted: string[];
	/** Endpoints of the run that are still there or could not be checked. */
	problems: CleanupProblem[];
}

export interface CleanupOptions {
	client: MaasClient;
	ledger: Ledger;
	/**
	 * Wait this long and list once more when a reserved name is not in the
	 * list, because a create cut off by a kill may still be landing. 0: no
	 * second look (a normal run, where reserved-only names were rejected).
	 */
	settleMs?: number;
}

/** Deletes in flight at once: few enough not to hit a region's rate limit. */
const DELETES_AT_ONCE = 2;

/** Runs `work` for every item, at most `limit` at once; `work` must not throw. */
async function forEachConcurrently<T>(
	items: readonly T[],
	limit: number,
	work: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < items.length) {
			const item = items[next] as T;
			next += 1;
			await work(item);
		}
	};
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, lane),
	);
}

interface ListedEndpoint {
	id: string;
	name: string;
}

async function listEndpoints(client: MaasClient): Promise<ListedEndpoint[]> {
	const response = await client.listEndpoints();
	const items = (response.body as { items?: unknown }).items;
	if (!Array.isArray(items)) return [];
	return items.flatMap((item) => {
		const { id, endpoint_name: name } = (item ?? {}) as {
			id?: unknown;
			endpoint_name?: unknown;
		};
		return typeof id === "string" && typeof name === "string"
			? [{ id, name }]
			: [];
	});
}

function describe(error: unknown): string {
	if (error instanceof Error) {
		return isMaasError(error)
			? error.message
			: `${error.name}: ${error.message}`;
	}
	return String(error);
}

/** 404, or 400 ModelArts.6291 (CustomEndpointNotFound, ErrorCode.html). */
function isNotFound(error: unknown): boolean {
	if (!isMaasError(error) || error.code !== "MAAS_API_ERROR") return false;
	const details = (
		error as unknown as { details?: { status?: number; errorCode?: string } }
	).details;
	return details?.status === 404 || details?.errorCode === "ModelArts.6291";
}

export async function cleanupRun(
	options: CleanupOptions,
): Promise<CleanupResult> {
	const { client, ledger } = options;
	const ownEntries = ledger
		.entries()
		.filter((entry) => entry.runId === ledger.runId);
	const result: CleanupResult = { deleted: [], problems: [] };
	if (ownEntries.length === 0) return result;

	const reserved = ownEntries.filter(
		(entry) => entry.state === "reserved" && !entry.id,
	);
	const lookedFor = (listed: ListedEndpoint[]) =>
		reserved.every((entry) => listed.some((e) => e.name === entry.name));
	let listed: ListedEndpoint[] | undefined;
	try {
		listed = await listEndpoints(client);
		if ((options.settleMs ?? 0) > 0 && !lookedFor(listed)) {
			await new Promise((resolve) => setTimeout(resolve, options.settleMs));
			listed = await listEndpoints(client);
		}
	} catch (error) {
		for (const entry of reserved) {
			result.problems.push({
				name: entry.name,
				id: undefined,
				reason: `could not list the endpoints to look for the reserved name: ${describe(error)}`,
			});
		}
	}

	const targets = new Map<string, LedgerEntry>();
	for (const entry of ownEntries) {
		if (!entry.id) continue;
		// A delete the region accepted without deleting leaves a "deleted"
		// entry whose id is still listed; it is the run's, so delete it again.
		const stillListed = listed?.some((endpoint) => endpoint.id === entry.id);
		if (
			entry.state === "created" ||
			(entry.state === "deleted" && stillListed)
		) {
			targets.set(entry.id, entry);
		}
	}
	for (const entry of reserved) {
		const found = listed?.find((endpoint) => endpoint.name === entry.name);
		if (!found || targets.has(found.id)) continue;
		ledger.recordCreated(entry.name, found.id);
		targets.set(found.id, { ...entry, id: found.id, state: "created" });
	}
	if (targets.size === 0) return result;

	// Each delete is bounded by the client's request timeout. Running them
	// side by side keeps a region that never responds from costing one
	// timeout per endpoint.
	const failed = new Map<string, string>();
	const answered: string[] = [];
	await forEachConcurrently(
		[...targets],
		DELETES_AT_ONCE,
		async ([id, entry]) => {
			try {
				await client.deleteEndpoint(id);
				answered.push(id);
			} catch (error) {
				if (isNotFound(error)) answered.push(id);
				else {
					failed.set(id, `delete of ${entry.name} failed: ${describe(error)}`);
				}
			}
		},
	);

	// Judge by the list, not by the delete responses. A region may reject a
	// delete (or never respond) and still delete, or return 204 and keep the
	// endpoint.
	let remaining: ListedEndpoint[];
	try {
		remaining = await listEndpoints(client);
	} catch (error) {
		for (const id of answered) {
			ledger.recordDeleted(id);
			result.deleted.push(id);
		}
		for (const [id, reason] of failed) {
			result.problems.push({
				name: targets.get(id)?.name ?? "",
				id,
				reason: `${reason}; the list to check it also failed: ${describe(error)}`,
			});
		}
		return result;
	}
	for (const [id, entry] of targets) {
		if (remaining.some((endpoint) => endpoint.id === id)) {
			result.problems.push({
				name: entry.name,
				id,
				reason:
					failed.get(id) ??
					`${entry.name} (${id}) is still listed after the region accepted its delete`,
			});
		} else {
			ledger.recordDeleted(id);
			result.deleted.push(id);
		}
	}
	return result;
}
