import { describe, expect, test } from "vitest";
import { bodyPreview, dechunk } from "./observation.ts";

describe("dechunk", () => {
	test("joins the chunks and drops the framing", () => {
		const raw = Buffer.from("4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\n\r\n");
		expect(dechunk(raw)?.toString()).toBe("abcdefg");
	});

	test("an empty chunked body is empty", () => {
		expect(dechunk(Buffer.from("0\r\n\r\n"))?.length).toBe(0);
	});

	test("returns undefined for bytes that are not chunk framing", () => {
		expect(dechunk(Buffer.from('{"error_msg":"x"}'))).toBeUndefined();
		expect(dechunk(Buffer.from("5\r\nab"))).toBeUndefined();
		expect(dechunk(Buffer.from("2\r\nabXX0\r\n\r\n"))).toBeUndefined();
	});
});

describe("bodyPreview", () => {
	test("escapes control characters so the text stays on one line", () => {
		expect(bodyPreview(Buffer.from("a\r\nb\tc\u0000d\u001b[0m\u007f"))).toBe(
			"a\\r\\nb\\tc\\x00d\\x1b[0m\\x7f",
		);
	});

	test("shows an empty body as (empty)", () => {
		expect(bodyPreview(Buffer.alloc(0))).toBe("(empty)");
	});

	test("keeps printable non-ASCII text", () => {
		expect(bodyPreview(Buffer.from("端点 ü"))).toBe("端点 ü");
	});
});
