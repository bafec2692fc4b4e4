/**
 * The probe stage's connection to the region, built once per process from
 * the configuration: the MaasClient, the raw wire helpers, the run's ledger
 * and the endpoint budget. Probes create endpoints only through it:
 * reserve a name in the ledger, create, record the id as soon as it is known
 * (from the response, else by name from the list), delete through the ledger.
 * It throws a SafetyError rather than delete, edit or switch any endpoint
 * that is not in this run's ledger. Requests that need an id of no endpoint
 * use a fresh random UUID the session made itself.
 */

import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { inject } from "vitest";
import {
	type CreateEndpointBody,
	loginWithPassword,
	MaasClient,
} from "../client/index.ts";
import { withFlow } from "../client/request-flow.ts";
import { curlFor, sendWire, type WireRequest } from "../client/wire.ts";
import { type Config, loadConfig } from "../config/index.ts";
import { ConfigError, SafetyError } from "../errors.ts";
import { debug } from "../log.ts";
import { registerSecret } from "../redact.ts";
import { stageReleaseOf, waitForRelease } from "../stage-release.ts";
import { type BudgetSlot, CHECK_PRIORITY, EndpointBudget } from "./budget.ts";
import { Ledger } from "./ledger.ts";
import "./provided-context.ts";
import {
	fromClientResponse,
	fromFailure,
	fromWire,
	type Observation,
	type SentRequest,
	sentRequest,
} from "./observation.ts";
import { randomRunId } from "./run-id.ts";

/** The credentials a request carries. */
export type Auth =
	/** The run's token. */
	| "valid"
	/** No X-Auth-Token header. */
	| "none"
	/** A token the region never issued. */
	| "invalid";

export interface SendOptions {
	auth?: Auth;
	/** "other" puts a random project id, not the run's, in the path. */
	project?: "own" | "other";
	/** JSON request body. */
	body?: unknown;
}

export interface MalformedId {
	label: string;
	/** The path segment, sent as is. */
	segment: string;
}

/** The outcome of a create the probes expect to succeed. */
export interface CreateOutcome {
	name: string;
	/** The endpoint id, when the response or the list gave one. */
	id: string | undefined;
	idSource: "response" | "list" | undefined;
	observation: Observation;
	/** Whether the list showed an endpoint of this name after the create. */
	listed: boolean | undefined;
	/** The reason the list could not be read, when it could not. */
	listError?: string;
	/** Problems found on the way, in words. */
	problems: string[];
}

/** The outcome of a create the probes expect the region to reject. */
export interface RejectedCreateOutcome {
	observation: Observation;
	/** The region created an endpoint although it should not have. */
	accepted: boolean;
	/** Ids of endpoints the create produced (then deleted at once). */
	createdIds: string[];
	/** Lines on the clean-up of an accepted create. */
	cleanup: string[];
}

export interface DeleteOutcome {
	observation: Observation;
	/** Whether the endpoint was listed after the delete (undefined: list failed). */
	listed: boolean | undefined;
	/** True when the session counts the endpoint as deleted (the ledger records it). */
	gone: boolean;
	/**
	 * Why the list cannot tell whether the endpoint survived: the list could
	 * not be read, or it never showed the endpoint.
	 */
	unverifiable?: string;
	listError?: string;
}

export class ProbeSession {
	readonly config: Readonly<Config>;
	readonly target: string;
	readonly projectId: string;
	readonly runId: string;
	readonly client: MaasClient;
	readonly ledger: Ledger;
	readonly budget: EndpointBudget;
	readonly timeoutMs: number;
	private readonly token: string;
	private readonly invalidToken = `invalid${randomBytes(24).toString("hex")}`;
	private readonly otherProject: string;
	private readonly unknownIds = new Set<string>();
	private readonly malformed = new Map<string, MalformedId>();
	private readonly slots = new Map<string, BudgetSlot>();
	/** Ids some list read has shown; only for those does absence mean deleted. */
	private readonly seenIds = new Set<string>();
	/** The reason an endpoint of the run disappeared, when a check removed it. */
	private readonly removals = new Map<string, string>();

	constructor(options: {
		config: Readonly<Config>;
		endpoint: string;
		projectId: string;
		token: string;
		runId: string;
		ledgerFile: string;
		budget?: EndpointBudget;
	}) {
		this.config = options.config;
		this.target = options.endpoint.replace(/\/+$/, "");
		this.projectId = options.projectId;
		this.token = options.token;
		this.runId = options.runId;
		this.timeoutMs = options.config.requestTimeoutMs;
		this.ledger = Ledger.open(options.ledgerFile, options.runId);
		this.budget = options.budget ?? new EndpointBudget(2);
		this.client = new MaasClient({
			endpoint: this.target,
			projectId: this.projectId,
			token: this.token,
			timeoutMs: this.timeoutMs,
		});
		let other = randomBytes(16).toString("hex");
		while (other === this.projectId) other = randomBytes(16).toString("hex");
		this.otherProject = other;
	}

