/**
 * Reading Pact V4 files as plain JSON: the parts of the format this project
 * looks at (https://github.com/pact-foundation/pact-specification/tree/version-4),
 * the committed pact folder, and the requirement id each interaction names.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/index.ts";

/** Folder of the committed pact files, the ones the verify stage reads. */
export const COMMITTED_PACT_DIR = join(PROJECT_ROOT, "contracts", "pacts");

export interface PactProviderState {
	name: string;
	params?: Record<string, unknown>;
}

export interface PactBody {
	content?: unknown;
	contentType?: string;
	encoded?: boolean | string;
}

export interface PactRequest {
	method: string;
	path: string;
	headers?: Record<string, string | string[]>;
	body?: PactBody;
	[field: string]: unknown;
}

export interface PactResponse {
	status: number;
	headers?: Record<string, string | string[]>;
	body?: PactBody;
	[field: string]: unknown;
}

export interface PactComments {
	text?: string[];
	testname?: string;
	/** group -> name -> value, from `reference(group, name, value)`. */
	references?: Record<string, Record<string, string>>;
}

export interface PactInteraction {
	description: string;
	type?: string;
	providerStates?: PactProviderState[];
	request: PactRequest;
	response: PactResponse;
	comments?: PactComments;
	[field: string]: unknown;
}

export interface PactDocument {
	consumer: { name: string };
	provider: { name: string };
	interactions: PactInteraction[];
	metadata?: Record<string, unknown>;
}

/** Lists the `*.json` files of a folder, sorted; an absent folder has none. */
export function listPactFiles(dir: string): string[] {
	let names: string[];
	try {
		names = readdirSync(dir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") {
			return [];
		}
		throw error;
	}
	return names
		.filter((name) => name.endsWith(".json"))
		.sort()
		.map((name) => join(dir, name));
}

/** Parses a pact file; throws an Error naming the file when it is not one. */
export function readPactFile(file: string): PactDocument {
	let value: unknown;
	try {
		value = JSON.parse(readFileSync(file, "utf8"));
	} catch (error) {
		throw new Error(
			`pact file ${file} is not readable JSON (${(error as Error).message}); regenerate it with "npm run contracts:update"`,
		);
	}
	const problem = shapeProblem(value);
	if (problem) {
		throw new Error(
			`pact file ${file} is not a Pact file: ${problem}; regenerate it with "npm run contracts:update"`,
		);
	}
	return value as PactDocument;
}

function shapeProblem(value: unknown): string | undefined {
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		return "the top level is not an object";
	}
	const document = value as Record<string, unknown>;
	for (const party of ["consumer", "provider"]) {
		const entry = document[party] as { name?: unknown } | undefined;
		if (typeof entry?.name !== "string") {
			return `${party}.name is missing`;
		}
	}
	if (!Array.isArray(document.interactions)) {
		return "interactions is not an array";
	}
	for (const [index, item] of document.interactions.entries()) {
		const interaction = item as Partial<PactInteraction> | null;
		if (
			typeof interaction?.description !== "string" ||
			typeof interaction.request?.method !== "string" ||
			typeof interaction.request.path !== "string" ||
			typeof interaction.response?.status !== "number"
		) {
			return `interactions[${index}] lacks a description, request method and path, or response status`;
		}
	}
	return undefined;
}

/**
 * Returns the requirement id of an interaction: the name of its
 * `requirement` reference, else the first word of its test name.
 */
export function requirementOf(
	interaction: PactInteraction,
): string | undefined {
	const references = interaction.comments?.references?.requirement;
	const [fromReference] = Object.keys(references ?? {});
	if (fromReference) {
		return fromReference;
	}
	const [fromTestName] = (interaction.comments?.testname ?? "").split(" ");
	return fromTestName || undefined;
}

/** Returns the status class rule of the response (e.g. "clientError"), if any. */
export function statusClassOf(
	interaction: PactInteraction,
): string | undefined {
	const rules = interaction.response.matchingRules as
		| { status?: { $?: { matchers?: Array<{ status?: unknown }> } } }
		| undefined;
	const status = rules?.status?.$?.matchers?.[0]?.status;
	return typeof status === "string" ? status : undefined;
}

/**
 * Copies the document with only the interaction of this description, so a
 * verifier run checks exactly that one. Throws when the description names
 * no interaction or several.
 */
export function withOnlyInteraction(
	document: PactDocument,
	description: string,
): PactDocument {
	const matches = document.interactions.filter(
		(interaction) => interaction.description === description,
	);
	if (matches.length !== 1) {
		throw new Error(
			`the pact between ${document.consumer.name} and ${document.provider.name} has ${matches.length} interactions described ${JSON.stringify(description)}; descriptions must be unique`,
		);
	}
	return { ...document, interactions: matches };
}
