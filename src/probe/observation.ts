/**
 * One request a probe sent and what came back, in a single shape whether the
 * request went through `sendWire` (raw bytes) or through the MaasClient.
 * Checks judge observations; failure messages render them.
 */

import type { WireExchange, WireRequest } from "../client/wire.ts";
import { ApiError, isMaasError, ProtocolError } from "../errors.ts";

export interface SentRequest {
	method: string;
	/** The request target as sent, query string included. */
	path: string;
	/** A curl line that repeats the request, token masked. */
	curl: string;
}

export interface Observation {
	sent: SentRequest;
	/** The reason no usable response came (timeout, reset, connection refused); undefined when one did. */
	failure?: string;
	/** The MaasError code behind `failure`, when there is one. */
	failureCode?: string;
	status?: number;
	contentType?: string;
	headers: Array<[string, string]>;
	/** The body bytes as received on the wire (chunk framing included). */
	rawBody: Buffer;
	/** The body after removing chunk framing. */
	body: Buffer;
	/** `body` parsed as JSON, when it is JSON. */
	json?: unknown;
	/** The parse error of `body`, when it is neither empty nor JSON. */
	jsonError?: string;
	/** error_code of a JSON body, as text (a number is shown as its digits). */
	errorCode?: string;
	requestId?: string;
	/** The raw exchange, for checks that need its framing. */
	wire?: WireExchange;
}

/** Builds the observation of a response that `sendWire` read. */
export function fromWire(
	sent: SentRequest,
	exchange: WireExchange,
): Observation {
	const body = exchange.chunked
		? (dechunk(exchange.bodyBytes) ?? exchange.bodyBytes)
		: framed(exchange.bodyBytes, exchange.contentLength);
	return withBody(
		{
			sent,
			status: exchange.status,
			contentType: exchange.header("content-type"),
			headers: exchange.headers,
			rawBody: exchange.bodyBytes,
			body,
			wire: exchange,
		},
		exchange.header("x-request-id"),
	);
}

/** Builds the observation of a request that got no usable response. */
export function fromFailure(
	sent: SentRequest,
	error: unknown,
	timeoutMs: number,
): Observation {
	if (error instanceof ApiError) {
		const { details } = error;
		const bytes = Buffer.from(details.rawText, "utf8");
		return withBody(
			{
				sent,
				status: details.status,
				contentType: details.contentType,
				headers: [],
				rawBody: bytes,
				body: bytes,
			},
			details.requestId,
		);
	}
	const code = isMaasError(error) ? error.code : undefined;
	const message = error instanceof Error ? error.message : String(error);
	let failure: string;
	switch (code) {
		case "MAAS_REQUEST_TIMEOUT":
			failure = `no complete response within ${timeoutMs} ms (MAAS_REQUEST_TIMEOUT_MS)`;
			break;
		case "MAAS_TARGET_UNREACHABLE":
			failure = `the connection failed or was reset before a response: ${message}`;
			break;
		case "MAAS_PROTOCOL_ERROR":
			failure = `the response broke the protocol: ${message}`;
			break;
		default:
			failure = `the request failed: ${message}`;
	}
	const raw =
		error instanceof ProtocolError && error.rawText !== undefined
			? Buffer.from(error.rawText, "utf8")
			: Buffer.alloc(0);
	return {
		sent,
		failure,
		...(code === undefined ? {} : { failureCode: code }),
		...(error instanceof ProtocolError && error.status !== undefined
			? { status: error.status }
			: {}),
		headers: [],
		rawBody: raw,
		body: raw,
	};
}