	/** Builds the path of `rest` under the custom-endpoint API of a project. */
	path(rest: string, project: "own" | "other" = "own"): string {
		const id = project === "own" ? this.projectId : this.otherProject;
		return `/v1/${encodeURIComponent(id)}/maas/services/custom-endpoint/${rest}`;
	}

	/** Builds the raw request for `method` on `rest`, as sendWire and curlFor take it. */
	wireRequest(
		method: string,
		rest: string,
		options: SendOptions = {},
	): WireRequest {
		const headers: Record<string, string> = { Accept: "application/json" };
		const auth = options.auth ?? "valid";
		if (auth === "valid") headers["X-Auth-Token"] = this.token;
		if (auth === "invalid") headers["X-Auth-Token"] = this.invalidToken;
		const request: WireRequest = {
			url: this.target,
			method,
			path: this.path(rest, options.project ?? "own"),
			headers,
			timeoutMs: this.timeoutMs,
		};
		if (options.body !== undefined) {
			headers["Content-Type"] = "application/json";
			request.body = JSON.stringify(options.body);
		}
		return request;
	}

	/** Sends a raw request; a timeout or reset becomes an observation, not a throw. */
	async send(request: WireRequest): Promise<Observation> {
		const sent = sentRequest(request, curlFor);
		try {
			return fromWire(sent, await sendWire(request));
		} catch (error) {
			return fromFailure(sent, error, request.timeoutMs);
		}
	}

	/** Makes a fresh random endpoint id that names no endpoint; requests may target it. */
	unknownId(): string {
		const id = randomUUID();
		this.unknownIds.add(id);
		return id;
	}

	/**
	 * Malformed endpoint ids for the delete path. Each carries a fresh random
	 * UUID, so wherever a gateway resolves dot segments or decodes the
	 * slash, the request names no existing endpoint or resource.
	 */
	malformedIds(): MalformedId[] {
		const ids: MalformedId[] = [
			{ label: "4096 characters", segment: "a".repeat(4096) },
			{
				label: "non-ASCII (percent-encoded UTF-8)",
				segment: `${encodeURIComponent("端点-ü-")}${randomUUID()}`,
			},
			{
				label: "encoded slash %2F",
				segment: `${randomUUID()}%2F${randomUUID()}`,
			},
			{ label: "NUL %00", segment: `${randomUUID()}%00` },
			{
				label: "encoded dot segments ..%2F..",
				segment: `..%2F..%2F${randomUUID()}`,
			},
			{ label: "dot segments ../", segment: `../${randomUUID()}` },
		];
		for (const id of ids) this.malformed.set(id.segment, id);
		return ids;
	}

	/** Sends DELETE for a malformed id made by malformedIds(). */
	deleteMalformed(id: MalformedId): Promise<Observation> {
		if (this.malformed.get(id.segment) !== id) {
			throw new SafetyError(
				`will not send DELETE for the malformed id ${JSON.stringify(id.label)}: it was not made by malformedIds(); pass one of the ids that method returns`,
			);
		}
		return this.send(this.wireRequest("DELETE", `endpoint/${id.segment}`));
	}

	/**
	 * DELETE of an endpoint of this run (alive or already deleted) or of an
	 * id from unknownId(). For the run's endpoints the list is read after the
	 * delete; when the endpoint is gone the ledger and the budget learn it.
	 * `purpose` is the reason the delete was sent; a later check that misses
	 * the endpoint names it in its message.
	 */
	async deleteEndpoint(
		id: string,
		purpose: string,
		options: SendOptions = {},
	): Promise<DeleteOutcome> {
		const owned = this.ownedEndpoint(id, "DELETE", ["created", "deleted"]);
		const request = this.wireRequest(
			"DELETE",
			`endpoint/${encodeURIComponent(id)}`,
			options,
		);
		const slot = this.slots.get(id);
		if (owned && slot?.state !== "stuck") slot?.markPending();
		const observation = await this.send(request);
		if (!owned) return { observation, listed: undefined, gone: false };
		const status = observation.status ?? 0;
		const after = await this.listedAfter(
			id,
			status >= 200 && status < 300,
			purpose,
		);
		return { observation, ...after };
	}

