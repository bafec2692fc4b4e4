/**
 * Provider-state handlers for verifying the contract against a region.
 * Each setup makes what its state needs with the run's own client and
 * ledger, and returns the values the verifier injects into the request
 * (`id`, `name`, `source`, `modelName`). Each teardown deletes whatever the
 * state made that is still alive. That includes an endpoint the
 * interaction itself created (a create interaction, or a region that
 * wrongly accepts a burned name). Names come from the ledger, so every
 * endpoint made here is the run's own, and nothing else is edited or
 * deleted.
 *
 * pact-js only logs a failing handler and carries on with the example
 * values, which could let an interaction pass against the wrong endpoint.
 * So every failure is also kept in `failures()` for the caller to report.
 *
 * One set of states serves one interaction of one lane (`lane-limits.ts`).
 * Before a setup creates an endpoint, or reserves a name the interaction
 * will create, it checks two limits. The ledger's live endpoints of the
 * run, other lanes' included, must stay below `maxAlive`. The endpoints
 * this lane may still have alive, including earlier ones it could not
 * delete, must stay below `laneLimit`. The other lane's live endpoint
 * counts only against the run's limit, which leaves room for it.
 */
import type { MaasClient } from "../../src/client/index.ts";
import { inFlow } from "../../src/client/request-flow.ts";
import { ProtocolError, SafetyError } from "../../src/errors.ts";
import type { Ledger } from "../../src/probe/ledger.ts";
import {
	PROVIDER_STATES,
	type ProviderStateName,
	type ProviderStateValues,
} from "./contract.ts";
import { LANE_ENDPOINT_LIMIT, RUN_ENDPOINT_LIMIT } from "./lane-limits.ts";
import {
	type VerificationFlows,
	verificationFlows,
} from "./verification-flows.ts";

export interface ProviderStateOptions {
	client: MaasClient;
	ledger: Ledger;
	namePrefix: string;
	source: string;
	modelName: string;
	/** Maximum number of the run's endpoints alive at once; default RUN_ENDPOINT_LIMIT. */
	maxAlive?: number;
	/** Maximum number of endpoints this lane keeps alive at once; default LANE_ENDPOINT_LIMIT. */
	laneLimit?: number;
	/**
	 * Names of endpoints the lane made in earlier interactions and could not
	 * delete. Each counts against `laneLimit`: its clean-up could not show
	 * that it is gone. Default none.
	 */
	laneHeld?: readonly string[];
	/** Called with each name right after the ledger reserved it, before it is used. */
	onReserve?: (name: string) => void;
	/** The request flows the handlers log into; default this process's. */
	flows?: VerificationFlows;
}

export interface ProviderStateHandler {
	setup: (params?: unknown) => Promise<ProviderStateValues>;
	teardown: (params?: unknown) => Promise<undefined>;
}

export interface ProviderStates {
	handlers: Record<ProviderStateName, ProviderStateHandler>;
	/** One sentence per failed setup or teardown, in order. */
	failures(): string[];
	/** Things that went wrong without failing a state, in order. */
	notes(): string[];
}

/** The endpoint of one setup: a reserved name and, once created, its id. */
interface MadeEndpoint {
	state: ProviderStateName;
	name: string;
	id?: string;
}

