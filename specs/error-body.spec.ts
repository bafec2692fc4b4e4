/**
 * The error format (https://support.huaweicloud.com/intl/en-us/api-maas/ErrorCode.html):
 * a JSON body with error_msg and error_code, labelled application/json.
 * Judged on three error responses: a delete of an unknown id (a MaaS error),
 * a list without a token (a gateway error) and an edit of an unknown id.
 */

import {
	contentTypeViolations,
	errorBodyViolations,
	transportViolation,
	type Verdict,
} from "../src/probe/checks.ts";
import { errorSamples } from "../src/probe/fixtures.ts";
import type { Observation } from "../src/probe/observation.ts";
import { probe } from "../src/probe/probe.ts";

/**
 * Judges each sample that got an error status. A sample without a response
 * is a violation. A sample the region accepted is left out, because other
 * checks fail it. Returns a note as well when no sample is an error.
 */
function judgeErrors(
	samples: readonly Observation[],
	expected: string,
	violationsOf: (observation: Observation) => string[],
): { verdicts: Verdict[]; notes: string[] } {
	const verdicts: Verdict[] = [];
	for (const observation of samples) {
		const failure = transportViolation(observation);
		if (failure) {
			verdicts.push({ observation, expected, violations: [failure] });
		} else if ((observation.status ?? 0) >= 400) {
			verdicts.push({
				observation,
				expected,
				violations: violationsOf(observation),
			});
		}
	}
	const notes =
		verdicts.length === 0
			? [
					`none of the requests meant to cause an error got an error status: ${samples
						.map(
							(sample) =>
								`${sample.sent.method} ${sample.sent.path} -> ${sample.status}`,
						)
						.join("; ")}`,
				]
			: [];
	return { verdicts, notes };
}

probe("ERROR-BODY-SCHEMA", async ({ assert, observeExchange }) => {
	const samples = await errorSamples();
	const { verdicts, notes } = judgeErrors(
		samples,
		"a JSON object body with non-empty string error_msg and error_code",
		errorBodyViolations,
	);
	const first = verdicts[0];
	if (first) observeExchange(first.observation);
	assert(verdicts, notes);
});

probe("ERROR-CONTENT-TYPE-JSON", async ({ assert, observeExchange }) => {
	const samples = await errorSamples();
	const { verdicts, notes } = judgeErrors(
		samples,
		"Content-Type application/json (parameters such as charset allowed)",
		contentTypeViolations,
	);
	const first = verdicts[0];
	if (first) observeExchange(first.observation);
	assert(verdicts, notes);
});
