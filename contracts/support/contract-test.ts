/**
 * `contractTest(id, description, body)` registers one Pact consumer test.
 * The vitest test is named `<id> <description>` and carries the requirement
 * in `task.meta` (stage "contracts"). `body` gets an interaction that
 * already has its description, test name, a comment with the rule and a
 * `requirement` reference, so every interaction in the pact file names its
 * requirement.
 */
import { test } from "vitest";
import { MaasClient } from "../../src/client/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { requirementById } from "../../src/requirements/index.ts";
import {
	CONSUMER,
	PLACEHOLDER_PROJECT_ID,
	PLACEHOLDER_TOKEN,
	PROVIDER,
} from "./contract.ts";
import { PactV4 } from "./pact.ts";

const config = loadConfig();

/** The builder `PactV4#addInteraction()` returns. */
export type UnconfiguredInteraction = ReturnType<
	InstanceType<typeof PactV4>["addInteraction"]
>;

/** Clients made during the running test; closed when it ends. */
const openClients: MaasClient[] = [];

export function contractTest(
	id: string,
	description: string,
	body: (interaction: UnconfiguredInteraction) => Promise<void>,
): void {
	test(`${id} ${description}`, async ({ task }) => {
		const requirement = requirementById(id);
		task.meta.requirement = requirement.id;
		task.meta.level = requirement.level;
		task.meta.source = requirement.source;
		task.meta.stage = "contracts";
		const pact = new PactV4({
			consumer: CONSUMER,
			provider: PROVIDER,
			dir: config.pactDir,
			logLevel: "warn",
		});
		const interaction = pact
			.addInteraction()
			.uponReceiving(description)
			.testName(`${requirement.id} ${description}`)
			.comment(`${requirement.id}: ${requirement.rule}`)
			.reference("requirement", requirement.id, requirement.source);
		try {
			await body(interaction);
		} finally {
			await Promise.all(openClients.splice(0).map((client) => client.close()));
		}
	});
}

/**
 * Creates the client under test, aimed at the Pact mock server. It sends
 * the placeholder token unless `token` is given, and the placeholder
 * project id that the recorded paths contain.
 */
export function clientFor(
	mockServerUrl: string,
	token: string = PLACEHOLDER_TOKEN,
): MaasClient {
	const client = new MaasClient({
		endpoint: mockServerUrl,
		projectId: PLACEHOLDER_PROJECT_ID,
		token,
		timeoutMs: config.requestTimeoutMs,
	});
	openClients.push(client);
	return client;
}

/** Resolves with the rejection reason; fails when the promise resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error(
		"the client call succeeded; the interaction expects it to fail",
	);
}
