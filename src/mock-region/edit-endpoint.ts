/**
 * PUT .../endpoint/{id}, from the Edit page
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0014.html).
 * Only the fields in the body change. The success status is undocumented,
 * so it is an option: 200 with the updated endpoint, or 204.
 */
import { endpointIdRequired, endpointNotFound } from "./api-errors.ts";
import { checkEditFields, readJsonObject } from "./endpoint-fields.ts";
import { checkNameRules, newEndpointInfo } from "./endpoint-info.ts";
import type { IncomingRequest } from "./http-server.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import { emptyReply, jsonReply, type Reply } from "./reply.ts";
import type { CustomEndpointInfo } from "./types.ts";

export function editEndpoint(
	context: RegionContext,
	request: IncomingRequest,
	endpointId: string,
): Reply {
	if (endpointId === "") {
		return endpointIdRequired();
	}
	const body = readJsonObject(request);
	if (!body.ok) {
		return body.reply;
	}
	const fields = checkEditFields(body.value);
	if (!fields.ok) {
		return fields.reply;
	}
	const { agreement_id: _agreementId, ...patch } = fields.value;
	const current = context.store.get(endpointId);
	if (current === undefined) {
		if (!hasDeviation(context, "edit-unknown-accepted")) {
			return endpointNotFound(context.options.notFoundStatus);
		}
		const invented = newEndpointInfo(
			{ ...patch, endpoint_name: patch.endpoint_name ?? "" },
			endpointId,
		);
		return jsonReply(200, invented);
	}
	if (
		patch.endpoint_name !== undefined &&
		patch.endpoint_name !== current.endpoint_name
	) {
		const nameError = checkNameRules(context, patch.endpoint_name, {
			skipPattern: false,
			exceptId: endpointId,
		});
		if (nameError) {
			return nameError;
		}
	}

	let updated: CustomEndpointInfo | undefined = current;
	if (!hasDeviation(context, "edit-ignored")) {
		updated = context.store.update(endpointId, patch);
	}
	if (context.options.editStatus === 204) {
		return emptyReply(204);
	}
	return jsonReply(200, updated);
}
