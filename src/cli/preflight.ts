import type { MaasClient } from "../client/index.ts";
import { withFlow } from "../client/request-flow.ts";
import { type ApiError, isMaasError, QuotaError } from "../errors.ts";

/**
 * Before any stage runs: list the endpoints once, to show that the region
 * responds and the credentials work, and check the free quota
 * (`quantity_limit - total`, Query page api-maas-0015).
 */

/** Endpoints of one run alive at once: the probe budget allows 2. */
export const ENDPOINTS_NEEDED = 2;

export interface PreflightResult {
	limit: number | undefined;
	total: number | undefined;
	/** Set when the list could not be judged; the probes will report why. */
	warning: string | undefined;
}

/**
 * Throws TargetUnreachableError, RequestTimeoutError or ApiError when the
 * list fails, and QuotaError when fewer than `needed` slots are free. A list
 * body the gate cannot read (not JSON, no quota figures) is only a warning:
 * judging it is the LIST-SCHEMA probe's job.
 */
export async function preflight(
	client: MaasClient,
	needed: number = ENDPOINTS_NEEDED,
): Promise<PreflightResult> {
	let body: unknown;
	try {
		const listed = withFlow(
			"preflight",
			() => client.listEndpoints(),
			"preflight",
		);
		body = (await listed).body;
	} catch (error) {
		if (isMaasError(error) && error.code === "MAAS_PROTOCOL_ERROR") {
			return {
				limit: undefined,
				total: undefined,
				warning: `the endpoint list could not be read (${error.message}); the quota was not checked`,
			};
		}
		throw error;
	}
	const { quantity_limit: limit, total } = (body ?? {}) as {
		quantity_limit?: unknown;
		total?: unknown;
	};
	if (!Number.isInteger(limit) || !Number.isInteger(total)) {
		return {
			limit: undefined,
			total: undefined,
			warning:
				"the endpoint list lacks an integer quantity_limit or total; the quota was not checked",
		};
	}
	const free = (limit as number) - (total as number);
	if (free < needed) {
		throw new QuotaError(needed, free, limit as number, total as number);
	}
	return { limit: limit as number, total: total as number, warning: undefined };
}

/** Describes a failed preflight list in one sentence for stderr. */
export function describePreflightError(error: unknown, url: string): string {
	if (error instanceof QuotaError) return `${error.message}.`;
	if (isMaasError(error)) {
		switch (error.code) {
			case "MAAS_TARGET_UNREACHABLE":
				return `cannot reach the region at ${url} (${error.message}); check MAAS_ENDPOINT (--endpoint) and the network, or unset it to run against the embedded mock region.`;
			case "MAAS_REQUEST_TIMEOUT":
				return `the region at ${url} did not answer the endpoint list in time (${error.message}).`;
			case "MAAS_API_ERROR": {
				const status = (error as ApiError).status;
				const hint =
					status === 401 || status === 403
						? "check MAAS_AUTH_TOKEN (or the MAAS_IAM_* login) and MAAS_PROJECT_ID"
						: "check MAAS_ENDPOINT and MAAS_PROJECT_ID";
				return `the region at ${url} refused the endpoint list (${error.message}); ${hint}.`;
			}
			default:
				return `the endpoint list at ${url} failed (${error.message}).`;
		}
	}
	return `the endpoint list at ${url} failed (${error instanceof Error ? error.message : String(error)}).`;
}
