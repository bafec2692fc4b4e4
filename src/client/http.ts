/**
 * One HTTP exchange over undici `request()`, shared by MaasClient and the IAM
 * login: an overall deadline per request (a region that sends headers and
 * then stalls the body still times out), raw body bytes read here up to a
 * cap, and undici's errors mapped to the project's error classes.
 */

import type { Readable } from "node:stream";
import { type Agent, type Dispatcher, request } from "undici";
import {
	isMaasError,
	ProtocolError,
	RequestTimeoutError,
	TargetUnreachableError,
} from "../errors.ts";
import { redact } from "../redact.ts";
import { type RequestTarget, trackRequest } from "./request-flow.ts";

export type Headers = Record<string, string | string[] | undefined>;

export interface RawResponse {
	status: number;
	headers: Headers;
	bytes: Buffer;
}

export interface SendOptions {
	agent: Agent;
	method: Dispatcher.HttpMethod;
	url: string;
	headers: Record<string, string>;
	body?: string;
	timeoutMs: number;
	maxBodyBytes: number;
}

/** Connection-level failures: nothing usable came back. */
const UNREACHABLE_CODES = new Set([
	"ECONNREFUSED",
	"ECONNRESET",
	"ECONNABORTED",
	"EPIPE",
	"ENOTFOUND",
	"EAI_AGAIN",
	"EHOSTUNREACH",
	"ENETUNREACH",
	"EADDRNOTAVAIL",
	"ETIMEDOUT",
	"UND_ERR_SOCKET",
	"UND_ERR_CLOSED",
	"UND_ERR_CONNECT_TIMEOUT",
	"ERR_TLS_CERT_ALTNAME_INVALID",
	"CERT_HAS_EXPIRED",
	"DEPTH_ZERO_SELF_SIGNED_CERT",
	"SELF_SIGNED_CERT_IN_CHAIN",
	"UNABLE_TO_VERIFY_LEAF_SIGNATURE",
	"UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

/** The response broke HTTP framing. */
const PROTOCOL_CODES = new Set([
	"UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
	"UND_ERR_HEADERS_OVERFLOW",
	"UND_ERR_INFO",
]);

const TIMEOUT_CODES = new Set([
	"UND_ERR_HEADERS_TIMEOUT",
	"UND_ERR_BODY_TIMEOUT",
]);

/** First value of a header, as undici reports it (lower-case names). */
export function headerValue(
	headers: Headers,
	name: string,
): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * Sends one request and reads the whole body; throws the project's errors.
 * The request is recorded in the run's request log, if there is one.
 */
export async function send(options: SendOptions): Promise<RawResponse> {
	const logged = trackRequest(options.method, targetOf(options.url));
	try {
		const response = await sendUntracked(options);
		logged({ status: response.status });
		return response;
	} catch (error) {
		logged({ error });
		throw error;
	}
}

/** Splits `url` into origin and path with query; text that is no URL is both. */
function targetOf(url: string): RequestTarget {
	try {
		const { origin, pathname, search } = new URL(url);
		return { origin, path: `${pathname}${search}` };
	} catch {
		return { origin: url, path: url };
	}
}

async function sendUntracked(options: SendOptions): Promise<RawResponse> {
	const shownUrl = redact(options.url);
	const controller = new AbortController();
	const timeoutError = new RequestTimeoutError(
		options.method,
		shownUrl,
		options.timeoutMs,
	);
	const timer = setTimeout(
		() => controller.abort(timeoutError),
		options.timeoutMs,
	);
	try {
		const response = await request(options.url, {
			method: options.method,
			headers: options.headers,
			body: options.body,
			dispatcher: options.agent,
			signal: controller.signal,
			headersTimeout: options.timeoutMs,
			bodyTimeout: options.timeoutMs,
		});
		const bytes = await readCapped(
			response.body,
			response.headers,
			options.maxBodyBytes,
			response.statusCode,
			`${options.method} ${shownUrl}`,
		);
		return {
			status: response.statusCode,
			headers: response.headers,
			bytes,
		};
	} catch (error) {
		if (controller.signal.aborted) throw timeoutError;
		throw mapError(error, options.method, shownUrl, options.timeoutMs);
	} finally {
		clearTimeout(timer);
	}
}

async function readCapped(
	body: Readable,
	headers: Headers,
	maxBodyBytes: number,
	status: number,
	what: string,
): Promise<Buffer> {
	const tooLarge = () =>
		new ProtocolError(
			`${what} returned ${status} with a response body that exceeds ${maxBodyBytes} bytes; raise maxBodyBytes if such bodies are expected`,
			status,
		);
	// Destroying an unread undici body emits an AbortError; the reason is
	// already thrown as a ProtocolError, so that event needs a listener.
	body.on("error", () => undefined);
	const declared = Number(headerValue(headers, "content-length"));
	if (Number.isFinite(declared) && declared > maxBodyBytes) {
		body.destroy();
		throw tooLarge();
	}
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of body) {
		const buffer = chunk as Buffer;
		total += buffer.length;
		if (total > maxBodyBytes) {
			body.destroy();
			throw tooLarge();
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks);
}

function mapError(
	error: unknown,
	method: string,
	url: string,
	timeoutMs: number,
): unknown {
	if (isMaasError(error)) return error;
	if (!(error instanceof Error)) return error;
	const code = (error as NodeJS.ErrnoException).code;
	if (code && TIMEOUT_CODES.has(code)) {
		return new RequestTimeoutError(method, url, timeoutMs);
	}
	if (
		error.name === "HTTPParserError" ||
		code?.startsWith("HPE_") ||
		(code && PROTOCOL_CODES.has(code))
	) {
		const hint =
			code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"
				? "; a 204 or 304 must not announce body bytes, and other answers must send as many as Content-Length says"
				: "";
		return new ProtocolError(
			redact(
				`${method} ${url} returned a response that breaks HTTP/1.1 (${code ?? error.name}: ${error.message})${hint}`,
			),
			undefined,
			undefined,
			{ cause: error },
		);
	}
	const errno = error as NodeJS.ErrnoException;
	if (
		code &&
		(UNREACHABLE_CODES.has(code) ||
			code.startsWith("ERR_SSL_") ||
			code.startsWith("ERR_TLS_") ||
			errno.syscall === "connect" ||
			errno.syscall === "getaddrinfo")
	) {
		return new TargetUnreachableError(
			url,
			redact(
				`${method} ${url} failed to connect or lost the connection (${code}: ${error.message}); check the URL and that the region is reachable from here`,
			),
			{ cause: error },
		);
	}
	return error;
}
