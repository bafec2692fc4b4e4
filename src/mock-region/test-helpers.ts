/**
 * Helpers for the mock region's tests: start regions that close after each
 * test, send requests with undici, and exchange raw bytes over node:net
 * where the exact framing on the wire matters.
 */
import { connect } from "node:net";
import { request } from "undici";
import { afterEach } from "vitest";
import {
	type CustomEndpointInfo,
	type MockRegion,
	type MockRegionOptions,
	type MockRegionUser,
	startMockRegion,
} from "./index.ts";

/** Returns a start function whose regions close after each test. */
export function useRegions(): (
	options?: MockRegionOptions,
) => Promise<MockRegion> {
	const started: MockRegion[] = [];
	afterEach(async () => {
		await Promise.all(started.splice(0).map((region) => region.close()));
	});
	return async (options?: MockRegionOptions) => {
		const region = await startMockRegion(options);
		started.push(region);
		return region;
	};
}

/**
 * A parsed JSON response body. Tests probe bodies field by field, including
 * fields that must be absent, so a precise type would only add casts.
 */
// biome-ignore lint/suspicious/noExplicitAny: see the comment above.
export type ParsedJson = any;

/** The documented list body; `count` and `quantity_limit` may be absent. */
export interface ListBody {
	total: number;
	count?: string;
	items: CustomEndpointInfo[];
	quantity_limit?: number;
	[field: string]: unknown;
}

export interface HttpResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	/** The body parsed as JSON; throws when it is not JSON. */
	json(): ParsedJson;
}

export interface SendOptions {
	/** X-Auth-Token; null sends none. Default: the region's start token. */
	token?: string | null;
	/** A value to send as JSON, or a string sent as is. */
	body?: unknown;
	contentType?: string | null;
	headers?: Record<string, string>;
}

export async function send(
	region: MockRegion,
	method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS",
	path: string,
	options: SendOptions = {},
): Promise<HttpResult> {
	const headers: Record<string, string> = { ...options.headers };
	const token = options.token === undefined ? region.token : options.token;
	if (token !== null) {
		headers["x-auth-token"] = token;
	}
	let body: string | undefined;
	if (options.body !== undefined) {
		body =
			typeof options.body === "string"
				? options.body
				: JSON.stringify(options.body);
		const contentType =
			options.contentType === undefined
				? "application/json"
				: options.contentType;
		if (contentType !== null) {
			headers["content-type"] = contentType;
		}
	}
	const response = await request(`${region.url}${path}`, {
		method,
		headers,
		...(body === undefined ? {} : { body }),
	});
	const text = await response.body.text();
	return {
		status: response.statusCode,
		headers: response.headers,
		text,
		json: () => JSON.parse(text),
	};
}

/** Returns the path prefix of every endpoint operation for a project. */
export function basePath(
	region: MockRegion,
	projectId = region.projectId,
): string {
	return `/v1/${projectId}/maas/services/custom-endpoint`;
}

export function endpointPath(region: MockRegion, id?: string): string {
	return id === undefined
		? `${basePath(region)}/endpoint`
		: `${basePath(region)}/endpoint/${id}`;
}

export function controlPath(region: MockRegion, id: string): string {
	return `${basePath(region)}/control/${id}`;
}

/** Creates an endpoint and returns the created CustomEndpointInfo. */
export async function createEndpoint(
	region: MockRegion,
	name: string,
	extra: Record<string, unknown> = {},
): Promise<CustomEndpointInfo> {
	const result = await send(region, "POST", endpointPath(region), {
		body: {
			endpoint_name: name,
			source: "custom_from_maas",
			model_name: "DeepSeek-V3",
			...extra,
		},
	});
	if (result.status !== 200 && result.status !== 201) {
		throw new Error(`create ${name} returned ${result.status}: ${result.text}`);
	}
	return result.json();
}

export async function listEndpoints(region: MockRegion): Promise<ListBody> {
	const result = await send(region, "GET", endpointPath(region));
	if (result.status !== 200) {
		throw new Error(`list returned ${result.status}: ${result.text}`);
	}
	return result.json();
}

/** Returns the region's first IAM user. Throws when it has none. */
export function firstUser(region: MockRegion): MockRegionUser {
	const user = region.users[0];
	if (user === undefined) {
		throw new Error("the mock region has no IAM users");
	}
	return user;
}

/** Builds the IAM password login body. */
export function loginBody(
	user: { domain: string; name: string; password: string },
	scope: { name: string } | { id: string },
): unknown {
	return {
		auth: {
			identity: {
				methods: ["password"],
				password: {
					user: {
						name: user.name,
						password: user.password,
						domain: { name: user.domain },
					},
				},
			},
			scope: { project: scope },
		},
	};
}

/** A raw exchange: every byte the server sent and whether it reset. */
export interface RawExchange {
	bytes: Buffer;
	text: string;
	reset: boolean;
}

/**
 * Writes `requestBytes` on a new connection and collects everything the
 * server sends until it closes the connection.
 */
export function rawExchange(
	region: MockRegion,
	requestBytes: string | Buffer,
): Promise<RawExchange> {
	const { hostname, port } = new URL(region.url);
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let reset = false;
		const socket = connect(
			{ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port) },
			() => {
				socket.write(requestBytes);
			},
		);
		socket.on("data", (chunk: Buffer) => chunks.push(chunk));
		socket.on("error", (error: NodeJS.ErrnoException) => {
			if (error.code === "ECONNRESET") {
				reset = true;
			}
		});
		socket.on("close", () => {
			const bytes = Buffer.concat(chunks);
			resolve({ bytes, text: bytes.toString("latin1"), reset });
		});
	});
}

/**
 * Builds a raw HTTP/1.1 request with the region's token and Connection: close.
 * `target` may be bytes, to send what a URL parser would escape.
 */
export function rawRequest(
	region: MockRegion,
	method: string,
	target: string | Buffer,
	headers: Record<string, string> = {},
	body: string | Buffer = "",
): Buffer {
	const bodyBytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
	const lines = [
		"",
		`Host: ${new URL(region.url).host}`,
		`X-Auth-Token: ${region.token}`,
		"Connection: close",
	];
	for (const [name, value] of Object.entries(headers)) {
		lines.push(`${name}: ${value}`);
	}
	if (bodyBytes.length > 0) {
		lines.push(`Content-Length: ${bodyBytes.length}`);
	}
	return Buffer.concat([
		Buffer.from(`${method} `),
		Buffer.isBuffer(target) ? target : Buffer.from(target),
		Buffer.from(` HTTP/1.1${lines.join("\r\n")}\r\n\r\n`),
		bodyBytes,
	]);
}

/** Splits a raw response into its head (before the blank line) and body. */
export function splitRaw(text: string): { head: string; body: string } {
	const index = text.indexOf("\r\n\r\n");
	if (index === -1) {
		return { head: text, body: "" };
	}
	return { head: text.slice(0, index), body: text.slice(index + 4) };
}

/**
 * Resolves once `condition` is true, checking every 5 ms. Throws after
 * `limitMs`, so a condition that stays false fails the test with a reason.
 */
export async function waitUntil(
	condition: () => boolean,
	limitMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + limitMs;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(
				`condition still false after ${limitMs} ms: ${condition}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
