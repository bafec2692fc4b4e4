import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import {
	createAjv,
	SCHEMA_FILES,
	SCHEMAS,
	validateControlBody,
	validateCreateBody,
	validateEditBody,
	validateEndpointInfo,
	validateEndpointList,
	validateErrorBody,
	validateIamTokenBody,
} from "./index.ts";

const folder = fileURLToPath(new URL(".", import.meta.url));

const INFO = {
	id: "e-1",
	source: "custom_from_maas",
	status: "In use",
	cbc_status: "normal",
	endpoint_name: "conformance-abcd1234-1",
	remark: "",
	rpm: 100,
	tpm: null,
	served_model_name: "m",
	model_version_id: "v",
	resident_model_id: "r",
	moderation: true,
};

describe("schema files", () => {
	test("every *.schema.json in the folder is loaded", () => {
		const files = readdirSync(folder).filter((f) => f.endsWith(".schema.json"));
		expect(new Set(files)).toEqual(new Set(SCHEMA_FILES));
	});

	test.each(SCHEMA_FILES)(
		"%s is kebab-case draft 2020-12 with $id, title and a sourced $comment",
		(file) => {
			expect(file).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.schema\.json$/);
			const schema = SCHEMAS[file];
			expect(schema.$schema).toBe(
				"https://json-schema.org/draft/2020-12/schema",
			);
			expect(String(schema.$id).endsWith(`/${file}`)).toBe(true);
			expect(typeof schema.title).toBe("string");
			expect(String(schema.$comment)).toMatch(
				/https:\/\/support\.huaweicloud\.com\//,
			);
		},
	);

	test("the validators compile in strict mode: an unknown keyword fails", () => {
		expect(() =>
			createAjv().compile({ type: "object", requird: ["x"] }),
		).toThrow(/unknown keyword/);
		expect(() =>
			createAjv().compile({ type: "string", format: "no-such-format" }),
		).toThrow(/unknown format/);
	});
});

describe("validateErrorBody", () => {
	test("accepts error_msg and error_code with extra fields", () => {
		expect(
			validateErrorBody({
				error_msg: "Incorrect IAM authentication information",
				error_code: "APIGW.0301",
				request_id: "r-1",
				extra: 1,
			}),
		).toEqual({ valid: true, errors: [] });
	});

	test("reports every missing, empty or mistyped member", () => {
		expect(
			validateErrorBody({ error_msg: "", error_code: 6291 }).errors,
		).toEqual([
			"/error_msg must NOT have fewer than 1 characters",
			"/error_code must be string",
		]);
		expect(validateErrorBody({}).errors).toEqual([
			"/ must have required property 'error_msg'",
			"/ must have required property 'error_code'",
		]);
		expect(validateErrorBody("Bad Gateway").valid).toBe(false);
	});
});

describe("validateEndpointInfo", () => {
	test("accepts the documented fields, null limits and extra fields", () => {
		expect(validateEndpointInfo(INFO).valid).toBe(true);
		expect(
			validateEndpointInfo({ ...INFO, rpm: null, region_extra: { a: 1 } })
				.valid,
		).toBe(true);
		expect(validateEndpointInfo({ id: "e-1", endpoint_name: "n" }).valid).toBe(
			true,
		);
	});

	test("requires id and endpoint_name and checks the types of the rest", () => {
		expect(validateEndpointInfo({ endpoint_name: "n" }).errors).toEqual([
			"/ must have required property 'id'",
		]);
		expect(
			validateEndpointInfo({
				...INFO,
				rpm: "100",
				tpm: 1.5,
				moderation: "true",
			}).errors,
		).toEqual([
			"/rpm must be integer or null",
			"/tpm must be integer or null",
			"/moderation must be boolean",
		]);
		expect(validateEndpointInfo({ ...INFO, id: "" }).valid).toBe(false);
	});
});

