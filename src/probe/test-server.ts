/**
 * A TCP server on 127.0.0.1 for the probe framework's own tests: it responds to
 * every request with exact bytes (also ones node:http will not send),
 * resets the connection, or never responds.
 */

import { createServer, type Socket } from "node:net";

export type Behaviour = string | Buffer | "reset" | "hang";

export interface TestServer {
	url: string;
	/** Request heads received, in order. */
	requests: string[];
	close(): Promise<void>;
}

/** Starts a server that responds to each request with `behaviour(requestHead)`. */
export async function startTestServer(
	behaviour: Behaviour | ((head: string) => Behaviour),
): Promise<TestServer> {
	const sockets = new Set<Socket>();
	const requests: string[] = [];
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
		socket.on("error", () => undefined);
		let buffer = Buffer.alloc(0);
		socket.on("data", (chunk: Buffer) => {
			buffer = Buffer.concat([buffer, chunk]);
			const end = buffer.indexOf("\r\n\r\n");
			if (end < 0) return;
			const head = buffer.toString("latin1", 0, end);
			buffer = Buffer.alloc(0);
			requests.push(head);
			const action =
				typeof behaviour === "function" ? behaviour(head) : behaviour;
			if (action === "reset") socket.resetAndDestroy();
			else if (action !== "hang") socket.end(action);
		});
	});
	await new Promise<void>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve()),
	);
	const address = server.address();
	if (address === null || typeof address === "string") {
		throw new Error("test server has no TCP address");
	}
	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
