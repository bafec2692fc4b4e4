/**
 * GET .../endpoint, from the Query page
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0015.html):
 * `total` is an integer, `count` is documented as a string, and
 * `quantity_limit` is the account's quota.
 */
import { withExtraItemFields } from "./extra-fields.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import { jsonReply, type Reply } from "./reply.ts";

/** Size of the list-oversized body: 64 MiB. */
export const OVERSIZED_LIST_BYTES = 64 * 1024 * 1024;

export function listEndpoints(context: RegionContext): Reply {
	const listed = context.store.listed();
	const items = listed.map(({ info, createdAt }) =>
		context.options.extraFields ? withExtraItemFields(info, createdAt) : info,
	);
	const body: Record<string, unknown> = { total: items.length };
	if (!hasDeviation(context, "list-count-missing")) {
		body.count = String(items.length);
	}
	body.items = items;
	if (!hasDeviation(context, "list-count-missing")) {
		body.quantity_limit = context.options.quota;
	}
	if (hasDeviation(context, "list-oversized")) {
		return {
			kind: "padded-json",
			status: 200,
			body,
			totalBytes: OVERSIZED_LIST_BYTES,
		};
	}
	return jsonReply(200, body);
}
