/**
 * POST /v3/auth/tokens with a password identity and a project scope, after
 * https://support.huaweicloud.com/intl/en-us/api-iam/iam_30_0001.html:
 * 201, the token in the X-Subject-Token header, and a token body whose
 * expires_at is 24 hours after issued_at. IAM errors have their own form,
 * {"error":{"code","message","title"}}, which the MaaS error deviations do
 * not touch.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { IncomingRequest } from "./http-server.ts";
import { decodeJsonObject } from "./json-body.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import { type JsonReply, jsonReply, type Reply } from "./reply.ts";
import { formatIamTime } from "./tokens.ts";
import type { MockRegionUser } from "./types.ts";

interface PasswordLogin {
	userName: string;
	password: string;
	domainName: string;
	scope: { name: string } | { id: string };
}

export function issueToken(
	context: RegionContext,
	request: IncomingRequest,
): Reply {
	const decoded = decodeJsonObject(
		request.headers["content-type"],
		request.body,
	);
	if (!decoded.ok) {
		return iamError(400, `The request body is invalid: ${decoded.detail}`);
	}
	const login = readPasswordLogin(decoded.value);
	if (typeof login === "string") {
		return iamError(400, `The request body is invalid: ${login}`);
	}

	const user = context.options.users.find(
		(candidate) =>
			candidate.name === login.userName &&
			candidate.domain === login.domainName,
	);
	const passwordAccepted =
		user !== undefined &&
		(passwordsEqual(user.password, login.password) ||
			hasDeviation(context, "iam-any-password"));
	if (user === undefined || !passwordAccepted) {
		return iamError(401, "The username or password is wrong.");
	}

	const { projectId, region } = context.options;
	const scopeMatches =
		"name" in login.scope
			? login.scope.name === region
			: login.scope.id === projectId;
	if (!scopeMatches) {
		return iamError(
			400,
			`The project in auth.scope.project does not exist: ${JSON.stringify(login.scope)}; this mock region serves project ${projectId} named ${region}`,
		);
	}

	const issued = context.tokens.issue(projectId);
	const domain = {
		id: iamId(context, `domain:${user.domain}`),
		name: user.domain,
	};
	const token: Record<string, unknown> = {
		expires_at: formatIamTime(issued.expiresAt),
		issued_at: formatIamTime(issued.issuedAt),
		methods: ["password"],
		project: { id: projectId, name: region, domain },
		roles: [{ id: iamId(context, "role:te_admin"), name: "te_admin" }],
		catalog: [],
		user: userBody(context, user, domain),
	};
	if (hasDeviation(context, "iam-token-in-body")) {
		token.id = issued.token;
		return jsonReply(200, { token });
	}
	return jsonReply(201, { token }, { "X-Subject-Token": issued.token });
}

/** Returns the login fields, or a message naming the first invalid one. */
function readPasswordLogin(
	body: Record<string, unknown>,
): PasswordLogin | string {
	const auth = objectAt(body, "auth");
	const identity = objectAt(auth, "identity");
	const methods = identity?.methods;
	if (!Array.isArray(methods) || !methods.includes("password")) {
		return 'auth.identity.methods must contain "password"';
	}
	const user = objectAt(objectAt(identity, "password"), "user");
	const userName = user?.name;
	const password = user?.password;
	const domainName = objectAt(user, "domain")?.name;
	if (typeof userName !== "string") {
		return "auth.identity.password.user.name must be a string";
	}
	if (typeof password !== "string") {
		return "auth.identity.password.user.password must be a string";
	}
	if (typeof domainName !== "string") {
		return "auth.identity.password.user.domain.name must be a string";
	}
	const project = objectAt(objectAt(auth, "scope"), "project");
	if (typeof project?.name === "string") {
		return { userName, password, domainName, scope: { name: project.name } };
	}
	if (typeof project?.id === "string") {
		return { userName, password, domainName, scope: { id: project.id } };
	}
	return "auth.scope.project must have a string name or id; this mock region issues project-scoped tokens only";
}

function objectAt(
	parent: Record<string, unknown> | undefined,
	key: string,
): Record<string, unknown> | undefined {
	const value = parent?.[key];
	return value !== null && typeof value === "object" && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** Compares digests in constant time, so equal lengths are not required. */
function passwordsEqual(expected: string, actual: string): boolean {
	const digest = (text: string) => createHash("sha256").update(text).digest();
	return timingSafeEqual(digest(expected), digest(actual));
}

function userBody(
	context: RegionContext,
	user: MockRegionUser,
	domain: { id: string; name: string },
): Record<string, unknown> {
	return {
		id: iamId(context, `user:${user.domain}/${user.name}`),
		name: user.name,
		domain,
		password_expires_at: "",
	};
}

function iamId(context: RegionContext, key: string): string {
	let id = context.iamIds.get(key);
	if (id === undefined) {
		id = randomBytes(16).toString("hex");
		context.iamIds.set(key, id);
	}
	return id;
}

export function iamError(status: number, message: string): JsonReply {
	return jsonReply(status, {
		error: { code: status, message, title: STATUS_CODES[status] ?? "Error" },
	});
}