	/** PUT edit of an alive endpoint of this run or of an id from unknownId(). */
	edit(
		id: string,
		body: unknown,
		options: SendOptions = {},
	): Promise<Observation> {
		this.ownedEndpoint(id, "PUT (edit)", ["created"]);
		return this.send(
			this.wireRequest("PUT", `endpoint/${encodeURIComponent(id)}`, {
				...options,
				body,
			}),
		);
	}

	/** PUT control of an alive endpoint of this run or of an id from unknownId(). */
	control(
		id: string,
		action: string,
		options: SendOptions = {},
	): Promise<Observation> {
		this.ownedEndpoint(id, "PUT (control)", ["created"]);
		return this.send(
			this.wireRequest("PUT", `control/${encodeURIComponent(id)}`, {
				...options,
				body: { action },
			}),
		);
	}

	/** Sends GET of the list through the wire, for checks that judge its error responses. */
	listRaw(options: SendOptions = {}): Promise<Observation> {
		return this.send(this.wireRequest("GET", "endpoint", options));
	}

	/** Reads the list through the client, as an observation. */
	async list(): Promise<Observation> {
		const sent = this.sent("GET", "endpoint");
		try {
			return fromClientResponse(sent, await this.client.listEndpoints());
		} catch (error) {
			return fromFailure(sent, error, this.timeoutMs);
		}
	}

	/** Reads the listed endpoints, or the reason they could not be read. */
	async listedItems(): Promise<
		{ items: Array<Record<string, unknown>> } | { error: string }
	> {
		const observation = await this.list();
		if (observation.failure !== undefined)
			return { error: observation.failure };
		const items = (observation.json as { items?: unknown } | undefined)?.items;
		if (!Array.isArray(items)) {
			return {
				error: `the list responded with ${observation.status} without an items array`,
			};
		}
		const records = items.filter(
			(item): item is Record<string, unknown> =>
				typeof item === "object" && item !== null,
		);
		for (const item of records) {
			if (isNonEmptyString(item.id)) this.seenIds.add(item.id);
		}
		return { items: records };
	}

	/**
	 * Creates an endpoint the run keeps (a shared fixture). Takes a budget
	 * slot, reserves the name, creates through the client, finds the id, and
	 * records it. The slot stays taken until the endpoint is deleted.
	 */
	async createEndpoint(
		purpose: string,
		remark: string,
	): Promise<CreateOutcome> {
		const slot = await this.budget.acquire(purpose);
		const name = this.ledger.reserveName(this.config.namePrefix);
		const body: CreateEndpointBody = {
			endpoint_name: name,
			source: this.config.source,
			model_name: this.config.modelName,
			remark,
		};
		const sent = this.sent("POST", "endpoint", body);
		let observation: Observation;
		let responseId: string | undefined;
		try {
			const response = await this.client.createEndpoint(body);
			responseId = response.id;
			observation = fromClientResponse(sent, response);
		} catch (error) {
			observation = fromFailure(sent, error, this.timeoutMs);
		}
		const status = observation.status ?? 0;
		const problems: string[] = [];
		if (status >= 400 && status < 500) {
			slot.release();
			return {
				name,
				id: undefined,
				idSource: undefined,
				observation,
				listed: undefined,
				problems: [],
			};
		}
		// A 2xx, a 5xx or no response: the endpoint may exist; the list decides.
		const listing = await this.listedItems();
		const named =
			"items" in listing
				? listing.items.filter((item) => item.endpoint_name === name)
				: [];
		const listedId = named.map((item) => item.id).find(isNonEmptyString);
		const id = responseId ?? listedId;
		if (responseId && listedId && responseId !== listedId) {
			problems.push(
				`the response gave id ${responseId} but the list shows ${name} with id ${listedId}`,
			);
		}
		let idSource: CreateOutcome["idSource"];
		if (responseId) idSource = "response";
		else if (listedId) idSource = "list";
		const outcome: CreateOutcome = {
			name,
			id,
			idSource,
			observation,
			listed: "items" in listing ? named.length > 0 : undefined,
			problems,
		};
		if ("error" in listing) outcome.listError = listing.error;
		if (id === undefined) {
			if (status >= 200 && status < 300) {
				// Accepted, yet no id to delete it by: keep the slot taken.
				slot.markStuck();
				problems.push(
					`the create responded with ${status} without an id and the list has no endpoint named ${name}`,
				);
			} else {
				// NOTE: a create that failed with a 5xx or timed out may still
				// make the endpoint after the list was read. Its name stays
				// reserved in the ledger, so `sweep` can find it by name.
				slot.release();
			}
			return outcome;
		}
		this.ledger.recordCreated(name, id);
		slot.bind(id);
		this.slots.set(id, slot);
		return outcome;
	}

