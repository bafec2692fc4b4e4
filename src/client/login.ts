/**
 * IAM password login: POST {iam}/v3/auth/tokens?nocatalog=true with a
 * project-scoped password identity. IAM responds with 201 and the token in
 * the X-Subject-Token header, see
 * https://support.huaweicloud.com/intl/en-us/api-iam/iam_30_0001.html.
 * Every failure is a LoginError that names the user and the IAM host and
 * never the password.
 */

import { Agent } from "undici";
import type { Config } from "../config/index.ts";
import { isMaasError, LoginError } from "../errors.ts";
import { debug } from "../log.ts";
import { redact, registerSecret } from "../redact.ts";
import { headerValue, send } from "./http.ts";

export interface LoginOptions {
	/** Base URL of IAM; there is no default host. */
	iamEndpoint: string;
	user: string;
	password: string;
	domain: string;
	project: { name: string } | { id: string };
	timeoutMs: number;
}

export interface LoginResult {
	/** The X-Subject-Token value, registered with redact. */
	token: string;
	/** token.expires_at of the body, when present. */
	expiresAt: string | undefined;
	/** token.project.id of the body, when present. */
	projectId: string | undefined;
}

/** Limit for the token response, which carries no catalog with nocatalog=true. */
const MAX_LOGIN_BODY_BYTES = 1024 * 1024;
const CREDENTIALS_FIX =
	"check MAAS_IAM_USER, MAAS_IAM_PASSWORD and MAAS_IAM_DOMAIN";

/** Logs in with a password and returns a project-scoped token. */
export async function loginWithPassword(
	options: LoginOptions,
): Promise<LoginResult> {
	registerSecret(options.password);
	const base = options.iamEndpoint.replace(/\/+$/, "");
	let host: string;
	try {
		host = new URL(base).host;
	} catch {
		throw new LoginError(
			`the IAM endpoint ${JSON.stringify(options.iamEndpoint)} is not an absolute URL; set MAAS_IAM_ENDPOINT to https://<iam host>`,
		);
	}
	const url = `${base}/v3/auth/tokens?nocatalog=true`;
	const who = `user ${JSON.stringify(options.user)} of domain ${JSON.stringify(options.domain)}`;
	const body = JSON.stringify({
		auth: {
			identity: {
				methods: ["password"],
				password: {
					user: {
						name: options.user,
						password: options.password,
						domain: { name: options.domain },
					},
				},
			},
			scope: {
				project:
					"id" in options.project
						? { id: options.project.id }
						: { name: options.project.name },
			},
		},
	});

	const agent = new Agent({ connect: { timeout: options.timeoutMs } });
	let response: Awaited<ReturnType<typeof send>>;
	try {
		response = await send({
			agent,
			method: "POST",
			url,
			headers: {
				"Content-Type": "application/json;charset=utf8",
				Accept: "application/json",
			},
			body,
			timeoutMs: options.timeoutMs,
			maxBodyBytes: MAX_LOGIN_BODY_BYTES,
		});
	} catch (error) {
		const code = isMaasError(error) ? error.code : undefined;
		const reason = error instanceof Error ? error.message : String(error);
		debug("client", "IAM login at %s failed: %s", host, reason);
		if (code === "MAAS_REQUEST_TIMEOUT") {
			throw new LoginError(
				`the login of ${who} at IAM ${host} timed out after ${options.timeoutMs} ms; check MAAS_IAM_ENDPOINT or raise MAAS_REQUEST_TIMEOUT_MS`,
				undefined,
				{ cause: error },
			);
		}
		if (code === "MAAS_TARGET_UNREACHABLE") {
			throw new LoginError(
				`cannot reach IAM at ${host} to log in ${who} (${redact(reason)}); check MAAS_IAM_ENDPOINT`,
				undefined,
				{ cause: error },
			);
		}
		throw new LoginError(
			`the login of ${who} at IAM ${host} failed (${redact(reason)}); check MAAS_IAM_ENDPOINT`,
			undefined,
			{ cause: error },
		);
	} finally {
		await agent.close().catch(() => undefined);
	}

	const { status, headers, bytes } = response;
	debug("client", "POST %s -> %d", redact(url), status);
	if (status >= 200 && status < 300) {
		const token = headerValue(headers, "x-subject-token");
		if (!token) {
			throw new LoginError(
				`IAM answered ${status} without an X-Subject-Token header to the login of ${who} at ${host}; check that MAAS_IAM_ENDPOINT points at IAM`,
				status,
			);
		}
		registerSecret(token);
		const answer = parseBody(bytes) as
			| { token?: { expires_at?: unknown; project?: { id?: unknown } } }
			| undefined;
		const expiresAt = answer?.token?.expires_at;
		const projectId = answer?.token?.project?.id;
		return {
			token,
			expiresAt: typeof expiresAt === "string" ? expiresAt : undefined,
			projectId:
				typeof projectId === "string" && projectId ? projectId : undefined,
		};
	}
	const detail = errorDetail(bytes);
	if (status === 400 || status === 401) {
		throw new LoginError(
			`IAM at ${host} rejected the password login of ${who} (${status}${detail}); ${CREDENTIALS_FIX}`,
			status,
		);
	}
	throw new LoginError(
		`IAM at ${host} responded with ${status} to the password login of ${who}${detail ? ` (${detail.slice(2)})` : ""}; check MAAS_IAM_ENDPOINT and the project scope (MAAS_IAM_PROJECT or MAAS_IAM_PROJECT_ID)`,
		status,
	);
}

function parseBody(bytes: Buffer): unknown {
	if (bytes.length === 0) return undefined;
	try {
		return JSON.parse(bytes.toString("utf8"));
	} catch {
		return undefined;
	}
}

/** ": <message>" from an IAM or gateway error body, or "". */
function errorDetail(bytes: Buffer): string {
	const body = parseBody(bytes) as
		| { error?: { message?: unknown }; error_msg?: unknown }
		| undefined;
	const message = body?.error?.message ?? body?.error_msg;
	if (typeof message !== "string" || message === "") return "";
	const cut = message.length > 200 ? `${message.slice(0, 200)}...` : message;
	return `: ${redact(cut)}`;
}

/** Logs in with the IAM options of the configuration (see loginWithPassword). */
export function loginWithConfig(
	iam: NonNullable<Config["iam"]>,
	timeoutMs: number,
): ReturnType<typeof loginWithPassword> {
	return loginWithPassword({
		iamEndpoint: iam.endpoint,
		user: iam.user,
		password: iam.password,
		domain: iam.domain,
		project: iam.project,
		timeoutMs,
	});
}
