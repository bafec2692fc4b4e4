import {
	DEVIATIONS,
	type DeviationName,
	type MockRegionOptions,
	startMockRegion,
} from "../mock-region/index.ts";
import { type ParsedFlags, UsageError } from "./flags.ts";
import type { Output } from "./output.ts";

/**
 * `maas-conformance mock-region`: starts the mock region on 127.0.0.1 and
 * prints how to point the gate at it, then runs until SIGINT or SIGTERM.
 * The token and password it prints belong to this mock only.
 */

export const MOCK_REGION_FLAGS = {
	port: { type: "string" },
	"project-id": { type: "string" },
	region: { type: "string" },
	quota: { type: "string" },
	deviation: { type: "string", multiple: true },
	"delay-ms": { type: "string" },
	"not-found-status": { type: "string" },
	"create-status": { type: "string" },
	"create-without-id": { type: "boolean" },
	"edit-status": { type: "string" },
	"extra-fields": { type: "boolean" },
	"invalid-token-style": { type: "string" },
	"list-deviations": { type: "boolean" },
} as const;

function integerFlag(
	values: ParsedFlags["values"],
	flag: string,
): number | undefined {
	const value = values[flag];
	if (typeof value !== "string") return undefined;
	if (!/^[0-9]+$/.test(value)) {
		throw new UsageError(
			`--${flag} must be a non-negative integer, got ${JSON.stringify(value)}.`,
			"mock-region",
		);
	}
	return Number(value);
}

function choiceFlag<T extends string | number>(
	values: ParsedFlags["values"],
	flag: string,
	choices: readonly T[],
): T | undefined {
	const value = values[flag];
	if (typeof value !== "string") return undefined;
	const choice = choices.find((candidate) => String(candidate) === value);
	if (choice === undefined) {
		throw new UsageError(
			`--${flag} must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}.`,
			"mock-region",
		);
	}
	return choice;
}

/** Builds mock options from the flags; throws UsageError for a bad value. */
export function mockOptionsOf(
	values: ParsedFlags["values"],
): MockRegionOptions {
	const options: MockRegionOptions = {};

	const port = integerFlag(values, "port");
	if (port !== undefined) options.port = port;
	const quota = integerFlag(values, "quota");
	if (quota !== undefined) options.quota = quota;
	const delayMs = integerFlag(values, "delay-ms");
	if (delayMs !== undefined) options.delayMs = delayMs;
	if (typeof values["project-id"] === "string") {
		options.projectId = values["project-id"];
	}
	if (typeof values.region === "string") options.region = values.region;

	const notFound = choiceFlag(values, "not-found-status", [400, 404] as const);
	if (notFound !== undefined) options.notFoundStatus = notFound;
	const createStatus = choiceFlag(values, "create-status", [200, 201] as const);
	if (createStatus !== undefined) options.createStatus = createStatus;
	const editStatus = choiceFlag(values, "edit-status", [200, 204] as const);
	if (editStatus !== undefined) options.editStatus = editStatus;
	const tokenStyle = choiceFlag(values, "invalid-token-style", [
		"gateway",
		"delete-example",
	] as const);
	if (tokenStyle !== undefined) options.invalidTokenStyle = tokenStyle;
	if (values["create-without-id"] === true) options.createReturnsId = false;
	if (values["extra-fields"] === true) options.extraFields = true;

	const deviations = values.deviation;
	if (Array.isArray(deviations) && deviations.length > 0) {
		for (const name of deviations) {
			if (!Object.hasOwn(DEVIATIONS, name)) {
				throw new UsageError(
					`unknown deviation ${JSON.stringify(name)}; run "maas-conformance mock-region --list-deviations" for the names.`,
					"mock-region",
				);
			}
		}
		options.deviations = deviations as DeviationName[];
	}
	return options;
}

export async function runMockRegion(
	values: ParsedFlags["values"],
	output: Output,
): Promise<number> {
	if (values["list-deviations"] === true) {
		for (const [name, description] of Object.entries(DEVIATIONS)) {
			output.out(`${name}: ${description}`);
		}
		return 0;
	}
	const options = mockOptionsOf(values);
	let mock: Awaited<ReturnType<typeof startMockRegion>>;
	try {
		mock = await startMockRegion(options);
	} catch (error) {
		output.err(
			`the mock region did not start: ${error instanceof Error ? error.message : String(error)}`,
		);
		return 2;
	}
	const user = mock.users[0];
	// These values are the mock's own test credentials, so they are printed
	// directly (process.stdout), not masked.
	const lines = [
		`Mock region listening on ${mock.url}`,
		`Project ID: ${mock.projectId}  region: ${mock.region}`,
		`Token: ${mock.token}`,
		...(user
			? [
					`IAM: ${mock.iamUrl}/v3/auth/tokens, domain ${user.domain}, user ${user.name}, password ${user.password}`,
				]
			: []),
		...(options.deviations?.length
			? [`Deviations: ${options.deviations.join(", ")}`]
			: []),
		"",
		"Point the gate at it (environment or .env):",
		`MAAS_ENDPOINT=${mock.url}`,
		`MAAS_PROJECT_ID=${mock.projectId}`,
		`MAAS_AUTH_TOKEN=${mock.token}`,
		...(user
			? [
					"# optional, to check the IAM login too:",
					`MAAS_IAM_ENDPOINT=${mock.iamUrl}`,
					`MAAS_IAM_USER=${user.name}`,
					`MAAS_IAM_PASSWORD=${user.password}`,
					`MAAS_IAM_DOMAIN=${user.domain}`,
					`MAAS_IAM_PROJECT=${mock.region}`,
				]
			: []),
		"",
		"Press Ctrl-C to stop.",
	];
	process.stdout.write(`${lines.join("\n")}\n`);

	const signal = await new Promise<NodeJS.Signals>((resolve) => {
		process.once("SIGINT", () => resolve("SIGINT"));
		process.once("SIGTERM", () => resolve("SIGTERM"));
	});
	await mock.close();
	output.out(`Mock region stopped (${signal}).`);
	return 0;
}
