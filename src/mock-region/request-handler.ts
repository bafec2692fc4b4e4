/** Routes each request to IAM or to one of the five endpoint operations. */
import { apiNotFound } from "./api-errors.ts";
import { authorize } from "./auth.ts";
import { controlEndpoint } from "./control-endpoint.ts";
import { createEndpoint } from "./create-endpoint.ts";
import { deleteEndpoint } from "./delete-endpoint.ts";
import { editEndpoint } from "./edit-endpoint.ts";
import type { IncomingRequest, RequestHandler } from "./http-server.ts";
import { issueToken } from "./iam.ts";
import { listEndpoints } from "./list-endpoints.ts";
import type { RegionContext } from "./region-context.ts";
import type { Reply } from "./reply.ts";
import { matchRoute } from "./routes.ts";

export function createRequestHandler(context: RegionContext): RequestHandler {
	return (request: IncomingRequest): Reply => {
		const route = matchRoute(request.method, request.target);
		if (route === undefined) {
			return apiNotFound();
		}
		if (route.kind === "iam-tokens") {
			return issueToken(context, request);
		}
		const auth = authorize(context, route, request.headers["x-auth-token"]);
		if (!auth.ok) {
			return auth.reply;
		}
		switch (route.operation) {
			case "create":
				return createEndpoint(context, request);
			case "list":
				return listEndpoints(context);
			case "edit":
				return editEndpoint(context, request, route.endpointId);
			case "delete":
				return deleteEndpoint(context, route.endpointId);
			case "control":
				return controlEndpoint(context, request, route.endpointId);
		}
	};
}
