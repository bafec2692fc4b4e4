/**
 * A raw HTTP/1.1 exchange over node:net (http) or node:tls (https), for the
 * checks that must see the bytes a region sends: a forgiving HTTP client
 * hides a body on a 204, a wrong Content-Length or a chunked empty body.
 *
 * The request goes out with `Host`, `Connection: close` and, when there is a
 * body, `Content-Length`. A header of the same name in `headers` replaces
 * the generated one. The response is read as follows:
 * - status 1xx, 204, 304 or a HEAD request: no body is due; stray bytes are
 *   collected for `graceMs` or until the server closes;
 * - `Transfer-Encoding: chunked`: until the terminating chunk, then `graceMs`;
 * - `Content-Length: N`: N bytes, then `graceMs` for bytes beyond them;
 * - otherwise until the server closes.
 * Everything after the header block is kept as received (not de-chunked), up
 * to `maxBodyBytes`. The whole exchange is bounded by `timeoutMs`.
 */

import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import {
	ProtocolError,
	RequestTimeoutError,
	TargetUnreachableError,
} from "../errors.ts";
import { debug } from "../log.ts";
import { redact } from "../redact.ts";
import { trackRequest } from "./request-flow.ts";
import { originOf } from "./request-log.ts";

export interface WireRequest {
	/** Base URL, e.g. "http://127.0.0.1:8080"; a path in it is prefixed to `path`. */
	url: string;
	method: string;
	/** The request target, sent as is (not encoded, not normalised). */
	path: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** Bound on the whole exchange, connect included. */
	timeoutMs: number;
	/** How long to wait for stray bytes after a bodiless or complete response; default 300. */
	graceMs?: number;
	/** Bytes kept after the header block; default 1 MiB. */
	maxBodyBytes?: number;
}

export interface WireExchange {
	/** The request as sent, with credential header values shown as ***. */
	request: { method: string; path: string; headers: Record<string, string> };
	status: number;
	statusText: string;
	/** Response headers in order, names as received. */
	headers: Array<[string, string]>;
	/** Case-insensitive; repeated headers are joined with ", ". */
	header(name: string): string | undefined;
	/** Every byte after the header block, as received (not de-chunked). */
	bodyBytes: Buffer;
	/** Transfer-Encoding names chunked as its last coding. */
	chunked: boolean;
	/** The Content-Length header as received; undefined when absent. */
	contentLength: string | undefined;
	/**
	 * Reason reading stopped:
	 * - "closed": the connection ended, or was cut at maxBodyBytes;
	 * - "framed": the framed body was complete and `graceMs` passed;
	 * - "grace": the response was bodiless and `graceMs` passed;
	 * - "timeout": `timeoutMs` ran out after the headers.
	 */
	ended: "closed" | "framed" | "grace" | "timeout";
	/** True when bytes past maxBodyBytes were dropped. */
	truncated: boolean;
	durationMs: number;
}

const DEFAULT_GRACE_MS = 300;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** A header block larger than this is not a MaaS response. */
const MAX_HEADER_BYTES = 64 * 1024;
const CREDENTIAL_HEADERS = new Set([
	"x-auth-token",
	"x-subject-token",
	"authorization",
]);
const HEADER_END = Buffer.from("\r\n\r\n");

interface Target {
	https: boolean;
	host: string;
	port: number;
	hostHeader: string;
	pathPrefix: string;
}

function parseTarget(url: string): Target {
	let base: URL;
	try {
		base = new URL(url);
	} catch {
		throw new TypeError(
			`wire request URL ${JSON.stringify(url)} is not absolute`,
		);
	}
	if (base.protocol !== "http:" && base.protocol !== "https:") {
		throw new TypeError(
			`wire request URL ${JSON.stringify(url)} is not http(s)`,
		);
	}
	const https = base.protocol === "https:";
	const defaultPort = https ? 443 : 80;
	return {
		https,
		host: base.hostname.replace(/^\[|\]$/g, ""),
		port: base.port ? Number(base.port) : defaultPort,
		hostHeader: base.host,
		pathPrefix: base.pathname === "/" ? "" : base.pathname.replace(/\/$/, ""),
	};
}

