/** Cancellable waits, so close() can end every pending `delayMs` wait. */
export class Delays {
	private readonly pending = new Map<NodeJS.Timeout, () => void>();
	private cancelled = false;

	/** Resolves true after `ms`, or false once cancelAll() has run. */
	wait(ms: number): Promise<boolean> {
		if (this.cancelled) {
			return Promise.resolve(false);
		}
		if (ms <= 0) {
			return Promise.resolve(true);
		}
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.pending.delete(timer);
				resolve(true);
			}, ms);
			this.pending.set(timer, () => resolve(false));
		});
	}

	cancelAll(): void {
		this.cancelled = true;
		for (const [timer, cancel] of this.pending) {
			clearTimeout(timer);
			cancel();
		}
		this.pending.clear();
	}
}
