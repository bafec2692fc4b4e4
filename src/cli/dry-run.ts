import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import { REQUIREMENTS } from "../requirements/index.ts";
import { contractsPactDir } from "./contracts-pact-dir.ts";
import type { Output } from "./output.ts";
import { ENDPOINTS_NEEDED } from "./preflight.ts";

/**
 * `gate --dry-run`: prints what a run would do, from what the repository
 * declares (stage test files, the requirement catalogue, the committed pact
 * files). Sends no request, starts no server and writes no file.
 */

/** Test files of each stage, as the vitest projects select them. */
const STAGE_FILES: ReadonlyArray<{
	stage: string;
	folder: string;
	suffix: string;
}> = [
	{ stage: "contracts", folder: "contracts", suffix: ".pact.test.ts" },
	{ stage: "verify", folder: "contracts/verify", suffix: ".verify.test.ts" },
	{ stage: "probes", folder: "specs", suffix: ".spec.ts" },
];

/** Probe fixtures on a conformant region: one live and one deleted endpoint. */
const PROBE_ENDPOINTS = 2;

/** Provider states whose setup creates an endpoint (and burns its name). */
const CREATING_STATES = new Set([
	"an endpoint exists",
	"an endpoint was deleted",
	"an endpoint name is reserved",
]);

function filesOf(root: string, folder: string, suffix: string): string[] {
	try {
		return readdirSync(join(root, folder), { recursive: true })
			.map(String)
			.filter((file) => file.endsWith(suffix))
			.map((file) => `${folder}/${file.split("\\").join("/")}`)
			.sort();
	} catch {
		return [];
	}
}

interface PactInteraction {
	description: string;
	method: string;
	path: string;
	states: string[];
	status: string;
}

function readPacts(root: string): {
	files: string[];
	interactions: PactInteraction[];
	problems: string[];
} {
	const folder = "contracts/pacts";
	const files = filesOf(root, folder, ".json");
	const interactions: PactInteraction[] = [];
	const problems: string[] = [];
	for (const file of files) {
		try {
			const pact = JSON.parse(readFileSync(join(root, file), "utf8")) as {
				interactions?: Array<{
					description?: string;
					providerStates?: Array<{ name?: string }>;
					request?: { method?: string; path?: string };
					response?: { status?: unknown };
				}>;
			};
			for (const interaction of pact.interactions ?? []) {
				interactions.push({
					description: String(interaction.description ?? "(no description)"),
					method: String(interaction.request?.method ?? "?").toUpperCase(),
					path: String(interaction.request?.path ?? "?"),
					states: (interaction.providerStates ?? []).map((state) =>
						String(state.name ?? ""),
					),
					status:
						interaction.response?.status === undefined
							? "?"
							: String(interaction.response.status),
				});
			}
		} catch (error) {
			problems.push(
				`${file}: ${error instanceof Error ? error.message : String(error)}`,
			);
		}
	}
	return { files, interactions, problems };
}

export function printPlan(
	config: Readonly<Config>,
	output: Output,
	root: string,
): void {
	const lines: string[] = [];
	lines.push("Dry run: nothing is sent and no file is written.");
	lines.push(
		`Target: ${
			config.endpoint
				? `${config.endpoint} (project ${config.projectId ?? "from the IAM token"})`
				: "the embedded mock region, started on 127.0.0.1 when the gate runs"
		}`,
	);
	if (config.iam) {
		lines.push(
			`IAM login: ${config.iam.endpoint} as ${config.iam.domain}/${config.iam.user}, once per run`,
		);
	}
	lines.push(
		`Preflight: GET .../endpoint (list); needs ${ENDPOINTS_NEEDED} free endpoint slots`,
	);
	lines.push(
		`Reports: ${join(config.reportDir, "junit.xml")}, per stage ${join(config.reportDir, "junit", "<stage>.xml")}, logs ${join(config.reportDir, "logs")}`,
	);

	lines.push("", "Stages, in order:");
	for (const { stage, folder, suffix } of STAGE_FILES) {
		const files = filesOf(root, folder, suffix);
		lines.push(
			`  ${stage}: ${files.length === 0 ? "NO TEST FILES (the stage will fail)" : files.join(", ")}`,
		);
	}

	const pacts = readPacts(root);
	lines.push(
		"",
		`contracts: the consumer tests need no region and run beside the other stages; they write pact files to ${contractsPactDir(config)}.`,
		`verify: replays ${pacts.interactions.length} interaction(s) from ${
			pacts.files.join(", ") || "no pact file"
		}:`,
	);
	let verifyCreates = 0;
	for (const interaction of pacts.interactions) {
		const creates = interaction.states.some((state) =>
			CREATING_STATES.has(state),
		);
		if (creates) verifyCreates++;
		lines.push(
			`  ${interaction.method} ${interaction.path} -> ${interaction.status}: ${interaction.description}${
				interaction.states.length > 0
					? ` [state: ${interaction.states.join("; ")}]`
					: ""
			}`,
		);
	}
	for (const problem of pacts.problems) lines.push(`  unreadable: ${problem}`);

	const iamChecked = config.endpoint ? config.iamTarget : true;
	const probes = REQUIREMENTS.filter(
		(requirement) => requirement.id !== "IAM-TOKEN-ISSUED" || iamChecked,
	);
	lines.push("", `probes: ${probes.length} check(s), one per requirement:`);
	for (const requirement of probes) {
		lines.push(
			`  ${requirement.id} (${requirement.level}) ${requirement.title}`,
		);
	}

	const names = verifyCreates + PROBE_ENDPOINTS;
	lines.push(
		"",
		`Endpoints: verify creates up to ${verifyCreates} (one per interaction with a provider state that needs one, at most one per verification lane at a time); the probes create ${PROBE_ENDPOINTS} on a conformant region. At most ${ENDPOINTS_NEEDED} are alive at once.`,
		`Names burned: about ${names}, of the form ${config.namePrefix}<run id>-<n> (a deleted name can never be used again); a region that accepts creates it should reject burns more.`,
		"Cleanup: every endpoint in the run's ledger is deleted at the end, also after a failure or SIGINT.",
	);
	output.out(lines.join("\n"));
}
