import { describe, expect, test } from "vitest";
import { redact, registerSecret } from "./redact.ts";

describe("registerSecret and redact", () => {
	test("masks every occurrence of a registered secret", () => {
		registerSecret("redact-test-secret-1");
		expect(redact("a redact-test-secret-1 b redact-test-secret-1")).toBe(
			"a *** b ***",
		);
	});

	test("ignores values shorter than 4 characters", () => {
		registerSecret("abc");
		expect(redact("abc abcd")).toBe("abc abcd");
	});

	test("masks a secret that contains another as a whole", () => {
		registerSecret("nested-outer-secret");
		registerSecret("outer");
		expect(redact("x nested-outer-secret y")).toBe("x *** y");
	});

	test("masks the JSON-escaped and URL-encoded spellings", () => {
		registerSecret('pa"ss/wörd');
		expect(redact(JSON.stringify({ value: 'pa"ss/wörd' }))).toBe(
			'{"value":"***"}',
		);
		expect(redact(`?p=${encodeURIComponent('pa"ss/wörd')}`)).toBe("?p=***");
	});

	test("leaves text without secrets alone", () => {
		expect(redact("GET /v1/p/maas 200")).toBe("GET /v1/p/maas 200");
	});
});

describe("credential headers and members", () => {
	test("masks X-Auth-Token, X-Subject-Token and Authorization header lines", () => {
		const text = [
			"PUT /x HTTP/1.1",
			"X-Auth-Token: unregistered-token",
			"x-subject-token:another-token",
			"Authorization: Bearer abc.def",
			"Content-Type: application/json",
		].join("\r\n");
		expect(redact(text)).toBe(
			[
				"PUT /x HTTP/1.1",
				"X-Auth-Token: ***",
				"x-subject-token:***",
				"Authorization: ***",
				"Content-Type: application/json",
			].join("\r\n"),
		);
	});

	test("masks a header inside a quoted curl argument without eating the rest", () => {
		expect(
			redact("curl -H 'X-Auth-Token: tok123456' -H 'Accept: */*' 'http://h/x'"),
		).toBe("curl -H 'X-Auth-Token: ***' -H 'Accept: */*' 'http://h/x'");
	});

	test("masks quoted password and token members, escaped quotes included", () => {
		expect(redact('{"user":{"name":"u","password":"p\\"w\\\\x"},"n":1}')).toBe(
			'{"user":{"name":"u","password":"***"},"n":1}',
		);
		expect(redact(`{ 'x-auth-token': 'abcdef', other: 'kept' }`)).toBe(
			`{ 'x-auth-token': '***', other: 'kept' }`,
		);
		expect(redact('{"X-Subject-Token" : "abcdef"}')).toBe(
			'{"X-Subject-Token" : "***"}',
		);
	});

	test("does not touch a password member that holds an object", () => {
		const text = '{"password":{"user":{"password":"inner-secret"}}}';
		expect(redact(text)).toBe('{"password":{"user":{"password":"***"}}}');
	});

	test("does not mask words that only resemble the header names", () => {
		expect(redact("MAAS_AUTH_TOKEN is not set; check MAAS_IAM_PASSWORD")).toBe(
			"MAAS_AUTH_TOKEN is not set; check MAAS_IAM_PASSWORD",
		);
	});
});
