import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { ConfigError } from "../errors.ts";
import { type DeviationName, parseDeviations } from "./deviations.ts";
import type { MockRegionUser, SeedEndpoint } from "./types.ts";

export interface MockRegionOptions {
	/** Listen address; only loopback addresses are accepted. Default "127.0.0.1". */
	host?: string;
	/** Listen port; default 0, which picks a free ephemeral port. */
	port?: number;
	/** The one project the mock serves; default 32 random lowercase hex digits. */
	projectId?: string;
	/** The IAM project name of projectId; default "ap-southeast-1". */
	region?: string;
	/**
	 * IAM password users. Default: one user with domain and name
	 * "conformance" and a random password, readable on the handle.
	 */
	users?: MockRegionUser[];
	/** The quantity_limit; default 10. Some pages document 30. */
	quota?: number;
	/** Status for an unknown endpoint id (ModelArts.6291); default 400. */
	notFoundStatus?: 400 | 404;
	/**
	 * Reply to an unknown token. "gateway" (default) sends 401 APIGW.0301;
	 * "delete-example" sends 404 ModelArts.0104 "Invalid token." as in the
	 * Delete page's error example.
	 */
	invalidTokenStyle?: "gateway" | "delete-example";
	/** Success status of create; default 200. */
	createStatus?: 200 | 201;
	/**
	 * When true (default), create returns the new CustomEndpointInfo with its
	 * id. When false, the returned body lacks `id` and clients must find the
	 * endpoint by name.
	 */
	createReturnsId?: boolean;
	/** 200 (default) returns the updated CustomEndpointInfo; 204 is empty. */
	editStatus?: 200 | 204;
	/** When true, every JSON body carries fields the pages do not document. */
	extraFields?: boolean;
	/** Milliseconds to wait before every response; default 0. */
	delayMs?: number;
	/** Request bodies over this many bytes get 413 APIGW.0201; default 1 MiB. */
	maxBodyBytes?: number;
	/** Endpoints that already exist in the project when the mock starts. */
	seed?: SeedEndpoint[];
	/** Rules to break on purpose; unknown names throw a TypeError. */
	deviations?: DeviationName[];
}

export interface ResolvedOptions {
	host: string;
	port: number;
	projectId: string;
	region: string;
	users: readonly MockRegionUser[];
	quota: number;
	notFoundStatus: 400 | 404;
	invalidTokenStyle: "gateway" | "delete-example";
	createStatus: 200 | 201;
	createReturnsId: boolean;
	editStatus: 200 | 204;
	extraFields: boolean;
	delayMs: number;
	maxBodyBytes: number;
	seed: readonly SeedEndpoint[];
	deviations: ReadonlySet<DeviationName>;
}

const PROJECT_ID_PATTERN = /^[0-9a-z]{32}$/;

/** Applies defaults and rejects invalid values with a ConfigError. */
export function resolveOptions(options: MockRegionOptions): ResolvedOptions {
	const deviations = parseDeviations(options.deviations);
	const host = options.host ?? "127.0.0.1";
	if (!isLoopbackAddress(host)) {
		throw new ConfigError(
			"host",
			`mock region host ${JSON.stringify(host)} is not a loopback address; use 127.0.0.1 or ::1`,
		);
	}
	const projectId = options.projectId ?? randomBytes(16).toString("hex");
	if (!PROJECT_ID_PATTERN.test(projectId)) {
		throw new ConfigError(
			"projectId",
			`mock region projectId ${JSON.stringify(projectId)} is invalid; use 32 lowercase letters or digits`,
		);
	}
	const seed = checkSeed(options.seed ?? []);
	const region = options.region ?? "ap-southeast-1";
	if (region.length === 0) {
		throw new ConfigError("region", "mock region region must not be empty");
	}
	return {
		host,
		port: checkInteger("port", options.port ?? 0, 0, 65535),
		projectId,
		region,
		users: options.users?.map((user) => ({ ...user })) ?? [defaultUser()],
		quota: checkInteger("quota", options.quota ?? 10, 0),
		notFoundStatus: checkOneOf(
			"notFoundStatus",
			options.notFoundStatus ?? 400,
			[400, 404],
		),
		invalidTokenStyle: checkOneOf(
			"invalidTokenStyle",
			options.invalidTokenStyle ?? "gateway",
			["gateway", "delete-example"],
		),
		createStatus: checkOneOf(
			"createStatus",
			options.createStatus ?? 200,
			[200, 201],
		),
		createReturnsId: options.createReturnsId ?? true,
		editStatus: checkOneOf("editStatus", options.editStatus ?? 200, [200, 204]),
		extraFields: options.extraFields ?? false,
		delayMs: checkInteger("delayMs", options.delayMs ?? 0, 0),
		maxBodyBytes: checkInteger(
			"maxBodyBytes",
			options.maxBodyBytes ?? 1024 * 1024,
			0,
		),
		seed,
		deviations,
	};
}

/** True for IPv4 127.0.0.0/8, IPv6 ::1 and IPv4-mapped 127.x addresses. */
export function isLoopbackAddress(host: string): boolean {
	const version = isIP(host);
	if (version === 4) {
		return host.startsWith("127.");
	}
	if (version === 6) {
		const lower = host.toLowerCase();
		if (lower === "::1" || lower === "0:0:0:0:0:0:0:1") {
			return true;
		}
		return lower.startsWith("::ffff:127.");
	}
	return false;
}

/** Rejects empty and repeated seed names, which no real project can hold. */
function checkSeed(seed: readonly SeedEndpoint[]): SeedEndpoint[] {
	const names = new Set<string>();
	for (const endpoint of seed) {
		const name = endpoint.endpoint_name;
		if (typeof name !== "string" || name.length === 0) {
			throw new ConfigError(
				"seed",
				`mock region seed endpoint_name ${JSON.stringify(name)} is invalid; use a non-empty string`,
			);
		}
		if (names.has(name)) {
			throw new ConfigError(
				"seed",
				`mock region seed endpoint_name ${JSON.stringify(name)} appears twice; endpoint names are unique in a project`,
			);
		}
		names.add(name);
	}
	return seed.map((endpoint) => ({ ...endpoint }));
}

function defaultUser(): MockRegionUser {
	return {
		domain: "conformance",
		name: "conformance",
		password: randomBytes(18).toString("base64url"),
	};
}

function checkInteger(
	name: string,
	value: number,
	min: number,
	max = Number.MAX_SAFE_INTEGER,
): number {
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new ConfigError(
			name,
			`mock region ${name} ${value} is invalid; use an integer from ${min} to ${max}`,
		);
	}
	return value;
}

function checkOneOf<T extends string | number>(
	name: string,
	value: T,
	allowed: readonly T[],
): T {
	if (!allowed.includes(value)) {
		throw new ConfigError(
			name,
			`mock region ${name} ${JSON.stringify(value)} is invalid; use one of ${allowed.map((item) => JSON.stringify(item)).join(", ")}`,
		);
	}
	return value;
}