describe("validateEndpointList", () => {
	const list = { total: 1, count: "1", items: [INFO], quantity_limit: 10 };

	test("accepts count as a string of digits or as an integer", () => {
		expect(validateEndpointList(list).valid).toBe(true);
		expect(validateEndpointList({ ...list, count: 1 }).valid).toBe(true);
		expect(
			validateEndpointList({ ...list, total: 0, count: "0", items: [] }).valid,
		).toBe(true);
	});

	test("rejects a count that is neither", () => {
		expect(validateEndpointList({ ...list, count: "one" }).valid).toBe(false);
		expect(validateEndpointList({ ...list, count: -1 }).valid).toBe(false);
		expect(validateEndpointList({ ...list, count: 1.5 }).valid).toBe(false);
	});

	test("requires all four members", () => {
		expect(validateEndpointList({}).errors).toEqual([
			"/ must have required property 'total'",
			"/ must have required property 'count'",
			"/ must have required property 'items'",
			"/ must have required property 'quantity_limit'",
		]);
	});

	test("reports all errors with their paths, items included", () => {
		const result = validateEndpointList({
			...list,
			total: -1,
			items: [{ ...INFO, rpm: "1" }],
			quantity_limit: 0,
		});
		expect(result.valid).toBe(false);
		expect(result.errors).toEqual([
			"/total must be >= 0",
			"/items/0/rpm must be integer or null",
			"/quantity_limit must be >= 1",
		]);
	});

	test("rejects items that are not an array and a fractional total", () => {
		expect(validateEndpointList({ ...list, items: {} }).errors).toEqual([
			"/items must be array",
		]);
		expect(validateEndpointList({ ...list, total: 1.5 }).errors).toEqual([
			"/total must be integer",
		]);
	});
});

describe("validateCreateBody", () => {
	const body = {
		endpoint_name: "conformance-abcd1234-1",
		source: "custom_from_maas",
		model_name: "m",
		rpm: 10,
		tpm: 100,
		remark: "r",
		moderation: false,
		agreement_id: "a",
	};

	test("accepts the documented body and a name-only body", () => {
		expect(validateCreateBody(body).valid).toBe(true);
		expect(validateCreateBody({ endpoint_name: "a" }).valid).toBe(true);
	});

	test.each([
		["a", true],
		["a".repeat(64), true],
		["A-_.9", true],
		["中文名称", true],
		["é1", true],
		["a".repeat(65), false],
		["", false],
		["1abc", false],
		["-abc", false],
		["a b", false],
		["a/b", false],
	])("endpoint_name %j valid: %s", (name, valid) => {
		expect(validateCreateBody({ endpoint_name: name }).valid).toBe(valid);
	});

	test("requires endpoint_name and rejects undocumented fields", () => {
		expect(validateCreateBody({ source: "custom_from_maas" }).errors).toEqual([
			"/ must have required property 'endpoint_name'",
		]);
		expect(validateCreateBody({ ...body, colour: "red" }).errors).toEqual([
			'/ must NOT have additional properties: "colour"',
		]);
	});

	test("checks source, remark length and integer limits", () => {
		expect(validateCreateBody({ ...body, remark: "r".repeat(256) }).valid).toBe(
			true,
		);
		expect(
			validateCreateBody({
				...body,
				source: "other",
				remark: "r".repeat(257),
				rpm: 1.5,
			}).errors,
		).toEqual([
			'/source must be equal to one of the allowed values: "custom_from_maas", "custom_from_modelarts_v2"',
			"/rpm must be integer",
			"/remark must NOT have more than 256 characters",
		]);
	});
});

describe("validateEditBody", () => {
	test("accepts an empty body and each documented field", () => {
		expect(validateEditBody({}).valid).toBe(true);
		expect(
			validateEditBody({
				endpoint_name: "n2",
				remark: "r",
				rpm: 1,
				tpm: 2,
				moderation: true,
				agreement_id: "a",
			}).valid,
		).toBe(true);
	});

	test("applies the name rule and rejects fields Edit does not document", () => {
		expect(validateEditBody({ endpoint_name: "9x" }).valid).toBe(false);
		expect(validateEditBody({ source: "custom_from_maas" }).errors).toEqual([
			'/ must NOT have additional properties: "source"',
		]);
	});
});

describe("validateControlBody", () => {
	test("accepts activate and deactivate only", () => {
		expect(validateControlBody({ action: "activate" }).valid).toBe(true);
		expect(validateControlBody({ action: "deactivate" }).valid).toBe(true);
		expect(validateControlBody({ action: "start" }).errors).toEqual([
			'/action must be equal to one of the allowed values: "activate", "deactivate"',
		]);
		expect(validateControlBody({}).valid).toBe(false);
		expect(validateControlBody({ action: "activate", force: true }).valid).toBe(
			false,
		);
	});
});

describe("validateIamTokenBody", () => {
	test("requires expires_at and issued_at as date-times", () => {
		const token = {
			expires_at: "2030-01-02T03:04:05.000000Z",
			issued_at: "2030-01-01T03:04:05.000000Z",
			methods: ["password"],
			project: { id: "p", name: "ap-southeast-1" },
			roles: [],
		};
		expect(validateIamTokenBody({ token }).valid).toBe(true);
		expect(
			validateIamTokenBody({ token: { ...token, issued_at: "yesterday" } })
				.errors,
		).toEqual(['/token/issued_at must match format "date-time"']);
		expect(validateIamTokenBody({}).valid).toBe(false);
	});
});
