/**
 * A strict parser for the XML subset our reports use (declaration,
 * elements, attributes, text, comments, character and the five predefined
 * entity references). It throws on anything that is not well-formed XML 1.0,
 * so tests can prove that a report survives hostile text, and it returns the
 * element tree so they can read testcases and properties. No XML package is
 * installed; this is not a general-purpose parser (no DTD, no CDATA, no
 * namespaces processing).
 */

export interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	/** Concatenated text content directly inside the element. */
	text: string;
}

const CHAR_ALLOWED =
	/^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const PREDEFINED: Record<string, string> = {
	amp: "&",
	lt: "<",
	gt: ">",
	quot: '"',
	apos: "'",
};

class XmlSyntaxError extends Error {
	constructor(message: string, offset: number) {
		super(`not well-formed XML at offset ${offset}: ${message}`);
		this.name = "XmlSyntaxError";
	}
}

function decodeReferences(raw: string, offset: number): string {
	return raw.replace(/&([^;]*);?/g, (match, body: string) => {
		if (!match.endsWith(";")) {
			throw new XmlSyntaxError(`bare "&" (${JSON.stringify(match)})`, offset);
		}
		const named = PREDEFINED[body];
		if (named !== undefined) return named;
		const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
		if (!numeric) {
			throw new XmlSyntaxError(`unknown entity &${body};`, offset);
		}
		const code = Number.parseInt(
			numeric[1] ?? numeric[2] ?? "",
			numeric[1] ? 16 : 10,
		);
		const char = code <= 0x10ffff ? String.fromCodePoint(code) : "";
		if (!char || !CHAR_ALLOWED.test(char)) {
			throw new XmlSyntaxError(
				`character reference &${body}; is not an XML 1.0 character`,
				offset,
			);
		}
		return char;
	});
}

/** Parses a document and returns its root element; throws when malformed. */
export function parseXml(text: string): XmlElement {
	if (!CHAR_ALLOWED.test(text)) {
		const bad = [...text].findIndex((char) => !CHAR_ALLOWED.test(char));
		throw new XmlSyntaxError(
			`character U+${(text.codePointAt(bad) ?? 0).toString(16).padStart(4, "0")} is not allowed in XML 1.0`,
			bad,
		);
	}
	let position = 0;
	const stack: XmlElement[] = [];
	let root: XmlElement | undefined;

	const skipMisc = () => {
		for (;;) {
			const rest = text.slice(position);
			const space = /^\s+/.exec(rest);
			if (space) {
				position += space[0].length;
				continue;
			}
			if (rest.startsWith("<!--")) {
				const end = text.indexOf("-->", position + 4);
				if (end === -1) throw new XmlSyntaxError("unclosed comment", position);
				position = end + 3;
				continue;
			}
			return;
		}
	};

	if (text.startsWith("<?xml")) {
		const end = text.indexOf("?>");
		if (end === -1) throw new XmlSyntaxError("unclosed declaration", 0);
		position = end + 2;
	}
	skipMisc();

	while (position < text.length) {
		const current = stack[stack.length - 1];
		if (text.startsWith("<!--", position)) {
			const end = text.indexOf("-->", position + 4);
			if (end === -1) throw new XmlSyntaxError("unclosed comment", position);
			position = end + 3;
			continue;
		}
		if (text.startsWith("</", position)) {
			const match = /^<\/([A-Za-z_:][A-Za-z0-9_:.-]*)\s*>/.exec(
				text.slice(position),
			);
			if (!match || !current || match[1] !== current.name) {
				throw new XmlSyntaxError(
					`unexpected closing tag (open: ${current?.name ?? "none"})`,
					position,
				);
			}
			stack.pop();
			position += match[0].length;
			if (stack.length === 0) break;
			continue;
		}
		if (text[position] === "<") {
			if (!current && root) {
				throw new XmlSyntaxError("a second root element", position);
			}
			position++;
			const name = NAME.exec(text.slice(position))?.[0];
			if (!name) throw new XmlSyntaxError("bad element name", position);
			position += name.length;
			const element: XmlElement = {
				name,
				attributes: {},
				children: [],
				text: "",
			};
			for (;;) {
				const space = /^\s*/.exec(text.slice(position))?.[0] ?? "";
				position += space.length;
				if (text.startsWith("/>", position)) {
					position += 2;
					break;
				}
				if (text[position] === ">") {
					position++;
					stack.push(element);
					break;
				}
				if (space.length === 0) {
					throw new XmlSyntaxError("attributes need white space", position);
				}
				const attribute =
					/^([A-Za-z_:][A-Za-z0-9_:.-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(
						text.slice(position),
					);
				if (!attribute?.[1]) {
					throw new XmlSyntaxError(`bad attribute in <${name}>`, position);
				}
				if (Object.hasOwn(element.attributes, attribute[1])) {
					throw new XmlSyntaxError(
						`duplicate attribute ${attribute[1]}`,
						position,
					);
				}
				element.attributes[attribute[1]] = decodeReferences(
					attribute[3] ?? attribute[4] ?? "",
					position,
				).replace(/[\t\n\r]/g, " ");
				position += attribute[0].length;
			}
			if (current) current.children.push(element);
			else root = element;
			if (stack.length === 0) break;
			continue;
		}
		if (!current) throw new XmlSyntaxError("text outside the root", position);
		const next = text.indexOf("<", position);
		const end = next === -1 ? text.length : next;
		const raw = text.slice(position, end);
		if (raw.includes("]]>")) {
			throw new XmlSyntaxError('"]]>" in text', position);
		}
		current.text += decodeReferences(raw, position);
		position = end;
	}
	if (stack.length > 0) {
		throw new XmlSyntaxError(
			`<${stack[stack.length - 1]?.name}> is not closed`,
			position,
		);
	}
	if (!root) throw new XmlSyntaxError("no root element", position);
	skipMisc();
	if (position < text.length) {
		throw new XmlSyntaxError("content after the root element", position);
	}
	return root;
}

/** Throws when `text` is not a well-formed document. */
export function assertWellFormedXml(text: string): void {
	parseXml(text);
}

/** Returns every descendant element named `name`, in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
	const found: XmlElement[] = [];
	for (const child of element.children) {
		if (child.name === name) found.push(child);
		found.push(...findAll(child, name));
	}
	return found;
}
