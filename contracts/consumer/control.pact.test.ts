/**
 * What the client relies on when it disables an endpoint
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0017.html):
 * `{"action":"deactivate"}` gets 204 with no body.
 */
import { describe, expect } from "vitest";
import {
	controlPath,
	EXAMPLE_ENDPOINT_ID,
	EXAMPLE_ENDPOINT_NAME,
	injected,
	PLACEHOLDER_TOKEN,
	PROVIDER_STATES,
} from "../support/contract.ts";
import { clientFor, contractTest } from "../support/contract-test.ts";
import { MatchersV3 } from "../support/pact.ts";

const { fromProviderState, like } = MatchersV3;

describe("enable/disable", () => {
	contractTest(
		"CONTROL-204-EMPTY",
		"disable an endpoint",
		async (interaction) => {
			await interaction
				.given(PROVIDER_STATES.endpointExists, { name: EXAMPLE_ENDPOINT_NAME })
				.withRequest(
					"PUT",
					fromProviderState(
						controlPath(injected("id")),
						controlPath(EXAMPLE_ENDPOINT_ID),
					),
					(request) => {
						request
							.headers({ "X-Auth-Token": like(PLACEHOLDER_TOKEN) })
							.jsonBody({ action: "deactivate" });
					},
				)
				.willRespondWith(204)
				.executeTest(async (mockServer) => {
					const response = await clientFor(mockServer.url).setEndpointState(
						EXAMPLE_ENDPOINT_ID,
						"deactivate",
					);
					expect(response.status).toBe(204);
					expect(response.body).toBeUndefined();
				});
		},
	);
});
