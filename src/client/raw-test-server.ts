/**
 * A TCP server on 127.0.0.1 for tests that must send exact bytes, including
 * malformed HTTP that node:http refuses to produce. Each connection's request
 * (head plus a Content-Length body) is collected, then `respond` decides
 * what to write.
 */

import { createServer, type Server, type Socket } from "node:net";

export interface RawRequest {
	method: string;
	target: string;
	/** Header names lower-cased. */
	headers: Record<string, string>;
	head: string;
	body: Buffer;
}

export interface RawTestServer {
	url: string;
	port: number;
	requests: RawRequest[];
	close(): Promise<void>;
}

export type Responder = (socket: Socket, request: RawRequest) => void;

/** Writes `bytes` and closes the connection. */
export function reply(bytes: string | Buffer): Responder {
	return (socket) => {
		socket.end(bytes);
	};
}

export async function startRawServer(
	respond: Responder,
): Promise<RawTestServer> {
	const sockets = new Set<Socket>();
	const requests: RawRequest[] = [];
	const server: Server = createServer((socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
		socket.on("error", () => undefined);
		let buffer = Buffer.alloc(0);
		let answered = false;
		socket.on("data", (chunk: Buffer) => {
			if (answered) return;
			buffer = Buffer.concat([buffer, chunk]);
			const end = buffer.indexOf("\r\n\r\n");
			if (end < 0) return;
			const head = buffer.toString("latin1", 0, end);
			const [requestLine = "", ...lines] = head.split("\r\n");
			const headers: Record<string, string> = {};
			for (const line of lines) {
				const colon = line.indexOf(":");
				headers[line.slice(0, colon).trim().toLowerCase()] = line
					.slice(colon + 1)
					.trim();
			}
			const length = Number(headers["content-length"] ?? "0");
			const body = buffer.subarray(end + 4);
			if (body.length < length) return;
			answered = true;
			const [method = "", target = ""] = requestLine.split(" ");
			const request = { method, target, headers, head, body };
			requests.push(request);
			respond(socket, request);
		});
	});
	await new Promise<void>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve()),
	);
	const address = server.address();
	if (address === null || typeof address === "string") {
		throw new Error("raw test server has no TCP address");
	}
	return {
		url: `http://127.0.0.1:${address.port}`,
		port: address.port,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
