import { describe, expect, test } from "vitest";
import { registerSecret } from "../redact.ts";
import {
	cleanText,
	escapeXmlAttribute,
	escapeXmlText,
	stripAnsi,
} from "./xml.ts";
import { assertWellFormedXml } from "./xml-check.ts";

const ESC = "\u001b";

describe("stripAnsi", () => {
	test("removes colour sequences whole, leaving no [31m behind", () => {
		const text = `${ESC}[31mred${ESC}[39m ${ESC}[1;4mbold${ESC}[22;24m`;
		expect(stripAnsi(text)).toBe("red bold");
	});

	test("removes cursor movement, erase, OSC titles and 8-bit CSI", () => {
		const text = `a${ESC}[2K${ESC}[1A${ESC}[?25lb${ESC}]0;title\u0007c${ESC}]8;;http://x${ESC}\\d\u009b31me${ESC}7f`;
		expect(stripAnsi(text)).toBe("abcdef");
	});

	test("keeps text without escapes unchanged", () => {
		expect(stripAnsi("expected [31m] to be 1")).toBe("expected [31m] to be 1");
	});
});

describe("cleanText", () => {
	test("drops C0 controls except tab, LF and CR", () => {
		const controls = Array.from({ length: 32 }, (_, code) =>
			String.fromCharCode(code),
		).join("");
		expect(cleanText(`x${controls}y`)).toBe("x\t\n\ry");
	});

	test("drops lone surrogates, U+FFFE, U+FFFF, DEL and C1 controls", () => {
		const text = "a\ud800b\udc00c\ufffed\uffffe\u007ff\u0085g";
		expect(cleanText(text)).toBe("abcdefg");
	});

	test("keeps surrogate pairs, non-ASCII letters and U+FFFD", () => {
		const text = "端点 😀 \ufffd é";
		expect(cleanText(text)).toBe(text);
	});

	test("masks registered secrets", () => {
		registerSecret("xml-test-secret-value");
		expect(cleanText("token xml-test-secret-value leaked")).toBe(
			"token *** leaked",
		);
	});
});

describe("escapeXmlText and escapeXmlAttribute", () => {
	test("escape the five XML special characters", () => {
		expect(escapeXmlText(`<a href="x">&'</a>`)).toBe(
			"&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;",
		);
	});

	test("attribute values keep line breaks and tabs as references", () => {
		expect(escapeXmlAttribute("one\ntwo\tthree\r")).toBe(
			"one&#10;two&#9;three&#13;",
		);
	});

	test("a hostile message yields a well-formed document", () => {
		const hostile = `${ESC}[31mfail${ESC}[0m \u0000 nul ]]> <!-- & "' \ud83d \u0007`;
		const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<r a="${escapeXmlAttribute(hostile)}">${escapeXmlText(hostile)}</r>\n`;
		expect(() => assertWellFormedXml(xml)).not.toThrow();
		expect(xml).not.toContain("[31m");
		expect(xml).not.toContain("\u0000");
		expect(xml).not.toContain(ESC);
	});
});

describe("assertWellFormedXml catches what escaping prevents", () => {
	test.each([
		["a NUL byte", "<r>\u0000</r>"],
		["an ESC byte", `<r>${ESC}[31m</r>`],
		["a bare ampersand", "<r>a & b</r>"],
		["a bare <", "<r>a < b</r>"],
		["a quote inside an attribute", '<r a="x"y"/>'],
		["a lone surrogate", "<r>\ud800</r>"],
		["mismatched tags", "<r><a></r>"],
	])("rejects %s", (_label, xml) => {
		expect(() => assertWellFormedXml(xml)).toThrow();
	});
});
