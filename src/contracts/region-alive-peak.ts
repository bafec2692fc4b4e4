/**
 * The maximum number of endpoints a run can have had alive at once, from the mock
 * region's request log. An accepted create (2xx POST to the collection)
 * counts from the moment it arrived. An accepted delete (2xx DELETE of one
 * endpoint) frees one only once its response ended. The real count never
 * exceeds this bound. A lane's requests follow one another, so its delete
 * ends before its next create arrives and the bound does not count one
 * lane twice. Endpoints that existed before the run are not counted.
 */
import type { RequestLogEntry } from "../mock-region/index.ts";

const COLLECTION = /\/maas\/services\/custom-endpoint\/endpoint(\?.*)?$/;
const ONE_ENDPOINT = /\/maas\/services\/custom-endpoint\/endpoint\/[^/?]+$/;

export function regionAlivePeak(requests: readonly RequestLogEntry[]): number {
	const accepted = (entry: RequestLogEntry) =>
		entry.status >= 200 && entry.status < 300;
	const changes: Array<{ at: number; by: number }> = [];
	for (const entry of requests) {
		if (!accepted(entry)) continue;
		if (entry.method === "POST" && COLLECTION.test(entry.path)) {
			changes.push({ at: entry.startedAt, by: 1 });
		} else if (entry.method === "DELETE" && ONE_ENDPOINT.test(entry.path)) {
			changes.push({ at: entry.endedAt, by: -1 });
		}
	}
	// At the same millisecond a delete that ended comes first: a lane's next
	// create can arrive in the millisecond its delete ended.
	changes.sort((a, b) => a.at - b.at || a.by - b.by);
	let alive = 0;
	let peak = 0;
	for (const change of changes) {
		alive += change.by;
		peak = Math.max(peak, alive);
	}
	return peak;
}
