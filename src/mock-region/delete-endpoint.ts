/**
 * DELETE .../endpoint/{id}, from the Delete page
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html):
 * success is 204 with an empty body, the endpoint leaves the list and its
 * name stays burned. An unknown or already deleted id is not found.
 */
import {
	endpointIdRequired,
	endpointNotFound,
	internalServerError,
} from "./api-errors.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import { emptyReply, jsonReply, type Reply } from "./reply.ts";

const UUID_PATTERN =
	/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function deleteEndpoint(
	context: RegionContext,
	endpointId: string,
): Reply {
	if (endpointId === "") {
		return endpointIdRequired();
	}
	if (
		hasDeviation(context, "delete-malformed-id-500") &&
		!UUID_PATTERN.test(endpointId)
	) {
		return internalServerError(
			"internal server error: the endpoint id is not a UUID (delete-malformed-id-500 deviation)",
		);
	}
	if (!context.store.has(endpointId)) {
		return deleteMissingEndpoint(context, endpointId);
	}
	if (!hasDeviation(context, "delete-keeps-endpoint")) {
		context.store.remove(endpointId);
	}
	return deleteSuccessReply(context);
}

function deleteMissingEndpoint(
	context: RegionContext,
	endpointId: string,
): Reply {
	if (context.store.wasDeleted(endpointId)) {
		return hasDeviation(context, "delete-repeat-accepted")
			? emptyReply(204)
			: endpointNotFound(context.options.notFoundStatus);
	}
	if (hasDeviation(context, "delete-unknown-accepted")) {
		return emptyReply(204);
	}
	if (hasDeviation(context, "delete-unknown-500")) {
		return internalServerError(
			"internal server error: the endpoint does not exist (delete-unknown-500 deviation)",
		);
	}
	return endpointNotFound(context.options.notFoundStatus);
}

function deleteSuccessReply(context: RegionContext): Reply {
	if (hasDeviation(context, "delete-200-json")) {
		return jsonReply(200, { result: "deleted" });
	}
	if (hasDeviation(context, "delete-204-body")) {
		return {
			kind: "raw",
			status: 204,
			headers: [
				["Content-Type", "application/json"],
				["Content-Length", "2"],
			],
			body: Buffer.from("{}"),
		};
	}
	if (hasDeviation(context, "delete-204-chunked")) {
		return {
			kind: "raw",
			status: 204,
			headers: [["Transfer-Encoding", "chunked"]],
			body: Buffer.from("0\r\n\r\n"),
		};
	}
	if (hasDeviation(context, "delete-204-wrong-length")) {
		return {
			kind: "raw",
			status: 204,
			headers: [["Content-Length", "5"]],
			body: Buffer.alloc(0),
		};
	}
	if (hasDeviation(context, "delete-reset")) {
		return { kind: "reset" };
	}
	if (hasDeviation(context, "delete-never-responds")) {
		return { kind: "hang" };
	}
	return emptyReply(204);
}
