import { redact } from "../redact.ts";

/**
 * Text helpers that keep a report valid XML 1.0 whatever a region or a test
 * wrote into an error message: terminal escape sequences, NUL bytes, lone
 * surrogates. Every value also passes through `redact`, so no registered
 * secret reaches a report.
 */

// ANSI/VT escape sequences, removed as a whole so no "[31m" is left behind:
// CSI (ESC [ ... final byte, also the 8-bit form U+009B), OSC (ESC ] ...
// terminated by BEL or ESC \), and the other escapes (ESC, optional
// intermediate bytes, one final byte: ESC 7, ESC ( B, ESC c).
const ANSI_SEQUENCE =
	// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the purpose
	/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[ -/]*[0-~]/g;

// Everything outside the XML 1.0 Char production
// (https://www.w3.org/TR/xml/#charsets): C0 controls except tab, LF and CR,
// lone surrogates (the `u` flag matches them as single code points), U+FFFE and
// U+FFFF. DEL and the C1 controls are allowed by XML 1.0 but discouraged and
// never meaningful in a report, so they go too.
const NOT_XML_CHAR =
	/[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Removes ANSI escape sequences (colour, cursor movement, titles). */
export function stripAnsi(text: string): string {
	return text.replace(ANSI_SEQUENCE, "");
}

/** Redacts, strips escape sequences and drops characters XML 1.0 forbids. */
export function cleanText(text: string): string {
	return redact(stripAnsi(String(text))).replace(NOT_XML_CHAR, "");
}

/** Escapes text for an element body. */
export function escapeXmlText(text: string): string {
	return cleanText(text)
		.replace(/&/g, "&amp;")
		.replace(/</g, "&lt;")
		.replace(/>/g, "&gt;")
		.replace(/"/g, "&quot;")
		.replace(/'/g, "&apos;");
}

/**
 * Escapes text for a double- or single-quoted attribute value. Tab, LF and
 * CR become character references, because XML attribute-value normalisation
 * would otherwise turn them into spaces.
 */
export function escapeXmlAttribute(text: string): string {
	return escapeXmlText(text)
		.replace(/\t/g, "&#9;")
		.replace(/\n/g, "&#10;")
		.replace(/\r/g, "&#13;");
}
