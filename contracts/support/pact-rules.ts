/**
 * Rules the committed pact files must keep, whatever the consumer tests
 * generate: the contract covers the delete operation from several sides,
 * uses provider states, and contains no credential. Each rule returns a
 * sentence per violation; an empty list means the files conform.
 */
import {
	INVALID_TOKEN,
	PLACEHOLDER_PROJECT_ID,
	PLACEHOLDER_TOKEN,
} from "./contract.ts";
import {
	type PactDocument,
	type PactInteraction,
	statusClassOf,
} from "./pact-file.ts";

export const MIN_INTERACTIONS = 5;
export const MIN_DELETE_INTERACTIONS = 3;
export const MIN_STATEFUL_INTERACTIONS = 2;

/** Header values a pact may carry for X-Auth-Token. */
const ALLOWED_TOKENS: ReadonlySet<string> = new Set([
	PLACEHOLDER_TOKEN,
	INVALID_TOKEN,
]);

/** Headers that only ever carry credentials. */
const CREDENTIAL_HEADERS =
	/^(authorization|x-subject-token|cookie|set-cookie)$/i;

/** Object keys that name a credential. */
const CREDENTIAL_KEY =
	/password|passwd|secret|credential|access[-_]?key|private[-_]?key/i;

/**
 * A string that looks like an opaque token: 32 or more characters of the
 * base64/base64url alphabet, mixing at least two of upper case, lower case
 * and digits. IAM tokens are thousands of such characters.
 */
const TOKEN_LIKE = /^[A-Za-z0-9+/=_-]{32,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkPactFiles(
	documents: readonly PactDocument[],
	options: { secrets?: readonly string[] } = {},
): string[] {
	const interactions = documents.flatMap((document) => document.interactions);
	const violations: string[] = [];
	if (interactions.length < MIN_INTERACTIONS) {
		violations.push(
			`the pact files hold ${interactions.length} interactions; the contract needs at least ${MIN_INTERACTIONS}`,
		);
	}
	const deletes = interactions.filter(
		(item) => item.request.method.toUpperCase() === "DELETE",
	);
	if (deletes.length < MIN_DELETE_INTERACTIONS) {
		violations.push(
			`the pact files hold ${deletes.length} DELETE interactions; the contract needs at least ${MIN_DELETE_INTERACTIONS}`,
		);
	}
	if (!deletes.some(isBodiless204)) {
		violations.push(
			"no DELETE interaction expects exactly 204 with no body; the contract must state that a successful delete answers 204 empty (api-maas-0016)",
		);
	}
	const stateful = interactions.filter(
		(item) => (item.providerStates ?? []).length > 0,
	);
	if (stateful.length < MIN_STATEFUL_INTERACTIONS) {
		violations.push(
			`${stateful.length} interactions use a provider state; the contract needs at least ${MIN_STATEFUL_INTERACTIONS}, since names and ids on a live account must come from provider states`,
		);
	}
	for (const document of documents) {
		violations.push(...credentialViolations(document, options.secrets ?? []));
	}
	return violations;
}

function isBodiless204(interaction: PactInteraction): boolean {
	const { response } = interaction;
	const body = response.body;
	const empty =
		body === undefined ||
		body.content === undefined ||
		body.content === "" ||
		body.content === null;
	return (
		response.status === 204 && statusClassOf(interaction) === undefined && empty
	);
}

function credentialViolations(
	document: PactDocument,
	secrets: readonly string[],
): string[] {
	const violations: string[] = [];
	const known = secrets.filter((secret) => secret.length >= 4);
	for (const interaction of document.interactions) {
		const where = `interaction ${JSON.stringify(interaction.description)}`;
		for (const part of ["request", "response"] as const) {
			for (const [name, value] of headerEntries(interaction[part].headers)) {
				if (CREDENTIAL_HEADERS.test(name)) {
					violations.push(
						`${where} has a ${name} ${part} header; a pact must not carry credentials`,
					);
				}
				if (
					name.toLowerCase() === "x-auth-token" &&
					!ALLOWED_TOKENS.has(value)
				) {
					violations.push(
						`${where} sends X-Auth-Token ${JSON.stringify(mask(value))}; only ${JSON.stringify(PLACEHOLDER_TOKEN)} (replaced by the verifier) or ${JSON.stringify(INVALID_TOKEN)} may appear`,
					);
				}
			}
		}
	}
	walk(document, "$", (path, key, value) => {
		if (key !== undefined && CREDENTIAL_KEY.test(key)) {
			violations.push(
				`${path} is named like a credential; a pact must not carry one`,
			);
		}
		if (typeof value !== "string") return;
		if (known.some((secret) => value.includes(secret))) {
			violations.push(
				`${path} holds a secret of this run; regenerate the pact with "npm run contracts:update"`,
			);
		} else if (looksLikeToken(value)) {
			violations.push(
				`${path} holds a token-like value ${JSON.stringify(mask(value))}; use the placeholder ${JSON.stringify(PLACEHOLDER_TOKEN)}`,
			);
		}
	});
	return violations;
}

function looksLikeToken(value: string): boolean {
	return (
		TOKEN_LIKE.test(value) &&
		[/[A-Z]/, /[a-z]/, /[0-9]/].filter((kind) => kind.test(value)).length >=
			2 &&
		!value.startsWith("/") &&
		!UUID.test(value) &&
		value !== PLACEHOLDER_PROJECT_ID
	);
}

/** Shows a value's shape without printing it whole. */
function mask(value: string): string {
	return value.length <= 8
		? value
		: `${value.slice(0, 4)}...(${value.length} characters)`;
}

function headerEntries(
	headers: Record<string, string | string[]> | undefined,
): Array<[string, string]> {
	return Object.entries(headers ?? {}).flatMap(([name, value]) =>
		(Array.isArray(value) ? value : [value]).map((item): [string, string] => [
			name,
			String(item),
		]),
	);
}

function walk(
	value: unknown,
	path: string,
	visit: (path: string, key: string | undefined, value: unknown) => void,
	key?: string,
): void {
	visit(path, key, value);
	if (Array.isArray(value)) {
		for (const [index, item] of value.entries()) {
			walk(item, `${path}[${index}]`, visit);
		}
	} else if (value !== null && typeof value === "object") {
		for (const [name, item] of Object.entries(value)) {
			walk(item, `${path}.${name}`, visit, name);
		}
	}
}
