/**
 * Undocumented fields for the `extraFields` option. Regions may add fields
 * the pages do not list, so a client must ignore them; these prove it does.
 */
import type { CustomEndpointInfo } from "./types.ts";

const EXTEND_PARAM = { origin: "mock-region", undocumented: true } as const;

/** Returns a copy of a top-level JSON object with an extra field. */
export function withExtraTopLevelFields(body: unknown): unknown {
	if (body === null || typeof body !== "object" || Array.isArray(body)) {
		return body;
	}
	return { ...body, extend_param: { ...EXTEND_PARAM } };
}

/** Returns a copy of an endpoint with extra fields, for list items. */
export function withExtraItemFields(
	info: CustomEndpointInfo,
	createdAt: number,
): Record<string, unknown> {
	return {
		...info,
		create_time: createdAt,
		update_time: createdAt,
		extend_param: { ...EXTEND_PARAM },
	};
}
