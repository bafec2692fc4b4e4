/** Deviation cases for DELETE; deviations.test.ts runs them. */
import { connect } from "node:net";
import { expect } from "vitest";
import type { DeviationCase } from "./deviation-case.ts";
import type { DeviationName } from "./deviations.ts";
import {
	basePath,
	createEndpoint,
	endpointPath,
	listEndpoints,
	rawExchange,
	rawRequest,
	send,
	splitRaw,
	waitUntil,
} from "./test-helpers.ts";

const NEVER_CREATED = "3f1c9a52-7d4e-4b8a-9c61-0e2d5b7a8f93";

export const deleteDeviationCases = {
	"delete-200-json": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
		);
		expect(result.status).toBe(200);
		expect(result.headers["content-type"]).toBe("application/json");
		expect(result.json()).toEqual({ result: "deleted" });
		expect(region.endpoints()).toEqual([]);
	},

	"delete-204-body": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const exchange = await rawExchange(
			region,
			rawRequest(region, "DELETE", endpointPath(region, created.id)),
		);
		const { head, body } = splitRaw(exchange.text);
		expect(head).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
		expect(head).toMatch(/\r\nContent-Length: 2(\r\n|$)/);
		expect(body).toBe("{}");
		expect(region.endpoints()).toEqual([]);
	},

	"delete-204-chunked": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const exchange = await rawExchange(
			region,
			rawRequest(region, "DELETE", endpointPath(region, created.id)),
		);
		const { head, body } = splitRaw(exchange.text);
		expect(head).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
		expect(head).toMatch(/\r\nTransfer-Encoding: chunked(\r\n|$)/);
		expect(body).toBe("0\r\n\r\n");
		expect(region.endpoints()).toEqual([]);
	},

	"delete-204-wrong-length": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const exchange = await rawExchange(
			region,
			rawRequest(region, "DELETE", endpointPath(region, created.id)),
		);
		const { head, body } = splitRaw(exchange.text);
		expect(head).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
		expect(head).toMatch(/\r\nContent-Length: 5(\r\n|$)/);
		expect(body).toBe("");
		expect(region.endpoints()).toEqual([]);
	},

	"delete-keeps-endpoint": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
		);
		expect(result.status).toBe(204);
		expect((await listEndpoints(region)).items).toEqual([created]);
	},

	"delete-repeat-accepted": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		await send(region, "DELETE", endpointPath(region, created.id));
		expect((await listEndpoints(region)).items).toEqual([]);
		const again = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
		);
		expect(again.status).toBe(204);
		expect(again.text).toBe("");
	},

	"delete-unknown-accepted": async (start) => {
		const region = await start();
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, NEVER_CREATED),
		);
		expect(result.status).toBe(204);
	},

	"delete-unknown-500": async (start) => {
		const region = await start();
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, NEVER_CREATED),
		);
		expect(result.status).toBe(500);
		expect(result.headers["content-type"]).toBe("application/json");
		expect(typeof result.json().error_code).toBe("string");
	},

	"delete-without-token": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
			{
				token: null,
			},
		);
		expect(result.status).toBe(204);
		expect(region.endpoints()).toEqual([]);
	},

	"delete-any-token": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, created.id),
			{
				token: "forged-token",
			},
		);
		expect(result.status).toBe(204);
		expect(region.endpoints()).toEqual([]);
	},

	"delete-ignores-project": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const path = `${basePath(region, "0".repeat(32))}/endpoint/${created.id}`;
		const result = await send(region, "DELETE", path);
		expect(result.status).toBe(204);
		expect(region.endpoints()).toEqual([]);
	},

	"delete-malformed-id-500": async (start) => {
		const region = await start();
		const result = await send(
			region,
			"DELETE",
			endpointPath(region, "not-a-uuid"),
		);
		expect(result.status).toBe(500);
		const unknownUuid = await send(
			region,
			"DELETE",
			endpointPath(region, NEVER_CREATED),
		);
		expect(unknownUuid.json().error_code).toBe("ModelArts.6291");
	},

	"delete-reset": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const exchange = await rawExchange(
			region,
			rawRequest(region, "DELETE", endpointPath(region, created.id)),
		);
		expect(exchange.bytes.length).toBe(0);
		expect(exchange.reset).toBe(true);
		expect(region.endpoints()).toEqual([]);
		await waitUntil(() => region.requests().length === 2);
		expect(region.requests()[1]?.status).toBe(0);
	},

	"delete-never-responds": async (start) => {
		const region = await start();
		const created = await createEndpoint(region, "victim");
		const { hostname, port } = new URL(region.url);
		let received = 0;
		const socket = connect({ host: hostname, port: Number(port) });
		socket.on("data", (chunk: Buffer) => {
			received += chunk.length;
		});
		socket.on("error", () => {});
		let isClosed = false;
		const closed = new Promise<void>((resolve) =>
			socket.on("close", () => {
				isClosed = true;
				resolve();
			}),
		);
		socket.write(
			rawRequest(region, "DELETE", endpointPath(region, created.id)),
		);
		await waitUntil(
			() =>
				region.endpoints().length === 0 ||
				region.requests().some((entry) => entry.method === "DELETE"),
		);
		// A later exchange completes, so the server is alive and the DELETE
		// reply, had there been one, would have arrived before this one.
		expect((await listEndpoints(region)).total).toBe(0);
		expect(received).toBe(0);
		expect(isClosed).toBe(false);
		await region.close();
		await closed;
		expect(received).toBe(0);
	},
} satisfies Partial<Record<DeviationName, DeviationCase>>;
