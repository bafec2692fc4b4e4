/**
 * Type checks for the create and edit bodies. Field rules come from the
 * Create page (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0013.html)
 * and the Edit page (api-maas-0014). A wrong type is ModelArts.0104 with a
 * message that names the field. Unknown fields are ignored.
 */
import { invalidJsonBody, invalidParameter } from "./api-errors.ts";
import type { IncomingRequest } from "./http-server.ts";
import { decodeJsonObject } from "./json-body.ts";
import type { ErrorReply } from "./reply.ts";
import { ENDPOINT_SOURCES, type EndpointSource } from "./types.ts";

export type Checked<T> =
	| { ok: true; value: T }
	| { ok: false; reply: ErrorReply };

/** Fields both the create and the edit body may carry. */
export interface CommonFields {
	remark?: string;
	rpm?: number | null;
	tpm?: number | null;
	moderation?: boolean;
	agreement_id?: string;
}

export interface CreateFields extends CommonFields {
	/** Undefined when the body has no endpoint_name or sets it to null. */
	endpoint_name: string | undefined;
	source: EndpointSource;
	model_name?: string;
}

export interface EditFields extends CommonFields {
	endpoint_name?: string;
}

const MAX_REMARK_LENGTH = 256;

/** Reads a JSON object body; other bodies get ModelArts.0104 or 2115. */
export function readJsonObject(
	request: IncomingRequest,
): Checked<Record<string, unknown>> {
	const decoded = decodeJsonObject(
		request.headers["content-type"],
		request.body,
	);
	if (decoded.ok) {
		return decoded;
	}
	const reply =
		decoded.problem === "content-type"
			? invalidParameter(decoded.detail)
			: invalidJsonBody(decoded.detail);
	return { ok: false, reply };
}

export function checkCreateFields(
	body: Record<string, unknown>,
): Checked<CreateFields> {
	const prefix = "CreateCustomEndpointReq";
	const name = body.endpoint_name;
	if (name !== undefined && name !== null && typeof name !== "string") {
		return fail(`${prefix}.endpoint_name must be a string`);
	}
	const source = body.source ?? "custom_from_maas";
	if (!ENDPOINT_SOURCES.includes(source as EndpointSource)) {
		return fail(
			`${prefix}.source ${JSON.stringify(source)} is invalid; use ${ENDPOINT_SOURCES.join(" or ")}`,
		);
	}
	const modelName = body.model_name;
	if (modelName !== undefined && typeof modelName !== "string") {
		return fail(`${prefix}.model_name must be a string`);
	}
	const common = checkCommonFields(body, prefix);
	if (!common.ok) {
		return common;
	}
	return {
		ok: true,
		value: {
			...common.value,
			endpoint_name: name ?? undefined,
			source: source as EndpointSource,
			...(modelName === undefined ? {} : { model_name: modelName }),
		},
	};
}

export function checkEditFields(
	body: Record<string, unknown>,
): Checked<EditFields> {
	const prefix = "UpdateCustomEndpointReq";
	const name = body.endpoint_name;
	if (name !== undefined && typeof name !== "string") {
		return fail(`${prefix}.endpoint_name must be a string`);
	}
	const common = checkCommonFields(body, prefix);
	if (!common.ok) {
		return common;
	}
	return {
		ok: true,
		value: {
			...common.value,
			...(name === undefined ? {} : { endpoint_name: name }),
		},
	};
}

function checkCommonFields(
	body: Record<string, unknown>,
	prefix: string,
): Checked<CommonFields> {
	const fields: CommonFields = {};
	for (const key of ["rpm", "tpm"] as const) {
		const value = body[key];
		if (value === undefined) {
			continue;
		}
		if (
			value !== null &&
			!(Number.isSafeInteger(value) && (value as number) >= 0)
		) {
			return fail(
				`${prefix}.${key} must be a non-negative integer or null, got ${JSON.stringify(value)}`,
			);
		}
		fields[key] = value as number | null;
	}
	const remark = body.remark;
	if (remark !== undefined) {
		if (typeof remark !== "string") {
			return fail(`${prefix}.remark must be a string`);
		}
		const length = [...remark].length;
		if (length > MAX_REMARK_LENGTH) {
			return fail(
				`${prefix}.remark has ${length} characters; the maximum is ${MAX_REMARK_LENGTH}`,
			);
		}
		fields.remark = remark;
	}
	const moderation = body.moderation;
	if (moderation !== undefined) {
		if (typeof moderation !== "boolean") {
			return fail(`${prefix}.moderation must be a boolean`);
		}
		fields.moderation = moderation;
	}
	const agreementId = body.agreement_id;
	if (agreementId !== undefined) {
		if (typeof agreementId !== "string") {
			return fail(`${prefix}.agreement_id must be a string`);
		}
		fields.agreement_id = agreementId;
	}
	return { ok: true, value: fields };
}

function fail(message: string): { ok: false; reply: ErrorReply } {
	return { ok: false, reply: invalidParameter(message) };
}
