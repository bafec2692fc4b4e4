/**
 * A TCP proxy on 127.0.0.1 for tests of the verify stage's lanes: it passes
 * bytes to and from a region unchanged (a 204 with a body stays malformed)
 * and applies rules to the requests. A rule can hold a request until
 * something happens, or reset its connection without forwarding it.
 *
 * A chunk from the client that starts with an HTTP/1.1 request line starts
 * a request. Clients of this project write each request's head in one
 * chunk and do not pipeline, so that is where every request starts.
 */

import { connect, createServer, type Socket } from "node:net";

export interface ProxiedRequest {
	method: string;
	/** The request target as sent, query string included. */
	path: string;
}

/**
 * A rule's decision for a request: undefined forwards it at once (or lets
 * the next rule decide), a promise forwards it once it resolves, and
 * "reset" ends the connection with a TCP reset and forwards nothing.
 */
export type RequestRule = (
	request: ProxiedRequest,
) => Promise<void> | "reset" | undefined;

export interface HoldingProxy {
	/** Base URL to use as the region's endpoint. */
	url: string;
	/** Every request that arrived, in order. */
	seen: ProxiedRequest[];
	/** Destroys every connection, held ones included, and stops listening. */
	close(): Promise<void>;
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/;

/** Starts a proxy to `upstream` (http://127.0.0.1:PORT); the first rule that decides wins. */
export async function startHoldingProxy(
	upstream: string,
	rules: readonly RequestRule[],
): Promise<HoldingProxy> {
	const target = new URL(upstream);
	const sockets = new Set<Socket>();
	const seen: ProxiedRequest[] = [];
	const track = (socket: Socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
	};

	const server = createServer((client) => {
		track(client);
		const region = connect({
			host: target.hostname,
			port: Number(target.port),
		});
		track(region);
		region.pipe(client);
		client.on("error", () => region.destroy());
		client.on("close", () => region.destroy());
		region.on("error", () => client.destroy());

		// Chunks are forwarded in arrival order, so a held request also delays
		// the later ones of its connection.
		let forwarded: Promise<void> = Promise.resolve();
		client.on("data", (chunk: Buffer) => {
			const line = REQUEST_LINE.exec(
				chunk.toString("latin1", 0, Math.min(chunk.length, 4096)),
			);
			let decision: Promise<void> | "reset" | undefined;
			if (line) {
				const request = { method: line[1] as string, path: line[2] as string };
				seen.push(request);
				for (const rule of rules) {
					decision = rule(request);
					if (decision !== undefined) break;
				}
			}
			forwarded = forwarded.then(async () => {
				if (decision === "reset") {
					client.resetAndDestroy();
					region.destroy();
					return;
				}
				await decision;
				if (!region.destroyed) region.write(chunk);
			});
		});
		client.on("end", () => {
			forwarded = forwarded.then(() => {
				region.end();
			});
		});
	});

	await new Promise<void>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve()),
	);
	const address = server.address();
	if (address === null || typeof address === "string") {
		throw new Error("the holding proxy has no TCP address");
	}
	return {
		url: `http://127.0.0.1:${address.port}`,
		seen,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

export interface Hold {
	rule: RequestRule;
	/** Resolves with the held request once it arrived. */
	arrived: Promise<ProxiedRequest>;
	/** Lets the held request go on. */
	release(): void;
}

/** Holds the first request that `matches` until `release()`; later ones pass. */
export function holdFirst(matches: (request: ProxiedRequest) => boolean): Hold {
	let heldOne = false;
	let arrive: (request: ProxiedRequest) => void = () => undefined;
	let release: () => void = () => undefined;
	const arrived = new Promise<ProxiedRequest>((resolve) => {
		arrive = resolve;
	});
	const released = new Promise<void>((resolve) => {
		release = resolve;
	});
	return {
		rule: (request) => {
			if (heldOne || !matches(request)) return undefined;
			heldOne = true;
			arrive(request);
			return released;
		},
		arrived,
		release: () => release(),
	};
}

export interface Pair {
	rule: RequestRule;
	/** True once a second request arrived while the first was held. */
	paired(): boolean;
}

/**
 * Holds the first request that `matches` until a second one that matches
 * arrives; both then go on, and so do all later ones. A client that sends
 * such requests one after another waits for the first until it gives up.
 */
export function pairFirstTwo(
	matches: (request: ProxiedRequest) => boolean,
): Pair {
	let count = 0;
	let open: () => void = () => undefined;
	const opened = new Promise<void>((resolve) => {
		open = resolve;
	});
	return {
		rule: (request) => {
			if (!matches(request)) return undefined;
			count += 1;
			if (count === 1) return opened;
			open();
			return undefined;
		},
		paired: () => count >= 2,
	};
}

/** Resets the connection of the first request that `matches`, unforwarded. */
export function resetFirst(
	matches: (request: ProxiedRequest) => boolean,
): RequestRule {
	let done = false;
	return (request) => {
		if (done || !matches(request)) return undefined;
		done = true;
		return "reset";
	};
}
