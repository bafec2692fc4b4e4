/**
 * Shapes shared by the mock region's modules and its public interface.
 * Field names follow the MaaS custom-endpoint pages, for example
 * https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0015.html
 * (Query), which lists the fields of CustomEndpointInfo.
 */

/** The two documented values of `source` on the Create page (api-maas-0013). */
export const ENDPOINT_SOURCES = [
	"custom_from_maas",
	"custom_from_modelarts_v2",
] as const;

export type EndpointSource = (typeof ENDPOINT_SOURCES)[number];

/** One custom endpoint as the Query page lists it. */
export interface CustomEndpointInfo {
	id: string;
	source: EndpointSource;
	/** No enumeration is documented; the mock uses "ACTIVE" and "INACTIVE". */
	status: string;
	cbc_status: string;
	endpoint_name: string;
	remark: string;
	rpm: number | null;
	tpm: number | null;
	served_model_name: string;
	model_version_id: string;
	resident_model_id: string;
	moderation: boolean;
}

/** One request the mock received, recorded when its exchange ended. */
export interface RequestLogEntry {
	method: string;
	/** The request target as sent, query string included. */
	path: string;
	/** The status sent, or 0 when the connection ended without a response. */
	status: number;
	/** Milliseconds since the Unix epoch. */
	startedAt: number;
	endedAt: number;
}

/** An IAM password user of the mock's account. */
export interface MockRegionUser {
	domain: string;
	name: string;
	password: string;
}

/** An endpoint that exists before the run starts, as if someone else made it. */
export interface SeedEndpoint {
	endpoint_name: string;
	model_name?: string;
}
