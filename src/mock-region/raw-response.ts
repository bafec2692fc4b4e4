/**
 * Serialises an HTTP/1.1 response by hand, for responses node:http will
 * not send: it drops bodies and Transfer-Encoding on 204
 * (https://www.rfc-editor.org/rfc/rfc9110#section-15.3.5 forbids them).
 */
import { STATUS_CODES } from "node:http";

export function serializeRawResponse(
	status: number,
	headers: ReadonlyArray<readonly [string, string]>,
	body: Buffer,
): Buffer {
	const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}`];
	for (const [name, value] of headers) {
		lines.push(`${name}: ${value}`);
	}
	const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
	return Buffer.concat([head, body]);
}
