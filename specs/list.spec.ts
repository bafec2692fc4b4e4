/**
 * Query (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0015.html):
 * the list body and the quota it reports.
 */

import { transportViolation, type Verdict } from "../src/probe/checks.ts";
import { listSample } from "../src/probe/fixtures.ts";
import { probe } from "../src/probe/probe.ts";
import { validateEndpointList } from "../src/schemas/index.ts";

/** The documented quota figures: 10 on some pages, 30 on others. */
const DOCUMENTED_QUOTAS = [10, 30];

probe("LIST-SCHEMA", async ({ assert, observeExchange, warn }) => {
	const observation = await listSample();
	const verdict: Verdict = {
		observation,
		expected:
			"200 with total (integer), count (string), items and quantity_limit (integer) >= total, each item a CustomEndpointInfo",
		violations: [],
	};
	const failure = transportViolation(observation);
	if (failure) {
		verdict.violations.push(failure);
		assert([verdict]);
		return;
	}
	if (observation.status !== 200) {
		verdict.violations.push(`status is ${observation.status}, expected 200`);
	}
	const body = observation.json as Record<string, unknown> | undefined;
	const schema = validateEndpointList(body);
	verdict.violations.push(
		...schema.errors.map((error) => `list body: ${error}`),
	);
	const { total, quantity_limit: limit, count } = body ?? {};
	if (typeof total === "number" && typeof limit === "number" && limit < total) {
		verdict.violations.push(`quantity_limit ${limit} is below total ${total}`);
	}
	let alternative: string | undefined;
	if (typeof count === "string") alternative = "count as a string";
	if (typeof count === "number") {
		alternative = "count as an integer";
		warn("count is an integer; the Query page documents it as a string");
	}
	observeExchange(observation, alternative);
	assert([verdict]);
});

probe("LIST-QUOTA-DOCUMENTED", async ({ assert, observeExchange, warn }) => {
	const observation = await listSample();
	const failure = transportViolation(observation);
	if (failure) {
		assert([
			{
				observation,
				expected: "a list body with quantity_limit",
				violations: [failure],
			},
		]);
		return;
	}
	const limit = (observation.json as { quantity_limit?: unknown } | undefined)
		?.quantity_limit;
	observeExchange(observation, `quota ${JSON.stringify(limit) ?? "absent"}`);
	if (typeof limit !== "number" || !DOCUMENTED_QUOTAS.includes(limit)) {
		warn(
			`quantity_limit is ${JSON.stringify(limit) ?? "absent"}; the pages document ${DOCUMENTED_QUOTAS.join(" or ")}`,
		);
	}
});
