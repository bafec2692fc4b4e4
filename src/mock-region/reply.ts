/**
 * Replies the handlers return. The HTTP server turns each kind into bytes
 * on the wire (see reply-writer.ts), so handlers stay free of socket code.
 */

/** A JSON body; `headers` adds or overrides response headers. */
export interface JsonReply {
	kind: "json";
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

/** A response without body bytes, such as 204. */
export interface EmptyReply {
	kind: "empty";
	status: number;
}

/**
 * An error in the MaaS form `{"error_msg","error_code"}`. Gateway errors
 * (APIGW.*) also carry `request_id`, which equals the X-Request-Id header.
 */
export interface ErrorReply {
	kind: "error";
	status: number;
	errorCode: string;
	errorMsg: string;
	gateway: boolean;
}

/**
 * Bytes written straight to the socket, for responses node:http refuses to
 * send (a body or chunked framing on 204). The connection closes after.
 */
export interface RawReply {
	kind: "raw";
	status: number;
	headers: ReadonlyArray<readonly [string, string]>;
	body: Buffer;
}

/** A JSON body followed by whitespace up to `totalBytes`, streamed. */
export interface PaddedJsonReply {
	kind: "padded-json";
	status: number;
	body: unknown;
	totalBytes: number;
}

/** Reset the connection (TCP RST) without sending a response. */
export interface ResetReply {
	kind: "reset";
}

/** Send nothing and keep the connection open until the mock closes. */
export interface HangReply {
	kind: "hang";
}

export type Reply =
	| JsonReply
	| EmptyReply
	| ErrorReply
	| RawReply
	| PaddedJsonReply
	| ResetReply
	| HangReply;

export function jsonReply(
	status: number,
	body: unknown,
	headers?: Record<string, string>,
): JsonReply {
	return { kind: "json", status, body, ...(headers ? { headers } : {}) };
}

export function emptyReply(status = 204): EmptyReply {
	return { kind: "empty", status };
}