/** Builds the observation of a successful MaasClient call. */
export function fromClientResponse(
	sent: SentRequest,
	response: {
		status: number;
		headers: Record<string, string | string[] | undefined>;
		requestId: string | undefined;
		body: unknown;
	},
): Observation {
	const headers: Array<[string, string]> = [];
	for (const [name, value] of Object.entries(response.headers)) {
		if (value === undefined) continue;
		for (const item of Array.isArray(value) ? value : [value]) {
			headers.push([name, item]);
		}
	}
	const text = response.body === undefined ? "" : JSON.stringify(response.body);
	const bytes = Buffer.from(text ?? "", "utf8");
	const contentType = headers.find(
		([name]) => name.toLowerCase() === "content-type",
	)?.[1];
	return withBody(
		{
			sent,
			status: response.status,
			...(contentType === undefined ? {} : { contentType }),
			headers,
			rawBody: bytes,
			body: bytes,
		},
		response.requestId,
	);
}

/** Describes a WireRequest: its method, path and curl reproduction. */
export function sentRequest(
	request: WireRequest,
	curl: (request: WireRequest) => string,
): SentRequest {
	return { method: request.method, path: request.path, curl: curl(request) };
}

/**
 * Renders the first `limit` bytes of `body` as text with control characters
 * escaped (\n, \r, \t, \xNN), so a message keeps its lines and no raw
 * control byte reaches a terminal or an XML report.
 */
export function bodyPreview(body: Buffer, limit = 200): string {
	if (body.length === 0) return "(empty)";
	const text = new TextDecoder("utf-8", { fatal: false }).decode(
		body.subarray(0, limit),
	);
	const escaped = text.replace(
		// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
		/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
		(char) => {
			if (char === "\n") return "\\n";
			if (char === "\r") return "\\r";
			if (char === "\t") return "\\t";
			const code = char.charCodeAt(0);
			return code > 0xff
				? `\\u${code.toString(16).padStart(4, "0")}`
				: `\\x${code.toString(16).padStart(2, "0")}`;
		},
	);
	const more = body.length > limit ? ` ... (${body.length} bytes)` : "";
	return `${escaped}${more}`;
}

/**
 * Removes HTTP/1.1 chunk framing. Returns undefined when the bytes are not
 * well-formed chunks, so the caller can fall back to the raw bytes.
 */
export function dechunk(raw: Buffer): Buffer | undefined {
	const parts: Buffer[] = [];
	let offset = 0;
	for (;;) {
		const lineEnd = raw.indexOf("\r\n", offset);
		if (lineEnd < 0) return undefined;
		const sizeText = raw
			.subarray(offset, lineEnd)
			.toString("latin1")
			.split(";")[0]
			?.trim();
		if (!sizeText || !/^[0-9a-fA-F]+$/.test(sizeText)) return undefined;
		const size = Number.parseInt(sizeText, 16);
		const start = lineEnd + 2;
		if (size === 0) return Buffer.concat(parts);
		if (start + size + 2 > raw.length) return undefined;
		parts.push(raw.subarray(start, start + size));
		if (raw.toString("latin1", start + size, start + size + 2) !== "\r\n") {
			return undefined;
		}
		offset = start + size + 2;
	}
}

function framed(bytes: Buffer, contentLength: string | undefined): Buffer {
	if (contentLength === undefined || !/^\d+$/.test(contentLength.trim())) {
		return bytes;
	}
	const length = Number(contentLength.trim());
	return bytes.length > length ? bytes.subarray(0, length) : bytes;
}

function withBody(
	observation: Observation,
	headerRequestId: string | undefined,
): Observation {
	const result = { ...observation };
	if (result.body.length > 0) {
		try {
			result.json = JSON.parse(result.body.toString("utf8"));
		} catch (error) {
			result.jsonError = error instanceof Error ? error.message : String(error);
		}
	}
	const json = result.json;
	if (typeof json === "object" && json !== null && !Array.isArray(json)) {
		const record = json as Record<string, unknown>;
		const code = record.error_code;
		if (typeof code === "string" || typeof code === "number") {
			result.errorCode = String(code);
		}
		if (typeof record.request_id === "string" && !headerRequestId) {
			result.requestId = record.request_id;
		}
	}
	if (headerRequestId) result.requestId = headerRequestId;
	return result;
}