	/** Marks the budget slot of a kept endpoint as held until the stage ends. */
	hold(id: string): void {
		this.slots.get(id)?.hold();
	}

	/**
	 * Sends a create the region should reject. The request takes a budget
	 * slot. When the region accepts it anyway, every endpoint it produced is
	 * recorded in the ledger under `ledgerName` and deleted at once.
	 */
	async createExpectingRejection(
		purpose: string,
		body: Record<string, unknown>,
		ledgerName: string,
	): Promise<RejectedCreateOutcome> {
		const slot = await this.budget.acquire(purpose, CHECK_PRIORITY);
		const known = new Set(
			this.ledger
				.entries()
				.map((entry) => entry.id)
				.filter(isNonEmptyString),
		);
		const observation = await this.send(
			this.wireRequest("POST", "endpoint", { body }),
		);
		const status = observation.status ?? 0;
		if (status >= 400 && status < 500) {
			slot.release();
			return { observation, accepted: false, createdIds: [], cleanup: [] };
		}
		const accepted = status >= 200 && status < 300;
		const createdIds = new Set<string>();
		const responseId = (observation.json as { id?: unknown } | undefined)?.id;
		if (accepted && isNonEmptyString(responseId) && !known.has(responseId)) {
			createdIds.add(responseId);
		}
		const sentName = body.endpoint_name;
		const responseName = (
			observation.json as { endpoint_name?: unknown } | undefined
		)?.endpoint_name;
		const names = [sentName, responseName].filter(isNonEmptyString);
		const cleanup: string[] = [];
		if (names.length > 0) {
			const listing = await this.listedItems();
			if ("items" in listing) {
				for (const item of listing.items) {
					if (
						names.includes(item.endpoint_name as string) &&
						isNonEmptyString(item.id) &&
						!known.has(item.id)
					) {
						createdIds.add(item.id);
					}
				}
			} else if (accepted) {
				cleanup.push(
					`the list could not be read to find the new endpoint: ${listing.error}`,
				);
			}
		}
		for (const id of createdIds) this.ledger.recordCreated(ledgerName, id);
		let remaining = 0;
		for (const id of createdIds) {
			slot.bind(id);
			const gone = await this.remove(id, `clean-up after ${purpose}`);
			cleanup.push(
				gone
					? `endpoint ${id} was deleted again`
					: `endpoint ${id} could not be deleted; the gate's clean-up will retry`,
			);
			if (!gone) remaining += 1;
		}
		if (accepted && createdIds.size === 0) {
			cleanup.push(
				"the new endpoint's id is unknown (not in the response, not found by name); delete it by hand",
			);
			remaining += 1;
		}
		if (remaining > 0) slot.markStuck();
		else slot.release();
		return {
			observation,
			accepted: accepted || createdIds.size > 0,
			createdIds: [...createdIds],
			cleanup,
		};
	}

	/**
	 * Deletes an endpoint of this run through the client and confirms with
	 * the list. Returns whether it is gone. Used for clean-up, not judged.
	 */
	async remove(id: string, purpose: string): Promise<boolean> {
		this.ownedEndpoint(id, "DELETE", ["created", "deleted"]);
		const slot = this.slots.get(id);
		if (slot?.state !== "stuck") slot?.markPending();
		let succeeded = false;
		try {
			await this.client.deleteEndpoint(id);
			succeeded = true;
		} catch (error) {
			debug("probe", "clean-up delete of %s failed: %s", id, String(error));
		}
		return (await this.listedAfter(id, succeeded, purpose)).gone;
	}

	/** Returns the reason an endpoint of the run is gone, when a check removed it. */
	removalOf(id: string): string | undefined {
		return this.removals.get(id);
	}

	/** Returns whether the ledger has `id` alive. */
	isAlive(id: string): boolean {
		return this.ledger.alive().some((entry) => entry.id === id);
	}

	private sent(method: string, rest: string, body?: unknown): SentRequest {
		return sentRequest(this.wireRequest(method, rest, { body }), curlFor);
	}

