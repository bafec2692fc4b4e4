/**
 * Names and example values shared by the consumer tests (which write the
 * pact file) and the provider verification (which replays it). Every value
 * here is an example: on a live region the provider states supply the real
 * ids and names, and the verifier's request filter swaps in the real token
 * and project id.
 */

export const CONSUMER = "maas-endpoint-client";
export const PROVIDER = "maas-custom-endpoint-api";

/** The file pact-js writes for this consumer and provider. */
export const PACT_FILE_NAME = `${CONSUMER}-${PROVIDER}.json`;

/**
 * Stands for the run's real IAM token in every request that should be
 * authorised. The request filter replaces exactly this value, so a real
 * token never enters a pact file and the invalid-token interaction keeps
 * its bad token.
 */
export const PLACEHOLDER_TOKEN = "pact-placeholder-token";

/** The token of the invalid-token interaction; never replaced. */
export const INVALID_TOKEN = "invalid-token";

/**
 * Project id in the recorded paths (32 lowercase letters and digits, like a
 * real one). The request filter replaces it with the target's project id.
 */
export const PLACEHOLDER_PROJECT_ID = "pactexampleproject00000000000000";

/** Example id of an endpoint that a provider state creates. */
export const EXAMPLE_ENDPOINT_ID = "3f2c8a4e-5b1d-4c7a-9e6f-0a1b2c3d4e5f";

/** A well-formed UUID v4 that no region hands out. */
export const UNKNOWN_ENDPOINT_ID = "00000000-0000-4000-8000-000000000000";

/** Example name; provider states return the real name of the run. */
export const EXAMPLE_ENDPOINT_NAME = "pact-example-endpoint";

/** Example create fields; provider states return the run's values. */
export const EXAMPLE_SOURCE = "custom_from_maas";
export const EXAMPLE_MODEL_NAME = "conformance-placeholder-model";

/**
 * Provider states the contract uses. Each one's setup returns the values
 * named in `PROVIDER_STATE_VALUES`, which the verifier injects into the
 * request (Pact provider-state injection).
 */
export const PROVIDER_STATES = Object.freeze({
	/** A live endpoint of this run exists. Returns id and name. */
	endpointExists: "an endpoint exists",
	/**
	 * An endpoint of this run was created and deleted again, so its id is
	 * gone and its name is burned. Returns id, name, source and modelName.
	 */
	endpointDeleted: "an endpoint was deleted",
	/**
	 * A fresh name of this run is reserved and unused. Returns name, source
	 * and modelName.
	 */
	nameReserved: "an endpoint name is reserved",
} as const);

export type ProviderStateName =
	(typeof PROVIDER_STATES)[keyof typeof PROVIDER_STATES];

/** Values a provider state's setup returns for injection. */
export interface ProviderStateValues {
	id?: string;
	name: string;
	source?: string;
	modelName?: string;
}

/**
 * Returns the provider-state expression for `key`, such as `${id}`. The
 * verifier replaces it with the value the state's setup returned.
 */
export function injected(key: keyof ProviderStateValues): string {
	return `\${${key}}`;
}

/** Collection path, as the Query and Create pages give it (api-maas-0015, 0013). */
export function endpointCollectionPath(
	projectId = PLACEHOLDER_PROJECT_ID,
): string {
	return `/v1/${projectId}/maas/services/custom-endpoint/endpoint`;
}

/** Path of one endpoint (Edit and Delete pages, api-maas-0014, 0016). */
export function endpointPath(
	id: string,
	projectId = PLACEHOLDER_PROJECT_ID,
): string {
	return `${endpointCollectionPath(projectId)}/${id}`;
}

/** Enable/Disable path (api-maas-0017). */
export function controlPath(
	id: string,
	projectId = PLACEHOLDER_PROJECT_ID,
): string {
	return `/v1/${projectId}/maas/services/custom-endpoint/control/${id}`;
}
