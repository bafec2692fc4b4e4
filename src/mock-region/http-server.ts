/**
 * The HTTP layer of the mock region: reads bodies with a size limit, waits
 * `delayMs`, catches handler exceptions, writes replies, records a request
 * log and tracks sockets so close() can end every connection.
 */
import { randomBytes } from "node:crypto";
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { badRequest, requestEntityTooLarge } from "./api-errors.ts";
import { Delays } from "./delays.ts";
import { type ErrorFormat, renderError } from "./error-format.ts";
import { serializeRawResponse } from "./raw-response.ts";
import type { Reply } from "./reply.ts";
import { writeReply } from "./reply-writer.ts";
import { RequestLog } from "./request-log.ts";
import type { RequestLogEntry } from "./types.ts";

export interface IncomingRequest {
	method: string;
	/** The request target as sent, query string included. */
	target: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

export type RequestHandler = (
	request: IncomingRequest,
) => Reply | Promise<Reply>;

export interface HttpServerOptions {
	host: string;
	port: number;
	delayMs: number;
	maxBodyBytes: number;
	format: ErrorFormat;
	handle: RequestHandler;
}

export interface RunningHttpServer {
	readonly url: string;
	readonly port: number;
	/** Finished exchanges, in the order they ended. */
	requests(): RequestLogEntry[];
	/** Stops listening and destroys every socket, hanging ones included. */
	close(): Promise<void>;
}

interface ReadBody {
	tooLarge: boolean;
	bytes: Buffer;
}

export async function startHttpServer(
	options: HttpServerOptions,
): Promise<RunningHttpServer> {
	const sockets = new Set<Socket>();
	const delays = new Delays();
	const log = new RequestLog();
	let closing: Promise<void> | undefined;

	const server = createServer((req, res) => {
		void serve(req, res);
	});
	server.on("connection", (socket: Socket) => {
		sockets.add(socket);
		socket.once("close", () => sockets.delete(socket));
	});
	server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
		void rejectUnparsableRequest(error, socket);
	});

	async function serve(req: IncomingMessage, res: ServerResponse) {
		const requestId = randomBytes(16).toString("hex");
		const record = log.begin(req.method ?? "", req.url ?? "");
		let statusWithoutFinish = 0;
		res.once("finish", () => record(res.statusCode));
		res.once("close", () => record(statusWithoutFinish));
		// A client that aborts makes req emit 'error'; the 'close' above
		// records the exchange, so the error needs no further handling.
		req.on("error", () => {});
		res.on("error", () => {});

		let reply: Reply;
		try {
			const body = await readBody(req, options.maxBodyBytes);
			if (body === undefined) {
				return;
			}
			reply = body.tooLarge
				? requestEntityTooLarge(options.maxBodyBytes)
				: await options.handle({
						method: req.method ?? "",
						target: req.url ?? "",
						headers: req.headers,
						body: body.bytes,
					});
		} catch (error) {
			logUnexpectedError(req, requestId, error);
			reply = unexpectedErrorReply(error);
		}

		if (!(await delays.wait(options.delayMs)) || res.destroyed) {
			return;
		}
		if (reply.kind === "raw") {
			statusWithoutFinish = reply.status;
		}
		const context = { requestId, format: options.format };
		try {
			await writeReply(res, reply, context);
		} catch (error) {
			logUnexpectedError(req, requestId, error);
			if (res.headersSent) {
				res.destroy();
			} else {
				await writeReply(res, unexpectedErrorReply(error), context);
			}
		}
	}

	// Node's parser rejected the request (for example raw non-ASCII bytes
	// in the target or headers over 16 KiB). Reply 400 instead of Node's
	// bare default, in the same error format as every other error.
	async function rejectUnparsableRequest(
		error: NodeJS.ErrnoException,
		socket: Socket,
	) {
		if (error.code === "ECONNRESET" || !socket.writable) {
			socket.destroy();
			return;
		}
		const requestId = randomBytes(16).toString("hex");
		const reply = badRequest(
			`the request could not be parsed (${error.code ?? error.message})`,
		);
		const rendered = renderError(reply, requestId, options.format);
		if (!(await delays.wait(options.delayMs)) || !socket.writable) {
			socket.destroy();
			return;
		}
		socket.end(
			serializeRawResponse(
				reply.status,
				[
					["Content-Type", rendered.contentType],
					["Content-Length", String(rendered.body.length)],
					["X-Request-Id", requestId],
					["Date", new Date().toUTCString()],
					["Connection", "close"],
				],
				rendered.body,
			),
		);
	}

	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen({ host: options.host, port: options.port }, () => {
			server.off("error", reject);
			resolve();
		});
	});
	const address = server.address();
	if (address === null || typeof address === "string") {
		throw new Error(`mock region server has no TCP address: ${address}`);
	}
	const hostInUrl =
		address.family === "IPv6" ? `[${address.address}]` : address.address;

	return {
		url: `http://${hostInUrl}:${address.port}`,
		port: address.port,
		requests: () => log.list(),
		close() {
			closing ??= (async () => {
				delays.cancelAll();
				const closed = new Promise<void>((resolve) =>
					server.close(() => resolve()),
				);
				for (const socket of sockets) {
					socket.destroy();
				}
				server.closeAllConnections();
				await closed;
				// Destroyed sockets close their responses a few ticks later; wait
				// so requests() includes those exchanges, but never for long.
				await Promise.race([log.settled(), sleep(1000)]);
			})();
			return closing;
		},
	};
}

/**
 * Collects the body, keeping at most `maxBodyBytes`. A larger body is read
 * to its end and dropped, so the client can read the 413 instead of a reset.
 * Resolves undefined when the client aborts.
 */
function readBody(
	req: IncomingMessage,
	maxBodyBytes: number,
): Promise<ReadBody | undefined> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on("data", (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBodyBytes) {
				tooLarge = true;
				chunks.length = 0;
			} else {
				chunks.push(chunk);
			}
		});
		req.once("end", () => resolve({ tooLarge, bytes: Buffer.concat(chunks) }));
		req.once("close", () => resolve(undefined));
		req.once("error", () => resolve(undefined));
	});
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Logs a handler or writer failure, which is a bug in the mock. */
function logUnexpectedError(
	req: IncomingMessage,
	requestId: string,
	error: unknown,
): void {
	const detail =
		error instanceof Error ? (error.stack ?? error.message) : String(error);
	console.error(
		`mock region: ${req.method} ${req.url} (request ${requestId}) failed: ${detail}`,
	);
}

function unexpectedErrorReply(error: unknown): Reply {
	const detail = error instanceof Error ? error.message : String(error);
	return badRequest(`the mock region failed to handle the request: ${detail}`);
}
