/**
 * Client of the MaaS custom-endpoint API
 * (/v1/{project_id}/maas/services/custom-endpoint/...). It reads the raw
 * body bytes itself and is strict where the pages are clear (JSON where JSON
 * is due, error bodies) and lenient where they are silent (create returns 200
 * or 201, with or without the new id, and edit returns 200 with JSON or 204).
 * Checking content types and schemas is the probes' job, not the client's.
 *
 * Errors: 4xx/5xx -> ApiError; JSON due but empty, not JSON or over
 * maxBodyBytes -> ProtocolError; no complete answer within timeoutMs ->
 * RequestTimeoutError; no connection -> TargetUnreachableError.
 */

import type { Dispatcher } from "undici";
import { Agent } from "undici";
import { ApiError, ProtocolError } from "../errors.ts";
import { debug } from "../log.ts";
import { redact, registerSecret } from "../redact.ts";
import type { CustomEndpointInfo, EndpointList } from "../schemas/index.ts";
import { type Headers, headerValue, type RawResponse, send } from "./http.ts";

export type { CustomEndpointInfo, EndpointList } from "../schemas/index.ts";
export {
	type LoginOptions,
	type LoginResult,
	loginWithConfig,
	loginWithPassword,
} from "./login.ts";

export interface ExchangeRecord {
	method: string;
	/** The request URL; never carries a secret. */
	url: string;
	/** Undefined when no response came (timeout, connection failure). */
	status: number | undefined;
	requestId: string | undefined;
	errorCode: string | undefined;
	/** Milliseconds since the Unix epoch. */
	startedAt: number;
	endedAt: number;
	/** The message of the error the request ended with, if any. */
	error?: string;
}

export interface ClientOptions {
	/** Base URL of the region, e.g. https://<host>; a trailing slash is removed. */
	endpoint: string;
	projectId: string;
	/** Sent as X-Auth-Token and registered with redact; none = no header. */
	token?: string;
	/** Bound on each whole request, body included. */
	timeoutMs: number;
	/** Default 4 MiB. */
	maxBodyBytes?: number;
	/** Called once per request, after it ended; must not throw. */
	onExchange?: (record: ExchangeRecord) => void;
}

/** The Create body (api-maas-0013); extra members are sent as given. */
export interface CreateEndpointBody {
	endpoint_name?: string;
	source?: string;
	model_name?: string;
	rpm?: number;
	tpm?: number;
	remark?: string;
	moderation?: boolean;
	agreement_id?: string;
	[extra: string]: unknown;
}

/** The Edit body (api-maas-0014); every field is optional. */
export interface EditEndpointBody {
	endpoint_name?: string;
	remark?: string;
	rpm?: number;
	tpm?: number;
	moderation?: boolean;
	agreement_id?: string;
}

export interface ClientResponse<T> {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	/** The X-Request-Id response header. */
	requestId: string | undefined;
	body: T;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** How much of an error body ApiError keeps. */
const RAW_TEXT_BYTES = 4096;
/** How much of a non-JSON body a ProtocolError quotes. */
const QUOTE_BYTES = 120;

/** Body handling of a 2xx response. */
type Expect =
	/** JSON required (list). */
	| "json"
	/** JSON required unless the status is 204 (edit). */
	| "json-unless-204"
	/** JSON when there are bytes, undefined when there are none (create). */
	| "json-if-present"
	/** Never parsed (delete, enable/disable). */
	| "none";

interface Exchange {
	status: number;
	headers: Headers;
	requestId: string | undefined;
	body: unknown;
}

export class MaasClient {
	readonly endpoint: string;
	readonly projectId: string;
	readonly #options: ClientOptions;
	#agent: Agent | undefined;
	#closed = false;

	constructor(options: ClientOptions) {
		this.#options = { ...options };
		this.endpoint = options.endpoint.replace(/\/+$/, "");
		this.projectId = options.projectId;
		if (options.token) registerSecret(options.token);
	}

