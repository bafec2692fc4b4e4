/**
 * Delete (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html):
 * the success response on the wire, the endpoint leaving the list, and the
 * responses to ids that are gone, never existed or are malformed.
 */

import {
	checkClientError,
	checkEmptySuccess,
	checkRejectedSafely,
	NOT_FOUND,
} from "../src/probe/checks.ts";
import {
	confirmedDeleted,
	deletedEndpoint,
	describeResponse,
} from "../src/probe/fixtures.ts";
import { probe } from "../src/probe/probe.ts";

probe("DELETE-204-EMPTY", async ({ assert, observeExchange }) => {
	const { deletion } = await deletedEndpoint();
	observeExchange(deletion.observation);
	assert([checkEmptySuccess(deletion.observation)]);
});

probe("DELETE-REMOVES-ENDPOINT", async ({ assert, observeExchange }) => {
	const deleted = await deletedEndpoint();
	const { observation, listed, unverifiable } = deleted.deletion;
	observeExchange(observation);
	const violations = listed
		? [
				`the list still shows ${deleted.name} (${deleted.id}) after the delete ${describeResponse(observation)}`,
			]
		: unverifiable
			? [`the removal cannot be seen: ${unverifiable}`]
			: [];
	assert([
		{
			observation,
			expected: `the endpoint ${deleted.id} absent from the list after its delete`,
			violations,
		},
	]);
});

probe(
	"DELETE-REPEAT-REJECTED",
	async ({ session, assert, observeExchange }) => {
		const deleted = await confirmedDeleted();
		const { observation } = await session.deleteEndpoint(
			deleted.id,
			"the second delete judged by DELETE-REPEAT-REJECTED",
		);
		const verdict = checkClientError(observation, { alternatives: NOT_FOUND });
		observeExchange(observation, verdict.alternative);
		assert([verdict]);
	},
);

probe(
	"DELETE-UNKNOWN-REJECTED",
	async ({ session, assert, observeExchange }) => {
		const { observation } = await session.deleteEndpoint(
			session.unknownId(),
			"a delete of an id that never existed",
		);
		const verdict = checkClientError(observation, { alternatives: NOT_FOUND });
		observeExchange(observation, verdict.alternative);
		assert([verdict]);
	},
);

probe("DELETE-MALFORMED-ID-SAFE", async ({ session, assert, observe }) => {
	const ids = session.malformedIds();
	const observations = await Promise.all(
		ids.map((id) => session.deleteMalformed(id)),
	);
	const statuses = observations.map(
		(observation, index) =>
			`${ids[index]?.label}: ${observation.status ?? "no response"}`,
	);
	observe({ alternative: `statuses ${statuses.join(", ")}` });
	assert(observations.map((observation) => checkRejectedSafely(observation)));
});
