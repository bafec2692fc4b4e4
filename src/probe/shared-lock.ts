/**
 * A readers-writer lock for async work. Checks that only use a shared
 * endpoint run together under `shared`. A check whose request may destroy
 * it (a delete the region should reject) runs alone under `exclusive`, so
 * when the endpoint disappears, the check that caused it is known. A waiting
 * exclusive user goes before shared users that arrive after it.
 */
export class SharedLock {
	private readers = 0;
	private writer = false;
	private readonly queue: Array<{ exclusive: boolean; start: () => void }> = [];

	/** Runs `work` alongside other shared users. */
	shared<T>(work: () => Promise<T>): Promise<T> {
		return this.run(false, work);
	}

	/** Runs `work` with no other user, shared or exclusive. */
	exclusive<T>(work: () => Promise<T>): Promise<T> {
		return this.run(true, work);
	}

	private async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
		await new Promise<void>((start) => {
			this.queue.push({ exclusive, start });
			this.dispatch();
		});
		try {
			return await work();
		} finally {
			if (exclusive) this.writer = false;
			else this.readers -= 1;
			this.dispatch();
		}
	}

	private dispatch(): void {
		while (this.queue.length > 0 && !this.writer) {
			const next = this.queue[0] as { exclusive: boolean; start: () => void };
			if (next.exclusive) {
				if (this.readers > 0) return;
				this.writer = true;
			} else {
				this.readers += 1;
			}
			this.queue.shift();
			next.start();
		}
	}
}
