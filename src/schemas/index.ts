/**
 * JSON Schema (draft 2020-12) validators for the MaaS custom-endpoint bodies.
 * The schemas live beside this file as `*.schema.json`; each says in its
 * `$comment` which public page it comes from. They are compiled once, when
 * this module loads, in ajv's strict mode, and report every error, not only
 * the first.
 */

import { readFileSync } from "node:fs";
import {
	Ajv2020,
	type ErrorObject,
	type ValidateFunction,
} from "ajv/dist/2020.js";
import formats from "ajv-formats";

export interface SchemaResult {
	valid: boolean;
	/** One entry per violation: "<instancePath> <message>", "/" for the root. */
	errors: string[];
}

/** One custom endpoint as the list returns it (api-maas-0015). */
export interface CustomEndpointInfo {
	id: string;
	endpoint_name: string;
	source?: string;
	/** No enumeration is documented; the console shows "In use". */
	status?: string;
	cbc_status?: string;
	remark?: string;
	rpm?: number | null;
	tpm?: number | null;
	served_model_name?: string;
	model_version_id?: string;
	resident_model_id?: string;
	moderation?: boolean;
	/** Regions add undocumented fields. */
	[extra: string]: unknown;
}

/** The list response body (api-maas-0015). */
export interface EndpointList {
	total: number;
	/** Documented as a string; some regions may send an integer. */
	count: string | number;
	items: CustomEndpointInfo[];
	quantity_limit: number;
	[extra: string]: unknown;
}

/** File names of the schemas, without the directory. */
export const SCHEMA_FILES = [
	"error-body.schema.json",
	"endpoint-info.schema.json",
	"endpoint-list.schema.json",
	"create-endpoint-body.schema.json",
	"edit-endpoint-body.schema.json",
	"control-body.schema.json",
	"iam-token-body.schema.json",
] as const;

export type SchemaFile = (typeof SCHEMA_FILES)[number];

/** Parsed schema documents, keyed by file name. */
export const SCHEMAS: Readonly<Record<SchemaFile, Record<string, unknown>>> =
	Object.freeze(
		Object.fromEntries(
			SCHEMA_FILES.map((file) => [
				file,
				JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8")),
			]),
		) as Record<SchemaFile, Record<string, unknown>>,
	);

/** Creates the ajv instance the schemas compile with: strict, all errors, formats. */
export function createAjv(): Ajv2020 {
	const instance = new Ajv2020({
		strict: true,
		// rpm and tpm are "integer or null" on the Query page.
		allowUnionTypes: true,
		allErrors: true,
	});
	formats.default(instance);
	return instance;
}

const ajv = createAjv();
for (const file of SCHEMA_FILES) ajv.addSchema(SCHEMAS[file]);

function compiled(file: SchemaFile): ValidateFunction {
	const id = SCHEMAS[file].$id;
	const validate = typeof id === "string" ? ajv.getSchema(id) : undefined;
	if (!validate) throw new Error(`schema ${file} has no usable $id`);
	return validate;
}

const validators = Object.fromEntries(
	SCHEMA_FILES.map((file) => [file, compiled(file)]),
) as Record<SchemaFile, ValidateFunction>;

/** Renders one ajv error as "<instancePath> <message>", with the detail ajv omits. */
export function formatSchemaError(error: ErrorObject): string {
	const path = error.instancePath === "" ? "/" : error.instancePath;
	let message = error.message ?? "is invalid";
	const params = error.params as Record<string, unknown>;
	if (error.keyword === "type" && Array.isArray(params.type)) {
		// ajv writes a union as "must be integer,null".
		message = `must be ${params.type.join(" or ")}`;
	} else if (error.keyword === "additionalProperties") {
		message += `: ${JSON.stringify(params.additionalProperty)}`;
	} else if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
		message += `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
	}
	return `${path} ${message}`;
}

function run(file: SchemaFile, value: unknown): SchemaResult {
	const validate = validators[file];
	const valid = validate(value) === true;
	return {
		valid,
		errors: valid ? [] : (validate.errors ?? []).map(formatSchemaError),
	};
}

/** Validates an error body: error_msg and error_code non-empty strings, other fields allowed. */
export function validateErrorBody(value: unknown): SchemaResult {
	return run("error-body.schema.json", value);
}

/** Validates a CustomEndpointInfo: id and endpoint_name required, other fields allowed. */
export function validateEndpointInfo(value: unknown): SchemaResult {
	return run("endpoint-info.schema.json", value);
}

/** Validates a list body: total, count (digits string or integer), items, quantity_limit. */
export function validateEndpointList(value: unknown): SchemaResult {
	return run("endpoint-list.schema.json", value);
}

/** Validates the Create request body (api-maas-0013). */
export function validateCreateBody(value: unknown): SchemaResult {
	return run("create-endpoint-body.schema.json", value);
}

/** Validates the Edit request body (api-maas-0014). */
export function validateEditBody(value: unknown): SchemaResult {
	return run("edit-endpoint-body.schema.json", value);
}

/** Validates the Enable/Disable request body (api-maas-0017). */
export function validateControlBody(value: unknown): SchemaResult {
	return run("control-body.schema.json", value);
}

/** Validates the body of an IAM token response (iam_30_0001). */
export function validateIamTokenBody(value: unknown): SchemaResult {
	return run("iam-token-body.schema.json", value);
}
