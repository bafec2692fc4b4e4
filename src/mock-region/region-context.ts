/** State and settings every request handler of one mock region shares. */
import type { DeviationName } from "./deviations.ts";
import type { EndpointStore } from "./endpoint-store.ts";
import type { ResolvedOptions } from "./options.ts";
import type { TokenRegistry } from "./tokens.ts";

export interface RegionContext {
	readonly options: ResolvedOptions;
	readonly store: EndpointStore;
	readonly tokens: TokenRegistry;
	/** Stable random IAM ids for domain and user names. */
	readonly iamIds: Map<string, string>;
}

export function hasDeviation(
	context: RegionContext,
	name: DeviationName,
): boolean {
	return context.options.deviations.has(name);
}