export function createProviderStates(
	options: ProviderStateOptions,
): ProviderStates {
	const { client, ledger } = options;
	const maxAlive = options.maxAlive ?? RUN_ENDPOINT_LIMIT;
	const laneLimit = options.laneLimit ?? LANE_ENDPOINT_LIMIT;
	const laneHeld = [...(options.laneHeld ?? [])];
	const flows = options.flows ?? verificationFlows;
	const stateEndpoints: MadeEndpoint[] = [];
	const failures: string[] = [];
	const notes: string[] = [];

	function reserve(state: ProviderStateName): MadeEndpoint {
		const entry = { state, name: ledger.reserveName(options.namePrefix) };
		stateEndpoints.push(entry);
		options.onReserve?.(entry.name);
		return entry;
	}

	/**
	 * Names this lane may hold now: its undeletable earlier ones, and each
	 * name of these states the ledger does not show deleted (a reserved one
	 * is about to be created by the state or the interaction).
	 */
	function laneEndpoints(): string[] {
		const entries = ledger.entries();
		const own = stateEndpoints
			.map((entry) => entry.name)
			.filter(
				(name) =>
					!entries.some(
						(record) => record.name === name && record.state === "deleted",
					),
			);
		return [...laneHeld, ...own];
	}

	/** Throws a SafetyError when one more endpoint would break the lane's or the run's limit. */
	function checkLimits(): void {
		const laneNames = laneEndpoints();
		if (laneNames.length >= laneLimit) {
			throw new SafetyError(
				`this verification lane already has ${laneNames.length} endpoint${laneNames.length === 1 ? "" : "s"} that may be alive (${laneNames.join(", ")}) and may have at most ${laneLimit}; an earlier teardown or clean-up of the lane could not delete it, see that interaction's failure`,
			);
		}
		const alive = ledger.alive().length;
		if (alive >= maxAlive) {
			throw new SafetyError(
				`the run already has ${alive} endpoints alive and may have at most ${maxAlive}; an earlier teardown did not delete its endpoint`,
			);
		}
	}

	async function create(state: ProviderStateName): Promise<MadeEndpoint> {
		checkLimits();
		const entry = reserve(state);
		const response = await client.createEndpoint({
			endpoint_name: entry.name,
			source: options.source,
			model_name: options.modelName,
		});
		const id = response.id ?? (await client.findEndpointByName(entry.name))?.id;
		if (!id) {
			throw new ProtocolError(
				`create of ${entry.name} returned ${response.status} without an id, and no endpoint of that name is in the list`,
				response.status,
			);
		}
		entry.id = id;
		ledger.recordCreated(entry.name, id);
		return entry;
	}

	/**
	 * Deletes the endpoint of this name if the region still lists it. A name
	 * the ledger only has as reserved (created by the interaction, not by
	 * us) is recorded as created first, so the ledger stays complete.
	 */
	async function removeIfPresent(entry: MadeEndpoint): Promise<void> {
		const found = await client.findEndpointByName(entry.name);
		const records = ledger
			.entries()
			.filter((record) => record.name === entry.name);
		if (!found) {
			for (const record of records) {
				if (record.state === "created" && record.id) {
					ledger.recordDeleted(record.id);
				}
			}
			return;
		}
		const known = records.some(
			(record) => record.id === found.id && record.state === "created",
		);
		if (!known) {
			ledger.recordCreated(entry.name, found.id);
		}
		await deleteAndConfirm(found.id, entry.name);
	}

	/**
	 * Deletes one of our endpoints. When the delete fails (a region that
	 * breaks HTTP on the 204, or never responds), the list decides. Gone
	 * means the delete took effect, which is all a state needs, and the
	 * failure itself is reported by DELETE-204-EMPTY. Still listed: the
	 * error is raised.
	 */
	async function deleteAndConfirm(id: string, name: string): Promise<void> {
		try {
			await client.deleteEndpoint(id);
		} catch (error) {
			const still = await client.findEndpointByName(name);
			if (still?.id === id) throw error;
			notes.push(
				`the delete of ${name} failed (${(error as Error).message}) but the endpoint is gone from the list, so the state went ahead`,
			);
		}
		ledger.recordDeleted(id);
	}

	async function teardown(state: ProviderStateName): Promise<void> {
		const mine = stateEndpoints.filter((entry) => entry.state === state);
		for (const entry of mine) {
			await removeIfPresent(entry);
			stateEndpoints.splice(stateEndpoints.indexOf(entry), 1);
		}
	}

	function recorded<T>(
		state: ProviderStateName,
		action: "setup" | "teardown",
		run: () => Promise<T>,
	): () => Promise<T> {
		return async () => {
			try {
				return await run();
			} catch (error) {
				failures.push(
					`provider state ${JSON.stringify(state)} ${action} failed: ${(error as Error).message}`,
				);
				throw error;
			}
		};
	}

	function handler(
		state: ProviderStateName,
		setup: () => Promise<ProviderStateValues>,
	): ProviderStateHandler {
		const runSetup = recorded(state, "setup", setup);
		const runTeardown = recorded(state, "teardown", () => teardown(state));
		return {
			setup: () => inFlow(flows.forSetup(state), runSetup),
			teardown: async () => {
				await inFlow(flows.forTeardown(state), runTeardown);
				return undefined;
			},
		};
	}

	const handlers: Record<ProviderStateName, ProviderStateHandler> = {
		[PROVIDER_STATES.endpointExists]: handler(
			PROVIDER_STATES.endpointExists,
			async () => {
				const entry = await create(PROVIDER_STATES.endpointExists);
				return { id: entry.id, name: entry.name };
			},
		),
		[PROVIDER_STATES.endpointDeleted]: handler(
			PROVIDER_STATES.endpointDeleted,
			async () => {
				const entry = await create(PROVIDER_STATES.endpointDeleted);
				const id = entry.id as string;
				await deleteAndConfirm(id, entry.name);
				return {
					id,
					name: entry.name,
					source: options.source,
					modelName: options.modelName,
				};
			},
		),
		[PROVIDER_STATES.nameReserved]: handler(
			PROVIDER_STATES.nameReserved,
			async () => {
				// The interaction creates an endpoint under this name.
				checkLimits();
				const entry = reserve(PROVIDER_STATES.nameReserved);
				return {
					name: entry.name,
					source: options.source,
					modelName: options.modelName,
				};
			},
		),
	};

	return {
		handlers,
		failures: () => [...failures],
		notes: () => [...notes],
	};
}
