/**
 * The endpoint budget of the probe stage: at most `limit` (2) of the run's
 * endpoints may exist at once. Every create request takes a slot while it is
 * in flight, also a create the region should reject, since a deviant region
 * may accept it. A slot is released when its endpoint is confirmed deleted or
 * its create was rejected. The stages run one after another, so a semaphore
 * in the stage process is enough. A create that had to wait for a slot is
 * logged as queued behind the request whose response freed it.
 *
 * Waiters are served by priority, then in order. The creates of shared
 * fixtures come first: many checks wait on them, while a create a check
 * expects to be rejected only holds up that one check.
 */

import { setImmediate as nextTurn } from "node:timers/promises";
import { currentFlow } from "../client/request-flow.ts";

/** Priority of a shared fixture's create. */
export const FIXTURE_PRIORITY = 1;
/** Priority of a create one check makes for itself. */
export const CHECK_PRIORITY = 0;

export type SlotState =
	/** A create or delete is under way; the slot frees itself soon. */
	| "pending"
	/** Belongs to an endpoint the stage keeps until it ends (a shared fixture). */
	| "held"
	/** Belongs to an endpoint the region did not delete. */
	| "stuck";

export class BudgetExhaustedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "BudgetExhaustedError";
	}
}

export class BudgetSlot {
	readonly purpose: string;
	private slotState: SlotState = "pending";
	private endpoint: string | undefined;
	private released = false;
	private readonly budget: EndpointBudget;

	constructor(budget: EndpointBudget, purpose: string) {
		this.budget = budget;
		this.purpose = purpose;
	}

	get state(): SlotState {
		return this.slotState;
	}

	get endpointId(): string | undefined {
		return this.endpoint;
	}

	get isReleased(): boolean {
		return this.released;
	}

	/** Ties the slot to the endpoint its create produced. */
	bind(endpointId: string): void {
		this.endpoint = endpointId;
	}

	/** Marks the slot as kept until the stage ends, so waiters stop counting on it. */
	hold(): void {
		this.setState("held");
	}

	/** Marks the slot as never freeing: the region kept the endpoint after a delete. */
	markStuck(): void {
		this.setState("stuck");
	}

	/** Marks a create or delete on this slot's endpoint as under way again. */
	markPending(): void {
		this.setState("pending");
	}

	/** Frees the slot. Releasing twice changes nothing. */
	release(): void {
		if (this.released) return;
		this.released = true;
		this.budget.onRelease(this);
	}

	private setState(state: SlotState): void {
		if (this.released || this.slotState === state) return;
		this.slotState = state;
		this.budget.onStateChange();
	}

	describe(): string {
		const id = this.endpoint === undefined ? "" : ` ${this.endpoint}`;
		return `${this.purpose}${id} (${this.slotState})`;
	}
}

interface Waiter {
	purpose: string;
	priority: number;
	/** Hands over the slot and the ids of the requests that freed it. */
	grant: (slot: BudgetSlot, freedBy: string[]) => void;
	reject: (error: Error) => void;
}

export class EndpointBudget {
	readonly limit: number;
	private readonly inUseSlots = new Set<BudgetSlot>();
	private readonly waiters: Waiter[] = [];
	private peakInUse = 0;

	constructor(limit = 2) {
		if (!Number.isInteger(limit) || limit < 1) {
			throw new TypeError(
				`endpoint budget limit ${limit} is invalid; use an integer of at least 1`,
			);
		}
		this.limit = limit;
	}

	/** Slots taken now. */
	get inUse(): number {
		return this.inUseSlots.size;
	}

	/** The maximum number of slots taken at once. */
	get peak(): number {
		return this.peakInUse;
	}

	/** Lists the slots taken now, for messages. */
	holders(): BudgetSlot[] {
		return [...this.inUseSlots];
	}

	/**
	 * Takes a slot; waits while every slot is taken and one of them is
	 * pending. Rejects with BudgetExhaustedError when every slot is held or
	 * stuck, since then no slot can free before the stage ends.
	 */
	async acquire(
		purpose: string,
		priority = FIXTURE_PRIORITY,
	): Promise<BudgetSlot> {
		// Checks that start together request a slot in the same turn, so
		// waiting one turn lets the fixtures' creates among them go first.
		if (priority < FIXTURE_PRIORITY) await nextTurn();
		if (
			this.inUseSlots.size < this.limit &&
			!this.waiters.some((waiter) => waiter.priority >= priority)
		) {
			return this.take(purpose);
		}
		const exhausted = this.exhaustion(purpose);
		if (exhausted) throw exhausted;
		const waiting = currentFlow();
		return new Promise((resolve, reject) => {
			const grant = (slot: BudgetSlot, freedBy: string[]) => {
				waiting?.queuedBehind(freedBy);
				resolve(slot);
			};
			// Behind every waiter of the same or a higher priority.
			let at = this.waiters.length;
			while (at > 0 && (this.waiters[at - 1] as Waiter).priority < priority) {
				at -= 1;
			}
			this.waiters.splice(at, 0, { purpose, priority, grant, reject });
		});
	}

	/** Called by a slot when it is released. */
	onRelease(slot: BudgetSlot): void {
		this.inUseSlots.delete(slot);
		this.serveWaiters();
	}

	/** Called by a slot when its state changes. */
	onStateChange(): void {
		this.serveWaiters();
	}

	private take(purpose: string): BudgetSlot {
		const slot = new BudgetSlot(this, purpose);
		this.inUseSlots.add(slot);
		this.peakInUse = Math.max(this.peakInUse, this.inUseSlots.size);
		return slot;
	}

	private serveWaiters(): void {
		while (this.waiters.length > 0 && this.inUseSlots.size < this.limit) {
			const waiter = this.waiters.shift() as Waiter;
			// Runs in the flow that released the slot: its last requests freed it.
			waiter.grant(this.take(waiter.purpose), currentFlow()?.lastIds() ?? []);
		}
		if (this.waiters.length === 0) return;
		const exhausted = this.exhaustion(this.waiters[0]?.purpose ?? "");
		if (!exhausted) return;
		for (const waiter of this.waiters.splice(0)) {
			waiter.reject(this.exhaustion(waiter.purpose) ?? exhausted);
		}
	}

	private exhaustion(purpose: string): BudgetExhaustedError | undefined {
		const slots = [...this.inUseSlots];
		if (slots.length < this.limit) return undefined;
		if (slots.some((slot) => slot.state === "pending")) return undefined;
		return new BudgetExhaustedError(
			`no endpoint slot is free for ${purpose}: the run keeps at most ${this.limit} endpoints alive at once and these will not be deleted before the stage ends: ${slots.map((slot) => slot.describe()).join(", ")}`,
		);
	}
}
