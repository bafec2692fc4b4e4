/** The record of finished exchanges that MockRegion.requests() returns. */
import type { RequestLogEntry } from "./types.ts";

export class RequestLog {
	private readonly entries: RequestLogEntry[] = [];
	private readonly pending = new Set<Promise<void>>();

	/**
	 * Starts an entry and returns the function that records it. Only the
	 * first call of that function counts, so 'finish' and 'close' may both
	 * call it.
	 */
	begin(method: string, path: string): (status: number) => void {
		const startedAt = Date.now();
		let markRecorded = () => {};
		const recorded = new Promise<void>((resolve) => {
			markRecorded = resolve;
		});
		this.pending.add(recorded);
		return (status: number) => {
			if (!this.pending.delete(recorded)) {
				return;
			}
			this.entries.push({
				method,
				path,
				status,
				startedAt,
				endedAt: Date.now(),
			});
			markRecorded();
		};
	}

	/** Returns copies of the entries, in the order their exchanges ended. */
	list(): RequestLogEntry[] {
		return this.entries.map((entry) => ({ ...entry }));
	}

	/** Resolves once every begun entry has been recorded. */
	async settled(): Promise<void> {
		await Promise.all(this.pending);
	}
}
