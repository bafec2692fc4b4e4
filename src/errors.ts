/**
 * Every error the project throws on purpose. Each class has a stable `code`
 * with the `MAAS_` prefix; callers match on `code`, not on the class, so the
 * check also works across module copies and child processes.
 */

export type MaasErrorCode =
	| "MAAS_CONFIG_INVALID"
	| "MAAS_LOGIN_FAILED"
	| "MAAS_TARGET_UNREACHABLE"
	| "MAAS_REQUEST_TIMEOUT"
	| "MAAS_API_ERROR"
	| "MAAS_PROTOCOL_ERROR"
	| "MAAS_QUOTA_INSUFFICIENT"
	| "MAAS_SAFETY_VIOLATION"
	| "MAAS_STAGE_NOT_RELEASED";

export class MaasError extends Error {
	readonly code: MaasErrorCode;

	constructor(code: MaasErrorCode, message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = new.target.name;
		this.code = code;
	}
}

/** A configuration value is missing or invalid. The gate exits with 2. */
export class ConfigError extends MaasError {
	readonly variable: string;

	constructor(variable: string, message: string) {
		super("MAAS_CONFIG_INVALID", message);
		this.variable = variable;
	}
}

/** IAM rejected the login or responded in a form the client cannot use. Exit 2. */
export class LoginError extends MaasError {
	readonly status: number | undefined;

	constructor(message: string, status?: number, options?: ErrorOptions) {
		super("MAAS_LOGIN_FAILED", message, options);
		this.status = status;
	}
}

/** A connection to the target could not be made or broke. */
export class TargetUnreachableError extends MaasError {
	readonly url: string;

	constructor(url: string, message: string, options?: ErrorOptions) {
		super("MAAS_TARGET_UNREACHABLE", message, options);
		this.url = url;
	}
}

/** No complete response came within the configured request timeout. */
export class RequestTimeoutError extends MaasError {
	readonly url: string;
	readonly timeoutMs: number;

	constructor(method: string, url: string, timeoutMs: number) {
		super(
			"MAAS_REQUEST_TIMEOUT",
			`${method} ${url} timed out after ${timeoutMs} ms; raise MAAS_REQUEST_TIMEOUT_MS if the region is slow`,
		);
		this.url = url;
		this.timeoutMs = timeoutMs;
	}
}

/** Fields of an error response, as far as the region sent them. */
export interface ApiErrorDetails {
	method: string;
	url: string;
	status: number;
	contentType: string | undefined;
	errorCode: string | undefined;
	errorMsg: string | undefined;
	requestId: string | undefined;
	/** The raw body as text, cut to a few KiB; present also when it is not JSON. */
	rawText: string;
}

/** The region responded with an error status (4xx or 5xx). */
export class ApiError extends MaasError {
	readonly details: ApiErrorDetails;

	constructor(details: ApiErrorDetails) {
		const code = details.errorCode ?? "no error_code";
		super(
			"MAAS_API_ERROR",
			`${details.method} ${details.url} responded with ${details.status} (${code})${
				details.errorMsg ? `: ${details.errorMsg}` : ""
			}`,
		);
		this.details = details;
	}

	get status(): number {
		return this.details.status;
	}

	get errorCode(): string | undefined {
		return this.details.errorCode;
	}
}

/**
 * The response broke HTTP or the documented form in a way the client cannot
 * accept: a body on a 204, an empty or non-JSON body where JSON is due, a
 * body over the size limit.
 */
export class ProtocolError extends MaasError {
	readonly status: number | undefined;
	readonly rawText: string | undefined;

	constructor(
		message: string,
		status?: number,
		rawText?: string,
		options?: ErrorOptions,
	) {
		super("MAAS_PROTOCOL_ERROR", message, options);
		this.status = status;
		this.rawText = rawText;
	}
}

/** The account has fewer free endpoint slots than the run needs. Exit 2. */
export class QuotaError extends MaasError {
	readonly needed: number;
	readonly free: number;

	constructor(needed: number, free: number, limit: number, total: number) {
		super(
			"MAAS_QUOTA_INSUFFICIENT",
			`the run needs ${needed} free endpoint slots but the account has ${free} (quantity_limit ${limit}, total ${total}); ${
				limit < needed
					? `the quota itself is below ${needed}, so ask for a larger endpoint quota`
					: 'delete unused endpoints or run "maas-conformance sweep --delete"'
			}`,
		);
		this.needed = needed;
		this.free = free;
	}
}

/** An action would touch an endpoint the run did not create. */
export class SafetyError extends MaasError {
	constructor(message: string) {
		super("MAAS_SAFETY_VIOLATION", message);
	}
}

/** A held stage's gate exited before it released the stage, so the stage sent nothing. */
export class StageNotReleasedError extends MaasError {
	constructor(message: string) {
		super("MAAS_STAGE_NOT_RELEASED", message);
	}
}

export function isMaasError(value: unknown): value is MaasError {
	if (!(value instanceof Error)) {
		return false;
	}
	const code: unknown = (value as { code?: unknown }).code;
	return typeof code === "string" && code.startsWith("MAAS_");
}