/** Lists the headers to send, in order, with same-name user headers replacing generated ones. */
function requestHeaders(
	request: WireRequest,
	target: Target,
): Array<[string, string]> {
	const user = Object.entries(request.headers ?? {});
	const has = (name: string) =>
		user.some(([key]) => key.toLowerCase() === name.toLowerCase());
	const out: Array<[string, string]> = [];
	if (!has("host")) out.push(["Host", target.hostHeader]);
	out.push(...user);
	if (!has("connection")) out.push(["Connection", "close"]);
	if (request.body !== undefined && !has("content-length")) {
		out.push(["Content-Length", String(Buffer.byteLength(request.body))]);
	}
	return out;
}

function masked(headers: Array<[string, string]>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of headers) {
		out[name] = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? "***" : value;
	}
	return out;
}

interface Head {
	status: number;
	statusText: string;
	headers: Array<[string, string]>;
}

function parseHead(block: string, url: string): Head {
	const lines = block.split("\r\n");
	const statusLine = lines.shift() ?? "";
	const match = /^HTTP\/1\.[01] ([0-9]{3})(?: (.*))?$/.exec(statusLine);
	if (!match) {
		throw new ProtocolError(
			redact(
				`${url} answered with the status line ${JSON.stringify(statusLine.slice(0, 120))}, which is not HTTP/1.x`,
			),
		);
	}
	const headers: Array<[string, string]> = [];
	for (const line of lines) {
		const last = headers[headers.length - 1];
		if (/^[ \t]/.test(line) && last) {
			// Obsolete line folding continues the previous value.
			last[1] = `${last[1]} ${line.trim()}`;
			continue;
		}
		const colon = line.indexOf(":");
		if (colon <= 0) {
			throw new ProtocolError(
				redact(
					`${url} sent the header line ${JSON.stringify(line.slice(0, 120))}, which has no name: value form`,
				),
			);
		}
		headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
	}
	return {
		status: Number(match[1]),
		statusText: match[2] ?? "",
		headers,
	};
}

function headerOf(
	headers: Array<[string, string]>,
	name: string,
): string | undefined {
	const lower = name.toLowerCase();
	const values = headers
		.filter(([key]) => key.toLowerCase() === lower)
		.map(([, value]) => value);
	return values.length === 0 ? undefined : values.join(", ");
}

/** Tells whether a chunked body is complete, incomplete, or not chunked framing. */
export function chunkedBodyState(body: Buffer): "done" | "more" | "invalid" {
	let pos = 0;
	for (;;) {
		const lineEnd = body.indexOf("\r\n", pos);
		if (lineEnd < 0) return "more";
		const sizeText = (
			body.toString("latin1", pos, lineEnd).split(";")[0] ?? ""
		).trim();
		if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return "invalid";
		const size = Number.parseInt(sizeText, 16);
		pos = lineEnd + 2;
		if (size === 0) {
			// Optional trailer lines, then an empty line.
			for (;;) {
				const end = body.indexOf("\r\n", pos);
				if (end < 0) return "more";
				if (end === pos) return "done";
				pos = end + 2;
			}
		}
		if (body.length < pos + size + 2) return "more";
		if (body[pos + size] !== 0x0d || body[pos + size + 1] !== 0x0a) {
			return "invalid";
		}
		pos += size + 2;
	}
}

type BodyMode = "none" | "chunked" | "length" | "close";

function bodyMode(
	method: string,
	head: Head,
): { mode: BodyMode; length: number } {
	const { status } = head;
	if (
		method.toUpperCase() === "HEAD" ||
		(status >= 100 && status < 200) ||
		status === 204 ||
		status === 304
	) {
		return { mode: "none", length: 0 };
	}
	if (isChunked(headerOf(head.headers, "transfer-encoding"))) {
		return { mode: "chunked", length: 0 };
	}
	const length = headerOf(head.headers, "content-length");
	if (length !== undefined && /^[0-9]{1,15}$/.test(length.trim())) {
		return { mode: "length", length: Number(length.trim()) };
	}
	return { mode: "close", length: 0 };
}