	/** Returns a client with the same options and another token (or none), with its own pool. */
	withToken(token: string | undefined): MaasClient {
		const options: ClientOptions = { ...this.#options };
		if (token === undefined) delete options.token;
		else options.token = token;
		return new MaasClient(options);
	}

	/** Returns a client with the same options and another project id, with its own pool. */
	withProjectId(projectId: string): MaasClient {
		return new MaasClient({ ...this.#options, projectId });
	}

	/**
	 * POST .../endpoint (api-maas-0013). The success status and body are not
	 * documented: any 2xx passes; `id` is the body's `id` when it is a
	 * non-empty string, else undefined (find the endpoint by name then).
	 */
	async createEndpoint(
		body: CreateEndpointBody,
	): Promise<ClientResponse<unknown> & { id: string | undefined }> {
		const response = await this.#call(
			"POST",
			this.#path("endpoint"),
			body,
			"json-if-present",
		);
		const answer = response.body as { id?: unknown } | undefined;
		const id =
			answer !== null &&
			typeof answer === "object" &&
			typeof answer.id === "string" &&
			answer.id !== ""
				? answer.id
				: undefined;
		return { ...response, id };
	}

	/** GET .../endpoint (api-maas-0015); the body is returned as parsed, unchecked. */
	async listEndpoints(): Promise<ClientResponse<EndpointList>> {
		const response = await this.#call(
			"GET",
			this.#path("endpoint"),
			undefined,
			"json",
		);
		return response as ClientResponse<EndpointList>;
	}

	/** The listed endpoint with this endpoint_name; the API has no GET by id. */
	async findEndpointByName(
		name: string,
	): Promise<CustomEndpointInfo | undefined> {
		const { body, status } = await this.listEndpoints();
		const items = (body as { items?: unknown } | null)?.items;
		if (!Array.isArray(items)) {
			throw new ProtocolError(
				`GET ${this.#url(this.#path("endpoint"))} returned ${status} with a body that has no items array, so ${JSON.stringify(name)} cannot be looked up; check the region's list response`,
				status,
			);
		}
		return items.find(
			(item): item is CustomEndpointInfo =>
				item !== null &&
				typeof item === "object" &&
				(item as { endpoint_name?: unknown }).endpoint_name === name,
		);
	}

	/** PUT .../endpoint/{id} (api-maas-0014): 200 with JSON or 204 empty. */
	editEndpoint(
		id: string,
		body: EditEndpointBody,
	): Promise<ClientResponse<unknown>> {
		return this.#call(
			"PUT",
			this.#path(`endpoint/${encodeURIComponent(id)}`),
			body,
			"json-unless-204",
		);
	}

	/** DELETE .../endpoint/{id} (api-maas-0016): 204, body undefined. */
	async deleteEndpoint(id: string): Promise<ClientResponse<undefined>> {
		const response = await this.#call(
			"DELETE",
			this.#path(`endpoint/${encodeURIComponent(id)}`),
			undefined,
			"none",
		);
		return response as ClientResponse<undefined>;
	}

	/** PUT .../control/{id} with {"action"} (api-maas-0017): 204, body undefined. */
	async setEndpointState(
		id: string,
		action: "activate" | "deactivate" | string,
	): Promise<ClientResponse<undefined>> {
		const response = await this.#call(
			"PUT",
			this.#path(`control/${encodeURIComponent(id)}`),
			{ action },
			"none",
		);
		return response as ClientResponse<undefined>;
	}

	/** Closes this client's connection pool; later calls throw. */
	async close(): Promise<void> {
		this.#closed = true;
		const agent = this.#agent;
		this.#agent = undefined;
		if (agent) await agent.close();
	}

	#path(rest: string): string {
		return `/v1/${encodeURIComponent(this.projectId)}/maas/services/custom-endpoint/${rest}`;
	}

	#url(path: string): string {
		return redact(`${this.endpoint}${path}`);
	}

	#pool(): Agent {
		if (this.#closed) {
			throw new Error("this MaasClient was closed; create a new one");
		}
		this.#agent ??= new Agent({
			connect: { timeout: this.#options.timeoutMs },
			headersTimeout: this.#options.timeoutMs,
			bodyTimeout: this.#options.timeoutMs,
		});
		return this.#agent;
	}

	async #call(
		method: Dispatcher.HttpMethod,
		path: string,
		body: unknown,
		expect: Expect,
	): Promise<ClientResponse<unknown>> {
		const url = `${this.endpoint}${path}`;
		const shownUrl = redact(url);
		const headers: Record<string, string> = { Accept: "application/json" };
		if (this.#options.token) headers["X-Auth-Token"] = this.#options.token;
		if (body !== undefined) headers["Content-Type"] = "application/json";
		const startedAt = Date.now();
		let raw: RawResponse | undefined;
		let result: Exchange | undefined;
		let failure: unknown;
		try {
			raw = await send({
				agent: this.#pool(),
				method,
				url,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				timeoutMs: this.#options.timeoutMs,
				maxBodyBytes: this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
			});
			result = interpret(method, shownUrl, raw, expect);
			return result;
		} catch (error) {
			failure = error;
			throw error;
		} finally {
			this.#record(method, shownUrl, startedAt, raw, failure);
		}
	}

	#record(
		method: string,
		url: string,
		startedAt: number,
		raw: RawResponse | undefined,
		failure: unknown,
	): void {
		const details = failure instanceof ApiError ? failure.details : undefined;
		const record: ExchangeRecord = {
			method,
			url,
			status: raw?.status,
			requestId:
				details?.requestId ??
				(raw ? headerValue(raw.headers, "x-request-id") : undefined),
			errorCode: details?.errorCode,
			startedAt,
			endedAt: Date.now(),
		};
		if (failure !== undefined) {
			record.error = redact(
				failure instanceof Error ? failure.message : String(failure),
			);
		}
		debug(
			"client",
			"%s %s -> %s%s%s in %d ms",
			method,
			url,
			record.status ?? "no response",
			record.errorCode ? ` ${record.errorCode}` : "",
			record.error && !details ? ` (${record.error})` : "",
			record.endedAt - startedAt,
		);
		try {
			this.#options.onExchange?.(record);
		} catch (error) {
			debug("client", "onExchange threw: %s", String(error));
		}
	}
}

