/** Decoding of JSON request bodies, shared by the MaaS and IAM handlers. */

export type JsonObjectResult =
	| { ok: true; value: Record<string, unknown> }
	| { ok: false; problem: "content-type" | "json"; detail: string };

/** True when the media type is application/json, whatever its parameters. */
export function isJsonContentType(header: string | undefined): boolean {
	const mediaType = header?.split(";")[0]?.trim().toLowerCase();
	return mediaType === "application/json";
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function decodeJsonObject(
	contentType: string | undefined,
	body: Buffer,
): JsonObjectResult {
	if (!isJsonContentType(contentType)) {
		return {
			ok: false,
			problem: "content-type",
			detail: `Content-Type ${JSON.stringify(contentType ?? "")} is not supported; send application/json`,
		};
	}
	let text: string;
	try {
		text = UTF8.decode(body);
	} catch {
		return {
			ok: false,
			problem: "json",
			detail: "the body is not valid UTF-8",
		};
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return { ok: false, problem: "json", detail: reason };
	}
	if (value === null || typeof value !== "object" || Array.isArray(value)) {
		return {
			ok: false,
			problem: "json",
			detail: `the body must be a JSON object, got ${describeJsonType(value)}`,
		};
	}
	return { ok: true, value: value as Record<string, unknown> };
}

function describeJsonType(value: unknown): string {
	if (value === null) {
		return "null";
	}
	return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