function isChunked(transferEncoding: string | undefined): boolean {
	if (transferEncoding === undefined) return false;
	const codings = transferEncoding
		.split(",")
		.map((c) => c.trim().toLowerCase());
	return codings[codings.length - 1] === "chunked";
}

/**
 * Sends one request on a fresh connection and returns the raw response.
 * The request is recorded in the run's request log, if there is one.
 */
export async function sendWire(request: WireRequest): Promise<WireExchange> {
	const logged = trackRequest(request.method, {
		origin: originOf(request.url) ?? request.url,
		path: request.path,
	});
	try {
		const exchange = await sendUntracked(request);
		logged({ status: exchange.status });
		return exchange;
	} catch (error) {
		logged({ error });
		throw error;
	}
}

function sendUntracked(request: WireRequest): Promise<WireExchange> {
	const target = parseTarget(request.url);
	const graceMs = request.graceMs ?? DEFAULT_GRACE_MS;
	const maxBodyBytes = request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
	const sentHeaders = requestHeaders(request, target);
	const requestTarget = `${target.pathPrefix}${request.path}`;
	const shownUrl = redact(`${request.url.replace(/\/$/, "")}${request.path}`);
	const head = `${request.method} ${requestTarget} HTTP/1.1\r\n${sentHeaders
		.map(([name, value]) => `${name}: ${value}\r\n`)
		.join("")}\r\n`;
	const bytes =
		request.body === undefined
			? Buffer.from(head, "latin1")
			: Buffer.concat([Buffer.from(head, "latin1"), Buffer.from(request.body)]);
	const startedAt = performance.now();

	return new Promise<WireExchange>((resolve, reject) => {
		let headBuffer = Buffer.alloc(0);
		let parsed: Head | undefined;
		let mode: { mode: BodyMode; length: number } = { mode: "close", length: 0 };
		const body: Buffer[] = [];
		let bodyLength = 0;
		let truncated = false;
		let receivedAny = false;
		let framed = false;
		let settled = false;
		let graceTimer: NodeJS.Timeout | undefined;

		const socket: Socket = target.https
			? tlsConnect({
					host: target.host,
					port: target.port,
					// SNI takes host names only.
					servername: isIP(target.host) ? undefined : target.host,
					ALPNProtocols: ["http/1.1"],
				})
			: netConnect({ host: target.host, port: target.port });

		const deadline = setTimeout(() => {
			if (parsed) finish("timeout");
			else
				fail(
					new RequestTimeoutError(request.method, shownUrl, request.timeoutMs),
				);
		}, request.timeoutMs);

		const cleanup = () => {
			settled = true;
			clearTimeout(deadline);
			if (graceTimer) clearTimeout(graceTimer);
			socket.destroy();
		};
		const fail = (error: Error) => {
			if (settled) return;
			cleanup();
			debug(
				"wire",
				"%s %s failed: %s",
				request.method,
				shownUrl,
				error.message,
			);
			reject(error);
		};
		const finish = (ended: WireExchange["ended"]) => {
			if (settled || !parsed) return;
			cleanup();
			const result = parsed;
			const exchange: WireExchange = {
				request: {
					method: request.method,
					path: request.path,
					headers: masked(sentHeaders),
				},
				status: result.status,
				statusText: result.statusText,
				headers: result.headers,
				header: (name) => headerOf(result.headers, name),
				bodyBytes: Buffer.concat(body),
				chunked: isChunked(headerOf(result.headers, "transfer-encoding")),
				contentLength: headerOf(result.headers, "content-length"),
				ended,
				truncated,
				durationMs: performance.now() - startedAt,
			};
			debug(
				"wire",
				"%s %s -> %d, %d body bytes, ended %s",
				request.method,
				shownUrl,
				exchange.status,
				exchange.bodyBytes.length,
				ended,
			);
			resolve(exchange);
		};
		const startGrace = (ended: "framed" | "grace") => {
			if (graceTimer) return;
			graceTimer = setTimeout(() => finish(ended), graceMs);
		};

		const onBody = (chunk: Buffer) => {
			if (chunk.length > 0) {
				const room = maxBodyBytes - bodyLength;
				if (chunk.length > room) {
					body.push(chunk.subarray(0, room));
					bodyLength += room;
					truncated = true;
					finish("closed");
					return;
				}
				body.push(chunk);
				bodyLength += chunk.length;
			}
			if (framed) return;
			if (mode.mode === "length" && bodyLength >= mode.length) {
				framed = true;
				startGrace("framed");
			} else if (mode.mode === "chunked") {
				const state = chunkedBodyState(Buffer.concat(body));
				if (state === "done") {
					framed = true;
					startGrace("framed");
				} else if (state === "invalid") {
					// Not chunked framing after all: read until the server closes.
					mode = { mode: "close", length: 0 };
				}
			}
		};

		socket.on("data", (chunk: Buffer) => {
			if (settled) return;
			receivedAny = true;
			if (parsed) {
				onBody(chunk);
				return;
			}
			headBuffer = Buffer.concat([headBuffer, chunk]);
			const end = headBuffer.indexOf(HEADER_END);
			if (end < 0) {
				if (headBuffer.length > MAX_HEADER_BYTES) {
					fail(
						new ProtocolError(
							`${shownUrl} sent more than ${MAX_HEADER_BYTES} bytes without ending the header block`,
						),
					);
				}
				return;
			}
			try {
				parsed = parseHead(headBuffer.toString("latin1", 0, end), shownUrl);
			} catch (error) {
				fail(error as Error);
				return;
			}
			mode = bodyMode(request.method, parsed);
			if (mode.mode === "none") startGrace("grace");
			onBody(headBuffer.subarray(end + HEADER_END.length));
		});

		const onClosed = () => {
			if (settled) return;
			if (parsed) {
				finish("closed");
			} else if (!receivedAny) {
				fail(
					new TargetUnreachableError(
						shownUrl,
						`${shownUrl} closed the connection without answering; check that the URL points at an HTTP server`,
					),
				);
			} else {
				fail(
					new ProtocolError(
						`${shownUrl} closed the connection after ${headBuffer.length} bytes, before the header block ended`,
					),
				);
			}
		};
		socket.on("end", onClosed);
		socket.on("close", onClosed);
		socket.on("error", (error: NodeJS.ErrnoException) => {
			if (settled) return;
			if (parsed) {
				// A reset after the headers keeps what arrived.
				finish("closed");
				return;
			}
			const reason = error.code
				? `${error.code}: ${error.message}`
				: error.message;
			fail(
				new TargetUnreachableError(
					shownUrl,
					redact(
						receivedAny
							? `the connection to ${shownUrl} broke after ${headBuffer.length} bytes, before the header block ended (${reason})`
							: `cannot reach ${shownUrl} (${reason}); check the URL and that the server is running`,
					),
					{ cause: error },
				),
			);
		});

		socket.write(bytes);
	});
}

/** Quotes a word for a POSIX shell. */
function shellQuote(word: string): string {
	if (/^[A-Za-z0-9_./:=@%+-]+$/.test(word)) return word;
	return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Renders a curl command that repeats the request, with credential headers
 * shown as *** and the whole line passed through redact.
 */
export function curlFor(request: WireRequest): string {
	const url = `${request.url.replace(/\/$/, "")}${request.path}`;
	const words = ["curl", "-sS", "-i", "-X", shellQuote(request.method)];
	words.push(`'${url.replace(/'/g, `'\\''`)}'`);
	for (const [name, value] of Object.entries(request.headers ?? {})) {
		const shown = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? "***" : value;
		words.push("-H", shellQuote(`${name}: ${shown}`));
	}
	if (request.body !== undefined) {
		words.push("--data-binary", shellQuote(request.body.toString()));
	}
	return redact(words.join(" "));
}
