/**
 * Enable/Disable (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0017.html):
 * both actions return 204 with no body, unknown ids and undocumented
 * actions are rejected.
 */

import {
	type Alternative,
	checkClientError,
	checkEmptySuccess,
} from "../src/probe/checks.ts";
import { withLiveEndpoint } from "../src/probe/fixtures.ts";
import { probe } from "../src/probe/probe.ts";

/** 404 on the Enable/Disable page, 400 ModelArts.6291 in the error table. */
const CONTROL_NOT_FOUND: Alternative[] = [
	{ status: 404, label: "404" },
	{ status: 400, errorCode: "ModelArts.6291", label: "400 ModelArts.6291" },
];

// Exclusive: the endpoint changes state, which could make a check beside it
// (an edit, say) fail on a real region for a reason of this check's making.
probe("CONTROL-204-EMPTY", ({ session, assert, observeExchange }) =>
	withLiveEndpoint("exclusive", async (live) => {
		const deactivate = await session.control(live.id, "deactivate");
		const activate = await session.control(live.id, "activate");
		observeExchange(deactivate);
		assert([checkEmptySuccess(deactivate), checkEmptySuccess(activate)]);
	}),
);

probe(
	"CONTROL-UNKNOWN-REJECTED",
	async ({ session, assert, observeExchange }) => {
		const observation = await session.control(session.unknownId(), "activate");
		const verdict = checkClientError(observation, {
			alternatives: CONTROL_NOT_FOUND,
		});
		observeExchange(observation, verdict.alternative);
		assert([verdict]);
	},
);

probe("CONTROL-ACTION-VALIDATED", ({ session, assert, observeExchange }) =>
	withLiveEndpoint("shared", async (live) => {
		const observation = await session.control(live.id, "restart");
		const verdict = checkClientError(observation, { anyClientError: true });
		observeExchange(observation, verdict.alternative);
		assert([verdict]);
	}),
);
