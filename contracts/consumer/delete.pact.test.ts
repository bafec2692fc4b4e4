/**
 * What the client relies on when it deletes an endpoint
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html):
 * 204 with no body on success, and a client error with a JSON error body
 * for a gone or unknown id and for a bad token. Which client error status
 * a region uses differs between the pages (400 ModelArts.6291 in
 * ErrorCode.html, 404 on the Enable/Disable page and in the Delete page's
 * example), so the contract expects the client-error class, not a code.
 */
import { describe, expect } from "vitest";
import {
	EXAMPLE_ENDPOINT_ID,
	EXAMPLE_ENDPOINT_NAME,
	endpointPath,
	INVALID_TOKEN,
	injected,
	PLACEHOLDER_TOKEN,
	PROVIDER_STATES,
	UNKNOWN_ENDPOINT_ID,
} from "../support/contract.ts";
import {
	clientFor,
	contractTest,
	rejectionOf,
} from "../support/contract-test.ts";
import { HTTPResponseStatusClass, MatchersV3 } from "../support/pact.ts";

const { fromProviderState, like, matchStatus, regex } = MatchersV3;

/** error_code as the pages write it: "ModelArts.6291", "APIGW.0301". */
const ERROR_CODE_PATTERN = /^[A-Za-z]+(\.[A-Za-z0-9]+)+$/;

const injectedEndpointPath = fromProviderState(
	endpointPath(injected("id")),
	endpointPath(EXAMPLE_ENDPOINT_ID),
);

function errorBody(exampleCode: string, exampleMessage: string) {
	return {
		error_code: regex(ERROR_CODE_PATTERN, exampleCode),
		error_msg: like(exampleMessage),
	};
}

describe("delete", () => {
	contractTest(
		"DELETE-204-EMPTY",
		"delete an existing endpoint",
		async (interaction) => {
			await interaction
				.given(PROVIDER_STATES.endpointExists, { name: EXAMPLE_ENDPOINT_NAME })
				.withRequest("DELETE", injectedEndpointPath, (request) => {
					request.headers({ "X-Auth-Token": like(PLACEHOLDER_TOKEN) });
				})
				.willRespondWith(204)
				.executeTest(async (mockServer) => {
					const response = await clientFor(mockServer.url).deleteEndpoint(
						EXAMPLE_ENDPOINT_ID,
					);
					expect(response.status).toBe(204);
					expect(response.body).toBeUndefined();
				});
		},
	);

	contractTest(
		"DELETE-REPEAT-REJECTED",
		"delete an endpoint twice",
		async (interaction) => {
			await interaction
				.given(PROVIDER_STATES.endpointDeleted, { name: EXAMPLE_ENDPOINT_NAME })
				.withRequest("DELETE", injectedEndpointPath, (request) => {
					request.headers({ "X-Auth-Token": like(PLACEHOLDER_TOKEN) });
				})
				.willRespondWith(
					matchStatus(400, HTTPResponseStatusClass.ClientError),
					(response) => {
						response.jsonBody(
							errorBody("ModelArts.6291", "CustomEndpointNotFound"),
						);
					},
				)
				.executeTest(async (mockServer) => {
					const error = await rejectionOf(
						clientFor(mockServer.url).deleteEndpoint(EXAMPLE_ENDPOINT_ID),
					);
					expect(error).toMatchObject({
						code: "MAAS_API_ERROR",
						details: { status: 400, errorCode: "ModelArts.6291" },
					});
				});
		},
	);

	contractTest(
		"DELETE-UNKNOWN-REJECTED",
		"delete an unknown endpoint",
		async (interaction) => {
			await interaction
				.withRequest("DELETE", endpointPath(UNKNOWN_ENDPOINT_ID), (request) => {
					request.headers({ "X-Auth-Token": like(PLACEHOLDER_TOKEN) });
				})
				.willRespondWith(
					matchStatus(400, HTTPResponseStatusClass.ClientError),
					(response) => {
						response.jsonBody(
							errorBody("ModelArts.6291", "CustomEndpointNotFound"),
						);
					},
				)
				.executeTest(async (mockServer) => {
					const error = await rejectionOf(
						clientFor(mockServer.url).deleteEndpoint(UNKNOWN_ENDPOINT_ID),
					);
					expect(error).toMatchObject({
						code: "MAAS_API_ERROR",
						details: { status: 400, errorCode: "ModelArts.6291" },
					});
				});
		},
	);

	contractTest(
		"DELETE-TOKEN-VALIDATED",
		"delete with an invalid token",
		async (interaction) => {
			await interaction
				.withRequest("DELETE", endpointPath(UNKNOWN_ENDPOINT_ID), (request) => {
					// No matcher: the verifier must send exactly this bad token.
					request.headers({ "X-Auth-Token": INVALID_TOKEN });
				})
				.willRespondWith(
					matchStatus(401, HTTPResponseStatusClass.ClientError),
					(response) => {
						response.jsonBody(
							errorBody(
								"APIGW.0301",
								"Incorrect IAM authentication information: the token is invalid",
							),
						);
					},
				)
				.executeTest(async (mockServer) => {
					const error = await rejectionOf(
						clientFor(mockServer.url, INVALID_TOKEN).deleteEndpoint(
							UNKNOWN_ENDPOINT_ID,
						),
					);
					expect(error).toMatchObject({
						code: "MAAS_API_ERROR",
						details: { status: 401, errorCode: "APIGW.0301" },
					});
				});
		},
	);
});
