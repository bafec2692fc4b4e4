/**
 * PUT .../control/{id}, from the Enable/Disable page
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0017.html):
 * the body's `action` is "activate" or "deactivate", and success is 204
 * with an empty body.
 */
import {
	endpointIdRequired,
	endpointNotFound,
	invalidParameter,
} from "./api-errors.ts";
import { readJsonObject } from "./endpoint-fields.ts";
import type { IncomingRequest } from "./http-server.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import { emptyReply, jsonReply, type Reply } from "./reply.ts";

const STATUS_FOR_ACTION: Record<string, string> = {
	activate: "ACTIVE",
	deactivate: "INACTIVE",
};

export function controlEndpoint(
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
	const action = body.value.action;
	if (action === undefined || action === null) {
		return invalidParameter(
			'CustomEndpointActionReq.action is a required field; use "activate" or "deactivate"',
		);
	}
	const status =
		typeof action === "string" && Object.hasOwn(STATUS_FOR_ACTION, action)
			? STATUS_FOR_ACTION[action]
			: undefined;
	if (status === undefined && !hasDeviation(context, "control-any-action")) {
		return invalidParameter(
			`CustomEndpointActionReq.action ${JSON.stringify(action)} is invalid; use "activate" or "deactivate"`,
		);
	}

	let updated = context.store.get(endpointId);
	if (updated === undefined) {
		if (!hasDeviation(context, "control-unknown-accepted")) {
			return endpointNotFound(context.options.notFoundStatus);
		}
	} else if (status !== undefined) {
		updated = context.store.update(endpointId, { status });
	}
	if (hasDeviation(context, "control-200-json")) {
		return jsonReply(200, updated ?? { id: endpointId });
	}
	return emptyReply(204);
}
