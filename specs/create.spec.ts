/**
 * Create (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0013.html):
 * a valid create succeeds and is listed. A create without a name or with
 * an invalid one is rejected with the documented error code
 * (https://support.huaweicloud.com/intl/en-us/api-maas/ErrorCode.html).
 */

import {
	type Alternative,
	checkClientError,
	transportViolation,
	type Verdict,
} from "../src/probe/checks.ts";
import { deletedCreation, liveCreation } from "../src/probe/fixtures.ts";
import { type ProbeContext, probe } from "../src/probe/probe.ts";

/** How CREATE-SUCCEEDS records where the new endpoint's id came from. */
const ID_SOURCES = {
	response: "id in the response",
	list: "id from the list",
} as const;

probe("CREATE-SUCCEEDS", async ({ assert, observe }) => {
	const creations = await Promise.all([liveCreation(), deletedCreation()]);
	const verdicts: Verdict[] = creations.map((creation) => {
		const { observation } = creation;
		const violations: string[] = [];
		const failure = transportViolation(observation);
		if (failure) violations.push(failure);
		else if (observation.status !== 200 && observation.status !== 201) {
			violations.push(`status is ${observation.status}, expected 200 or 201`);
		}
		if (creation.listed === false) {
			violations.push(`the list shows no endpoint named ${creation.name}`);
		} else if (creation.listed === undefined && creation.listError) {
			violations.push(`the list could not be read: ${creation.listError}`);
		}
		violations.push(...creation.problems);
		return {
			observation,
			expected: `200 or 201, then ${creation.name} in the list`,
			violations,
		};
	});
	const seen = creations.map((creation) => {
		const status = creation.observation.status ?? "no response";
		const idSource = creation.idSource
			? ID_SOURCES[creation.idSource]
			: "id unknown";
		return `${status}, ${idSource}`;
	});
	const first = creations[0]?.observation;
	observe({
		...(first?.status === undefined ? {} : { status: first.status }),
		alternative: [...new Set(seen)].join("; "),
	});
	assert(verdicts);
});

const MISSING_NAME: Alternative[] = [
	{ status: 400, errorCode: "ModelArts.0104", label: "400 ModelArts.0104" },
];
const INVALID_NAME: Alternative[] = [
	{ status: 400, errorCode: "ModelArts.6274", label: "400 ModelArts.6274" },
];

/** Sends one create the region must reject and judges the response. */
async function rejectedCreate(
	{ session, requirement }: ProbeContext,
	body: Record<string, unknown>,
	ledgerName: string,
	alternatives: Alternative[],
): Promise<Verdict> {
	const outcome = await session.createExpectingRejection(
		`the create judged by ${requirement.id}`,
		body,
		ledgerName,
	);
	const verdict = checkClientError(outcome.observation, { alternatives });
	if (outcome.accepted) {
		verdict.violations.push(
			"the region created an endpoint from it",
			...outcome.cleanup,
		);
	}
	return verdict;
}

probe("CREATE-NAME-REQUIRED", async (context) => {
	const { session } = context;
	// Not sent; it names the endpoint in the ledger if the region accepts.
	const placeholder = session.ledger.reserveName(session.config.namePrefix);
	const verdict = await rejectedCreate(
		context,
		{ source: session.config.source, model_name: session.config.modelName },
		placeholder,
		MISSING_NAME,
	);
	context.observeExchange(verdict.observation, verdict.alternative);
	context.assert([verdict]);
});

probe("CREATE-NAME-VALIDATED", async (context) => {
	const { session } = context;
	const prefix = session.config.namePrefix;
	// Each invalid name keeps the run's prefix and number, so an endpoint a
	// deviant region creates from it can still be traced to the run.
	const names = [
		session.ledger.reserveName(prefix, (name) => name.padEnd(65, "x")),
		session.ledger.reserveName(prefix, (name) => `${name} x`),
		session.ledger.reserveName(prefix, (name) => `${name}/x`),
	];
	const verdicts = await Promise.all(
		names.map((name) =>
			rejectedCreate(
				context,
				{
					endpoint_name: name,
					source: session.config.source,
					model_name: session.config.modelName,
				},
				name,
				INVALID_NAME,
			),
		),
	);
	const first = verdicts[0];
	if (first) context.observeExchange(first.observation, first.alternative);
	context.assert(verdicts);
});
