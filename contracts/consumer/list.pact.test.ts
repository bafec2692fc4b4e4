/**
 * What the client relies on when it lists endpoints
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0015.html):
 * `items` with each endpoint's `id` and `endpoint_name` (to find an
 * endpoint by name), `total` and `quantity_limit` (to compute free quota).
 * Nothing else is promised, so regions may add fields, and `count`
 * (documented as a string) is left to the probes.
 */
import { describe, expect } from "vitest";
import {
	EXAMPLE_ENDPOINT_ID,
	EXAMPLE_ENDPOINT_NAME,
	endpointCollectionPath,
	PLACEHOLDER_TOKEN,
} from "../support/contract.ts";
import { clientFor, contractTest } from "../support/contract-test.ts";
import { MatchersV3 } from "../support/pact.ts";

const { atLeastLike, integer, like, string } = MatchersV3;

describe("list", () => {
	contractTest("LIST-SCHEMA", "list endpoints", async (interaction) => {
		await interaction
			.withRequest("GET", endpointCollectionPath(), (request) => {
				request.headers({ "X-Auth-Token": like(PLACEHOLDER_TOKEN) });
			})
			.willRespondWith(200, (response) => {
				response.jsonBody({
					// min 0: an account without endpoints returns an empty list.
					items: atLeastLike(
						{
							id: string(EXAMPLE_ENDPOINT_ID),
							endpoint_name: string(EXAMPLE_ENDPOINT_NAME),
						},
						0,
						1,
					),
					total: integer(1),
					quantity_limit: integer(10),
				});
			})
			.executeTest(async (mockServer) => {
				const client = clientFor(mockServer.url);
				const response = await client.listEndpoints();
				expect(response.status).toBe(200);
				expect(response.body).toMatchObject({
					total: 1,
					quantity_limit: 10,
					items: [
						{ id: EXAMPLE_ENDPOINT_ID, endpoint_name: EXAMPLE_ENDPOINT_NAME },
					],
				});
			});
	});
});
