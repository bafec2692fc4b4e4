/**
 * What the client relies on when it creates an endpoint
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0013.html).
 * The success status is not documented (regions return 200 or 201), and
 * the body may or may not carry the new id. So the contract expects only
 * the success class, and the client finds the id in the list when the body
 * has none. A name once used, also by a deleted endpoint, is rejected with
 * 400 ModelArts.6271 (ErrorCode.html).
 */
import { describe, expect } from "vitest";
import {
	EXAMPLE_ENDPOINT_NAME,
	EXAMPLE_MODEL_NAME,
	EXAMPLE_SOURCE,
	endpointCollectionPath,
	injected,
	PLACEHOLDER_TOKEN,
	PROVIDER_STATES,
} from "../support/contract.ts";
import {
	clientFor,
	contractTest,
	rejectionOf,
} from "../support/contract-test.ts";
import { HTTPResponseStatusClass, MatchersV3 } from "../support/pact.ts";

const { fromProviderState, like, matchStatus } = MatchersV3;

/**
 * The create body with every value injected from the provider state: a
 * live region must get the run's own name, source and model, never the
 * examples (a name can be used only once, ever).
 */
const injectedCreateBody = {
	endpoint_name: fromProviderState(injected("name"), EXAMPLE_ENDPOINT_NAME),
	source: fromProviderState(injected("source"), EXAMPLE_SOURCE),
	model_name: fromProviderState(injected("modelName"), EXAMPLE_MODEL_NAME),
};

const exampleCreateBody = {
	endpoint_name: EXAMPLE_ENDPOINT_NAME,
	source: EXAMPLE_SOURCE,
	model_name: EXAMPLE_MODEL_NAME,
};

describe("create", () => {
	contractTest("CREATE-SUCCEEDS", "create an endpoint", async (interaction) => {
		await interaction
			.given(PROVIDER_STATES.nameReserved)
			.withRequest("POST", endpointCollectionPath(), (request) => {
				request
					.headers({ "X-Auth-Token": like(PLACEHOLDER_TOKEN) })
					.jsonBody(injectedCreateBody);
			})
			.willRespondWith(matchStatus(200, HTTPResponseStatusClass.Success))
			.executeTest(async (mockServer) => {
				const response = await clientFor(mockServer.url).createEndpoint(
					exampleCreateBody,
				);
				expect(response.status).toBe(200);
				// Nothing in the body is promised, so the client has no id yet.
				expect(response.id).toBeUndefined();
			});
	});

	contractTest(
		"NAME-NEVER-REUSED",
		"create with the name of a deleted endpoint",
		async (interaction) => {
			await interaction
				.given(PROVIDER_STATES.endpointDeleted, { name: EXAMPLE_ENDPOINT_NAME })
				.withRequest("POST", endpointCollectionPath(), (request) => {
					request
						.headers({ "X-Auth-Token": like(PLACEHOLDER_TOKEN) })
						.jsonBody(injectedCreateBody);
				})
				.willRespondWith(400, (response) => {
					response.jsonBody({
						error_code: "ModelArts.6271",
						error_msg: like("The endpoint name already exists."),
					});
				})
				.executeTest(async (mockServer) => {
					const error = await rejectionOf(
						clientFor(mockServer.url).createEndpoint(exampleCreateBody),
					);
					expect(error).toMatchObject({
						code: "MAAS_API_ERROR",
						details: { status: 400, errorCode: "ModelArts.6271" },
					});
				});
		},
	);
});
