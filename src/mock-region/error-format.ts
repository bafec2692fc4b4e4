/**
 * Turns an ErrorReply into a Content-Type and body bytes, applying the
 * error-format deviations and the extraFields option.
 */
import { STATUS_CODES } from "node:http";
import type { DeviationName } from "./deviations.ts";
import { withExtraTopLevelFields } from "./extra-fields.ts";
import type { ErrorReply } from "./reply.ts";

export interface ErrorFormat {
	deviations: ReadonlySet<DeviationName>;
	extraFields: boolean;
}

export interface RenderedError {
	contentType: string;
	body: Buffer;
}

export function renderError(
	reply: ErrorReply,
	requestId: string,
	format: ErrorFormat,
): RenderedError {
	const { deviations } = format;
	if (
		deviations.has("error-html") &&
		reply.status >= 400 &&
		reply.status < 500
	) {
		const title = `${reply.status} ${STATUS_CODES[reply.status] ?? "Error"}`;
		return {
			contentType: "text/html; charset=utf-8",
			body: Buffer.from(`<html><h1>${title}</h1></html>`),
		};
	}

	const fields: Record<string, unknown> = { error_msg: reply.errorMsg };
	if (deviations.has("error-code-not-string")) {
		fields.error_code = numericErrorCode(reply.errorCode);
	} else if (!deviations.has("error-no-error-code")) {
		fields.error_code = reply.errorCode;
	}
	if (reply.gateway) {
		fields.request_id = requestId;
	}
	const object = format.extraFields ? withExtraTopLevelFields(fields) : fields;
	let body = Buffer.from(JSON.stringify(object));
	if (deviations.has("error-truncated-json")) {
		body = body.subarray(0, Math.floor(body.length / 2));
	}
	const contentType = deviations.has("error-text-plain")
		? "text/plain; charset=utf-8"
		: "application/json";
	return { contentType, body };
}

/** "ModelArts.6291" -> 6291, "APIGW.0301" -> 301. */
function numericErrorCode(code: string): number {
	const digits = code.slice(code.lastIndexOf(".") + 1);
	const value = Number.parseInt(digits, 10);
	return Number.isNaN(value) ? 0 : value;
}
