/**
 * Matches request targets to operations. Paths are compared segment by
 * segment without normalisation, so "//", "/../" and percent-encoded "/"
 * never reach another route. The query string is ignored.
 */

const IAM_TOKENS_PATH = "/v3/auth/tokens";

export type EndpointOperation =
	| "create"
	| "list"
	| "edit"
	| "delete"
	| "control";

export interface EndpointRoute {
	operation: EndpointOperation;
	/** The raw project_id path segment; it may be empty or malformed. */
	projectId: string;
	/** The decoded custom_endpoint_id; "" for a path ending in "/". */
	endpointId: string;
}

export type Route =
	| { kind: "iam-tokens" }
	| ({ kind: "endpoint" } & EndpointRoute);

/** Returns the route, or undefined for an unknown path or method. */
export function matchRoute(method: string, target: string): Route | undefined {
	const path = stripQuery(target);
	if (path === IAM_TOKENS_PATH) {
		return method === "POST" ? { kind: "iam-tokens" } : undefined;
	}
	const endpoint = matchEndpointRoute(method, path);
	return endpoint ? { kind: "endpoint", ...endpoint } : undefined;
}

// All endpoint paths sit under /v1/{project_id}/maas/services/custom-endpoint/.
function matchEndpointRoute(
	method: string,
	path: string,
): EndpointRoute | undefined {
	const segments = path.split("/");
	const [root, version, projectId, maas, services, service, resource] =
		segments;
	if (
		root !== "" ||
		version !== "v1" ||
		projectId === undefined ||
		maas !== "maas" ||
		services !== "services" ||
		service !== "custom-endpoint"
	) {
		return undefined;
	}
	if (segments.length === 7 && resource === "endpoint") {
		if (method === "GET") {
			return { operation: "list", projectId, endpointId: "" };
		}
		if (method === "POST") {
			return { operation: "create", projectId, endpointId: "" };
		}
		return undefined;
	}
	if (segments.length !== 8) {
		return undefined;
	}
	const endpointId = decodeSegment(segments[7] ?? "");
	if (resource === "endpoint" && method === "PUT") {
		return { operation: "edit", projectId, endpointId };
	}
	if (resource === "endpoint" && method === "DELETE") {
		return { operation: "delete", projectId, endpointId };
	}
	if (resource === "control" && method === "PUT") {
		return { operation: "control", projectId, endpointId };
	}
	return undefined;
}

function stripQuery(target: string): string {
	const index = target.indexOf("?");
	return index === -1 ? target : target.slice(0, index);
}

/** Percent-decodes a segment; a malformed escape keeps the raw text. */
function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}
