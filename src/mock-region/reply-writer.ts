/** Writes a Reply onto a node:http response or, for raw replies, its socket. */
import type { ServerResponse } from "node:http";
import { type ErrorFormat, renderError } from "./error-format.ts";
import { withExtraTopLevelFields } from "./extra-fields.ts";
import { serializeRawResponse } from "./raw-response.ts";
import type { PaddedJsonReply, Reply } from "./reply.ts";

export interface WriteContext {
	requestId: string;
	format: ErrorFormat;
}

const PADDING_CHUNK = Buffer.alloc(64 * 1024, 0x20);

export async function writeReply(
	res: ServerResponse,
	reply: Reply,
	context: WriteContext,
): Promise<void> {
	const requestId = context.requestId;
	switch (reply.kind) {
		case "json": {
			const body = context.format.extraFields
				? withExtraTopLevelFields(reply.body)
				: reply.body;
			const bytes = Buffer.from(JSON.stringify(body));
			res.writeHead(reply.status, {
				"Content-Type": "application/json",
				"Content-Length": bytes.length,
				"X-Request-Id": requestId,
				...reply.headers,
			});
			res.end(bytes);
			return;
		}
		case "empty":
			res.writeHead(reply.status, { "X-Request-Id": requestId });
			res.end();
			return;
		case "error": {
			const rendered = renderError(reply, requestId, context.format);
			res.writeHead(reply.status, {
				"Content-Type": rendered.contentType,
				"Content-Length": rendered.body.length,
				"X-Request-Id": requestId,
			});
			res.end(rendered.body);
			return;
		}
		case "raw": {
			const headers: Array<readonly [string, string]> = [
				...reply.headers,
				["X-Request-Id", requestId],
				["Date", new Date().toUTCString()],
				["Connection", "close"],
			];
			res.socket?.end(serializeRawResponse(reply.status, headers, reply.body));
			return;
		}
		case "padded-json":
			await writePaddedJson(res, reply, context);
			return;
		case "reset":
			res.socket?.resetAndDestroy();
			return;
		case "hang":
			return;
	}
}

/**
 * Streams the JSON and then whitespace in 64 KiB chunks, waiting for
 * 'drain', so a 64 MiB body never sits in memory at once.
 */
async function writePaddedJson(
	res: ServerResponse,
	reply: PaddedJsonReply,
	context: WriteContext,
): Promise<void> {
	const body = context.format.extraFields
		? withExtraTopLevelFields(reply.body)
		: reply.body;
	const head = Buffer.from(JSON.stringify(body));
	const totalBytes = Math.max(reply.totalBytes, head.length);
	res.writeHead(reply.status, {
		"Content-Type": "application/json",
		"Content-Length": totalBytes,
		"X-Request-Id": context.requestId,
	});
	if (!res.write(head) && !(await drained(res))) {
		return;
	}
	let remaining = totalBytes - head.length;
	while (remaining > 0) {
		if (res.destroyed) {
			return;
		}
		const piece =
			remaining >= PADDING_CHUNK.length
				? PADDING_CHUNK
				: PADDING_CHUNK.subarray(0, remaining);
		remaining -= piece.length;
		if (!res.write(piece) && !(await drained(res))) {
			return;
		}
	}
	res.end();
}

/** Resolves true on 'drain', false when the response closes first. */
function drained(res: ServerResponse): Promise<boolean> {
	if (res.destroyed) {
		return Promise.resolve(false);
	}
	return new Promise((resolve) => {
		const onDrain = () => {
			res.off("close", onClose);
			resolve(true);
		};
		const onClose = () => {
			res.off("drain", onDrain);
			resolve(false);
		};
		res.once("drain", onDrain);
		res.once("close", onClose);
	});
}
