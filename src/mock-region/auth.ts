/**
 * Authorisation of MaaS requests, as API Gateway does it before the request
 * reaches the service: the X-Auth-Token must be a valid token and its
 * project must be the project_id in the path.
 */
import {
	deleteExampleInvalidToken,
	tokenExpired,
	tokenInvalid,
	tokenMissing,
	tokenProjectMismatch,
} from "./api-errors.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import type { ErrorReply } from "./reply.ts";
import type { EndpointRoute } from "./routes.ts";
import { formatIamTime } from "./tokens.ts";

export type AuthResult =
	| { ok: true; projectId: string }
	| { ok: false; reply: ErrorReply };

export function authorize(
	context: RegionContext,
	route: EndpointRoute,
	tokenHeader: string | string[] | undefined,
): AuthResult {
	const isDelete = route.operation === "delete";
	const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
	let tokenProjectId: string;
	if (token === undefined || token === "") {
		if (!(isDelete && hasDeviation(context, "delete-without-token"))) {
			return { ok: false, reply: tokenMissing() };
		}
		tokenProjectId = context.options.projectId;
	} else {
		const lookup = context.tokens.lookup(token);
		if (lookup.status === "valid") {
			tokenProjectId = lookup.projectId;
		} else if (isDelete && hasDeviation(context, "delete-any-token")) {
			tokenProjectId = context.options.projectId;
		} else if (context.options.invalidTokenStyle === "delete-example") {
			return { ok: false, reply: deleteExampleInvalidToken() };
		} else if (lookup.status === "expired") {
			return {
				ok: false,
				reply: tokenExpired(formatIamTime(lookup.expiresAt)),
			};
		} else {
			return { ok: false, reply: tokenInvalid() };
		}
	}

	if (route.projectId !== tokenProjectId) {
		if (isDelete && hasDeviation(context, "delete-ignores-project")) {
			return { ok: true, projectId: tokenProjectId };
		}
		return { ok: false, reply: tokenProjectMismatch() };
	}
	return { ok: true, projectId: tokenProjectId };
}
