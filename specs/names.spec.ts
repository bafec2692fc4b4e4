/**
 * Endpoint names are unique for ever
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0013.html,
 * ModelArts.6271 on https://support.huaweicloud.com/intl/en-us/api-maas/ErrorCode.html):
 * neither the name of a live endpoint nor that of a deleted one can be
 * used again.
 */

import { checkClientError } from "../src/probe/checks.ts";
import { confirmedDeleted, withLiveEndpoint } from "../src/probe/fixtures.ts";
import { type ProbeContext, probe } from "../src/probe/probe.ts";

const NAME_TAKEN = [
	{ status: 400, errorCode: "ModelArts.6271", label: "400 ModelArts.6271" },
];

async function createWithTakenName(
	{ session, assert, observeExchange, requirement }: ProbeContext,
	name: string,
): Promise<void> {
	const outcome = await session.createExpectingRejection(
		`the create judged by ${requirement.id}`,
		{
			endpoint_name: name,
			source: session.config.source,
			model_name: session.config.modelName,
		},
		name,
	);
	const verdict = checkClientError(outcome.observation, {
		alternatives: NAME_TAKEN,
	});
	if (outcome.accepted) {
		verdict.violations.push(
			`the region created another endpoint named ${name}`,
			...outcome.cleanup,
		);
	}
	observeExchange(outcome.observation, verdict.alternative);
	assert([verdict]);
}

probe("NAME-UNIQUE-LIVE", (context) =>
	withLiveEndpoint("shared", (live) => createWithTakenName(context, live.name)),
);

probe("NAME-NEVER-REUSED", async (context) => {
	const deleted = await confirmedDeleted();
	await createWithTakenName(context, deleted.name);
});
