/**
 * Process-wide secret masking. Every report, log line, error message and
 * recording passes through `redact` before it leaves the process, so a token
 * or password never reaches a file, a console or a CI log.
 */

const MASK = "***";

/** Shorter values would mask ordinary words and numbers everywhere. */
const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();

/**
 * Header lines that carry credentials: `X-Auth-Token: <token>` (MaaS),
 * `X-Subject-Token: <token>` (IAM response) and `Authorization: <scheme> <value>`.
 * The value runs to the end of the line or to a quote, so a header inside a
 * shell-quoted curl line is masked without eating the rest of the line.
 */
const HEADER_LINE =
	/\b(x-auth-token|x-subject-token|authorization)([ \t]*:[ \t]*)([^\s'"][^\r\n'"]*)/gi;

/**
 * The same names, and `password`, as members of a JSON object or of
 * `util.inspect` output: `"password":"..."`, `'x-auth-token': '...'`.
 * Escaped quotes inside the value are skipped.
 */
const QUOTED_MEMBER =
	/(["'])(x-auth-token|x-subject-token|authorization|password)\1(\s*:\s*)(["'])(?:\\.|(?!\4)[^\\])*\4/gi;

/**
 * Remembers a secret so `redact` masks it from now on, in this process.
 * Values shorter than 4 characters are ignored. The JSON-escaped and
 * URL-encoded spellings are registered too, as they appear in bodies and URLs.
 */
export function registerSecret(value: string): void {
	if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
	secrets.add(value);
	const jsonEscaped = JSON.stringify(value).slice(1, -1);
	if (jsonEscaped !== value) secrets.add(jsonEscaped);
	const urlEncoded = encodeURIComponent(value);
	if (urlEncoded !== value) secrets.add(urlEncoded);
}

/**
 * Returns `text` with every registered secret, every credential header value
 * and every quoted `password` member replaced by `***`.
 */
export function redact(text: string): string {
	let out = String(text);
	// Longest first, so a secret that contains another is masked whole.
	const ordered = [...secrets].sort((a, b) => b.length - a.length);
	for (const secret of ordered) out = out.split(secret).join(MASK);
	out = out.replace(
		QUOTED_MEMBER,
		(_match, quote: string, name: string, colon: string, valueQuote: string) =>
			`${quote}${name}${quote}${colon}${valueQuote}${MASK}${valueQuote}`,
	);
	out = out.replace(
		HEADER_LINE,
		(_match, name: string, colon: string) => `${name}${colon}${MASK}`,
	);
	return out;
}