	/**
	 * Reads the list after a delete of `id` and decides whether the endpoint
	 * is gone. It is gone when a list that showed it before no longer does.
	 * When the list cannot tell (it is unreadable or never showed the
	 * endpoint), it is gone if the delete returned a 2xx. A gone endpoint is recorded as
	 * deleted in the ledger and its budget slot freed.
	 */
	private async listedAfter(
		id: string,
		returned2xx: boolean,
		purpose: string,
	): Promise<Omit<DeleteOutcome, "observation">> {
		const wasListed = this.seenIds.has(id);
		const listing = await this.listedItems();
		const slot = this.slots.get(id);
		const listed =
			"items" in listing
				? listing.items.some((item) => item.id === id)
				: undefined;
		const listTells = listed === true || (listed === false && wasListed);
		const gone = listTells ? listed === false : returned2xx;
		if (gone) {
			if (this.isAlive(id)) {
				this.ledger.recordDeleted(id);
				if (!this.removals.has(id)) this.removals.set(id, purpose);
			}
			slot?.release();
			this.slots.delete(id);
		} else if (slot && slot.state === "pending") {
			// Still there after a delete that should have removed it, or a
			// delete that was meant to fail: the endpoint stays.
			if (returned2xx) slot.markStuck();
			else slot.hold();
		}
		const outcome: Omit<DeleteOutcome, "observation"> = { listed, gone };
		if ("error" in listing) {
			outcome.listError = listing.error;
			outcome.unverifiable = `the list could not be read: ${listing.error}`;
		} else if (!listTells) {
			outcome.unverifiable = `the list never showed endpoint ${id}, so its absence proves nothing`;
		}
		return outcome;
	}

	/**
	 * True for an endpoint of this run in one of `states`, false for an id
	 * from unknownId(); throws SafetyError for anything else.
	 */
	private ownedEndpoint(
		id: string,
		action: string,
		states: Array<"created" | "deleted">,
	): boolean {
		if (this.unknownIds.has(id)) return false;
		const entry = this.ledger
			.entries()
			.find((candidate) => candidate.id === id);
		if (entry && (states as string[]).includes(entry.state)) return true;
		throw new SafetyError(
			`will not send ${action} for endpoint ${JSON.stringify(id)}: it is ${entry ? `${entry.state} in` : "not in"} the ledger of run ${this.runId} (${this.ledger.file}); the probes only touch endpoints they created`,
		);
	}
}

function isNonEmptyString(value: unknown): value is string {
	return typeof value === "string" && value !== "";
}

let current: Promise<ProbeSession> | undefined;

/** Returns the session of this process, built on first use from loadConfig(). */
export function getSession(): Promise<ProbeSession> {
	current ??= openSession();
	return current;
}

async function openSession(): Promise<ProbeSession> {
	const config = loadConfig();
	// A stage the gate started ahead of its turn waits here, before its
	// first request, until the gate lets it go.
	const release = stageReleaseOf(config);
	if (release) await waitForRelease(release);
	if (config.endpoint === undefined) {
		throw new ConfigError(
			"MAAS_ENDPOINT",
			"MAAS_ENDPOINT is not set, so the probes have no region to check; run them through `npm run gate`, which starts the embedded region, or set MAAS_ENDPOINT with MAAS_PROJECT_ID and MAAS_AUTH_TOKEN",
		);
	}
	let token = config.authToken;
	let projectId = config.projectId;
	if (token === undefined && config.iam !== undefined) {
		const iam = config.iam;
		const login = await withFlow(
			"probes:login",
			() =>
				loginWithPassword({
					iamEndpoint: iam.endpoint,
					user: iam.user,
					password: iam.password,
					domain: iam.domain,
					project: iam.project,
					timeoutMs: config.requestTimeoutMs,
				}),
			"probes",
		);
		registerSecret(login.token);
		token = login.token;
		projectId ??= login.projectId;
	}
	if (token === undefined) {
		throw new ConfigError(
			"MAAS_AUTH_TOKEN",
			"MAAS_AUTH_TOKEN is not set and no IAM login is configured; set MAAS_AUTH_TOKEN or the MAAS_IAM_* variables",
		);
	}
	if (projectId === undefined) {
		throw new ConfigError(
			"MAAS_PROJECT_ID",
			"MAAS_PROJECT_ID is not set and the IAM token names no project; set MAAS_PROJECT_ID",
		);
	}
	const runId = config.runId ?? providedValue("maasRunId") ?? randomRunId();
	const ledgerFile =
		config.ledgerFile ??
		providedValue("maasLedgerFile") ??
		join(config.reportDir, `ledger-${runId}.jsonl`);
	return new ProbeSession({
		config,
		endpoint: config.endpoint,
		projectId,
		token,
		runId,
		ledgerFile,
	});
}

function providedValue(
	key: "maasRunId" | "maasLedgerFile",
): string | undefined {
	try {
		const value = inject(key);
		return typeof value === "string" && value !== "" ? value : undefined;
	} catch {
		return undefined;
	}
}
