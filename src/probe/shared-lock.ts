/**
 * A readers-writer lock for async work. Checks that only use a shared
 * endpoint run together under `shared`. A check whose request may destroy
 * it (a delete the region should reject) runs alone under `exclusive`, so
 * when the endpoint disappears, the check that caused it is known. A waiting
 * exclusive user goes before shared users that arrive after it.
 *
 * A user that had to wait is logged as queued behind the last requests of
 * the users it waited for: an exclusive user behind every user since the
 * previous exclusive one, a shared user behind the previous exclusive one.
 */

import { currentFlow } from "../client/request-flow.ts";

interface QueuedUser {
	exclusive: boolean;
	/** Starts the user with the ids of the requests it waited for. */
	start: (waitedFor: string[]) => void;
}

export class SharedLock {
	private readers = 0;
	private writer = false;
	private readonly queue: QueuedUser[] = [];
	/** Last requests of the latest exclusive user. */
	private exclusiveDone: string[] = [];
	/** Last requests of the shared users that finished since then. */
	private sharedDone = new Set<string>();

	/** Runs `work` alongside other shared users. */
	shared<T>(work: () => Promise<T>): Promise<T> {
		return this.run(false, work);
	}

	/** Runs `work` with no other user, shared or exclusive. */
	exclusive<T>(work: () => Promise<T>): Promise<T> {
		return this.run(true, work);
	}

	private async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
		const flow = currentFlow();
		let waited = false;
		const waitedFor = await new Promise<string[]>((start) => {
			this.queue.push({ exclusive, start });
			this.dispatch();
			waited = this.queue.some((user) => user.start === start);
		});
		if (waited) flow?.queuedBehind(waitedFor);
		try {
			return await work();
		} finally {
			const last = currentFlow()?.lastIds() ?? [];
			if (exclusive) {
				this.writer = false;
				this.exclusiveDone = last;
				this.sharedDone.clear();
			} else {
				this.readers -= 1;
				for (const id of last) this.sharedDone.add(id);
			}
			this.dispatch();
		}
	}

	private dispatch(): void {
		while (this.queue.length > 0 && !this.writer) {
			const next = this.queue[0] as QueuedUser;
			if (next.exclusive) {
				if (this.readers > 0) return;
				this.writer = true;
			} else {
				this.readers += 1;
			}
			this.queue.shift();
			next.start(
				next.exclusive
					? [...this.exclusiveDone, ...this.sharedDone]
					: [...this.exclusiveDone],
			);
		}
	}
}
