/**
 * Edit (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0014.html):
 * an edit is applied, and an edit of an unknown id is rejected.
 */

import { randomBytes } from "node:crypto";
import {
	checkClientError,
	checkSuccessStatus,
	NOT_FOUND,
} from "../src/probe/checks.ts";
import { withLiveEndpoint } from "../src/probe/fixtures.ts";
import { probe } from "../src/probe/probe.ts";

probe("EDIT-APPLIES", ({ session, assert, observeExchange }) =>
	withLiveEndpoint("shared", async (live) => {
		const remark = `conformance probe: edited ${randomBytes(4).toString("hex")}`;
		const observation = await session.edit(live.id, { remark });
		// The success status is not documented: 200 (with a body) or 204.
		const verdict = checkSuccessStatus(
			observation,
			[200, 204],
			`200 or 204, then the list shows remark ${JSON.stringify(remark)}`,
		);
		if (verdict.violations.length === 0) {
			const listing = await session.listedItems();
			if ("error" in listing) {
				verdict.violations.push(
					`the list could not be read after the edit: ${listing.error}`,
				);
			} else {
				const item = listing.items.find((entry) => entry.id === live.id);
				if (!item) {
					verdict.violations.push(`the list does not show ${live.id}`);
				} else if (item.remark !== remark) {
					verdict.violations.push(
						`the list shows remark ${JSON.stringify(item.remark)}, not the new one`,
					);
				}
			}
		}
		observeExchange(observation, verdict.alternative);
		assert([verdict]);
	}),
);

probe("EDIT-UNKNOWN-REJECTED", async ({ session, assert, observeExchange }) => {
	const observation = await session.edit(session.unknownId(), {
		remark: "conformance probe: unknown id",
	});
	const verdict = checkClientError(observation, { alternatives: NOT_FOUND });
	observeExchange(observation, verdict.alternative);
	assert([verdict]);
});
