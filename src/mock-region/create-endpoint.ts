/**
 * POST .../endpoint, from the Create page
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0013.html).
 * The page documents neither the success status nor the body, so both are
 * options: 200 or 201, with or without the new id.
 */
import { endpointNameRequired, endpointQuotaExceeded } from "./api-errors.ts";
import { checkCreateFields, readJsonObject } from "./endpoint-fields.ts";
import {
	checkNameRules,
	generatedEndpointName,
	newEndpointInfo,
} from "./endpoint-info.ts";
import type { IncomingRequest } from "./http-server.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import { jsonReply, type Reply } from "./reply.ts";

export function createEndpoint(
	context: RegionContext,
	request: IncomingRequest,
): Reply {
	const body = readJsonObject(request);
	if (!body.ok) {
		return body.reply;
	}
	const fields = checkCreateFields(body.value);
	if (!fields.ok) {
		return fields.reply;
	}
	let name = fields.value.endpoint_name;
	if (name === undefined) {
		if (!hasDeviation(context, "create-missing-name-accepted")) {
			return endpointNameRequired();
		}
		name = generatedEndpointName();
	}
	const nameError = checkNameRules(context, name, {
		skipPattern: hasDeviation(context, "create-invalid-name-accepted"),
	});
	if (nameError) {
		return nameError;
	}
	if (context.store.liveCount >= context.options.quota) {
		return endpointQuotaExceeded();
	}

	const info = newEndpointInfo({ ...fields.value, endpoint_name: name });
	context.store.add(info, !hasDeviation(context, "create-not-listed"));
	if (context.options.createReturnsId) {
		return jsonReply(context.options.createStatus, info);
	}
	const { id: _id, ...withoutId } = info;
	return jsonReply(context.options.createStatus, withoutId);
}