/** Applies the status and body rules to a complete response. */
function interpret(
	method: string,
	url: string,
	raw: RawResponse,
	expect: Expect,
): Exchange {
	const { status, headers, bytes } = raw;
	const contentType = headerValue(headers, "content-type");
	const requestId = headerValue(headers, "x-request-id");
	if (status >= 400) throw apiError(method, url, raw);
	if (status < 200 || status >= 300) {
		throw new ProtocolError(
			`${method} ${url} returned ${status}, which is neither a success nor an error status; check that the URL points at the MaaS API and not at a redirecting gateway`,
			status,
			quote(bytes, RAW_TEXT_BYTES),
		);
	}
	let body: unknown;
	const jsonDue =
		expect === "json" ||
		(expect === "json-unless-204" && status !== 204) ||
		(expect === "json-if-present" && bytes.length > 0);
	if (jsonDue) body = parseJson(method, url, status, contentType, bytes);
	return { status, headers, requestId, body };
}

function parseJson(
	method: string,
	url: string,
	status: number,
	contentType: string | undefined,
	bytes: Buffer,
): unknown {
	const type = contentType ?? "none";
	if (bytes.length === 0) {
		throw new ProtocolError(
			`${method} ${url}: empty body where JSON was expected (status ${status}, content-type ${type})`,
			status,
			"",
		);
	}
	try {
		return JSON.parse(bytes.toString("utf8"));
	} catch {
		throw new ProtocolError(
			`${method} ${url}: body is not JSON (status ${status}, content-type ${type}), it starts with ${JSON.stringify(quote(bytes, QUOTE_BYTES))}`,
			status,
			quote(bytes, RAW_TEXT_BYTES),
		);
	}
}

function apiError(method: string, url: string, raw: RawResponse): ApiError {
	const rawText = quote(raw.bytes, RAW_TEXT_BYTES);
	let parsed: unknown;
	try {
		parsed =
			raw.bytes.length > 0 ? JSON.parse(raw.bytes.toString("utf8")) : undefined;
	} catch {
		parsed = undefined;
	}
	const member = (name: string): string | undefined => {
		if (
			parsed === null ||
			typeof parsed !== "object" ||
			Array.isArray(parsed)
		) {
			return undefined;
		}
		const value = (parsed as Record<string, unknown>)[name];
		return typeof value === "string" ? redact(value) : undefined;
	};
	return new ApiError({
		method,
		url,
		status: raw.status,
		contentType: headerValue(raw.headers, "content-type"),
		errorCode: member("error_code"),
		errorMsg: member("error_msg"),
		requestId: member("request_id") ?? headerValue(raw.headers, "x-request-id"),
		rawText,
	});
}

/** Decodes the first `limit` bytes as text and passes them through redact. */
function quote(bytes: Buffer, limit: number): string {
	return redact(bytes.subarray(0, limit).toString("utf8"));
}
