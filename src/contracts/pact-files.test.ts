/**
 * The committed pact files keep the rules in contracts/support/pact-rules.ts,
 * and each rule catches a file that breaks it.
 */
import { describe, expect, test } from "vitest";
import {
	INVALID_TOKEN,
	PLACEHOLDER_TOKEN,
} from "../../contracts/support/contract.ts";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
	type PactDocument,
	readPactFile,
	requirementOf,
} from "../../contracts/support/pact-file.ts";
import { checkPactFiles } from "../../contracts/support/pact-rules.ts";
import { loadConfig } from "../config/index.ts";
import { requirementById } from "../requirements/index.ts";

const committed = listPactFiles(COMMITTED_PACT_DIR).map(readPactFile);

/** Returns a deep copy of the committed pact, to break one rule in. */
function copy(): PactDocument {
	const [first] = committed;
	if (!first) throw new Error(`no pact file in ${COMMITTED_PACT_DIR}`);
	return structuredClone(first);
}

describe("committed pact files", () => {
	test("exist and name the consumer and provider", () => {
		expect(committed.length).toBeGreaterThan(0);
		for (const document of committed) {
			expect(document.consumer.name).toBe("maas-endpoint-client");
			expect(document.provider.name).toBe("maas-custom-endpoint-api");
		}
	});

	test("keep every contract rule and hold no credential", () => {
		const config = loadConfig();
		const secrets = [config.authToken, config.iam?.password].filter(
			(value): value is string => value !== undefined,
		);
		expect(checkPactFiles(committed, { secrets })).toEqual([]);
	});

	test("name a catalogue requirement in every interaction", () => {
		for (const interaction of committed.flatMap((d) => d.interactions)) {
			const id = requirementOf(interaction);
			expect(id, interaction.description).toBeDefined();
			expect(() => requirementById(id as string)).not.toThrow();
			expect(interaction.comments?.testname).toBe(
				`${id} ${interaction.description}`,
			);
		}
	});

	test("send only the placeholder token and the invalid token", () => {
		const tokens = committed
			.flatMap((d) => d.interactions)
			.flatMap((item) => item.request.headers?.["X-Auth-Token"] ?? []);
		expect(new Set(tokens)).toEqual(
			new Set([PLACEHOLDER_TOKEN, INVALID_TOKEN]),
		);
	});
});

describe("pact file rules catch", () => {
	test("fewer than 5 interactions", () => {
		const document = copy();
		document.interactions = document.interactions.slice(0, 4);
		expect(checkPactFiles([document]).join("\n")).toMatch(
			/hold 4 interactions; the contract needs at least 5/,
		);
	});

	test("fewer than 3 DELETE interactions", () => {
		const document = copy();
		let deletesKept = 0;
		document.interactions = document.interactions.filter(
			(item) => item.request.method !== "DELETE" || deletesKept++ < 2,
		);
		expect(checkPactFiles([document]).join("\n")).toMatch(
			/hold 2 DELETE interactions; the contract needs at least 3/,
		);
	});

	test("no DELETE answered 204 without a body", () => {
		const document = copy();
		for (const item of document.interactions) {
			if (item.request.method === "DELETE" && item.response.status === 204) {
				item.response.body = {
					content: { result: "deleted" },
					contentType: "application/json",
				};
			}
		}
		expect(checkPactFiles([document]).join("\n")).toMatch(
			/no DELETE interaction expects exactly 204 with no body/,
		);
	});

	test("fewer than 2 interactions with provider states", () => {
		const document = copy();
		let statesKept = 0;
		for (const item of document.interactions) {
			if (item.providerStates && statesKept++ >= 1) delete item.providerStates;
		}
		expect(checkPactFiles([document]).join("\n")).toMatch(
			/1 interactions use a provider state/,
		);
	});

	test("a real-looking token in X-Auth-Token", () => {
		const document = copy();
		const [first] = document.interactions;
		if (!first) throw new Error("the committed pact has no interaction");
		first.request.headers = {
			...first.request.headers,
			"X-Auth-Token": [
				"MIIEhgYJKoZIhvcNAQcCoIIEdzCCBHMCAQExDTALBglghkgBZQMEAgEw",
			],
		};
		const violations = checkPactFiles([document]).join("\n");
		expect(violations).toMatch(
			/sends X-Auth-Token "MIIE\.\.\.\(56 characters\)"/,
		);
		expect(violations).toMatch(/token-like value/);
		// The message shows the shape, never the value.
		expect(violations).not.toContain(
			"MIIEhgYJKoZIhvcNAQcCoIIEdzCCBHMCAQExDTALBglghkgBZQMEAgEw",
		);
	});

	test("a secret of this run anywhere in the file", () => {
		const document = copy();
		const [first] = document.interactions;
		if (!first) throw new Error("the committed pact has no interaction");
		first.comments = { ...first.comments, text: ["token is s3cret-value"] };
		expect(
			checkPactFiles([document], { secrets: ["s3cret-value"] }).join("\n"),
		).toMatch(/comments\.text\[0\] holds a secret of this run/);
	});

	test("a password member and an Authorization header", () => {
		const document = copy();
		const [first] = document.interactions;
		if (!first) throw new Error("the committed pact has no interaction");
		first.request.headers = { Authorization: ["Basic dXNlcjpwYXNz"] };
		first.request.body = { content: { password: "hunter2" } };
		const violations = checkPactFiles([document]).join("\n");
		expect(violations).toMatch(/has a Authorization request header/);
		expect(violations).toMatch(/\.password is named like a credential/);
	});
});
