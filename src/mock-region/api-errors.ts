/**
 * The error replies the mock sends. Codes and messages come from
 * https://support.huaweicloud.com/intl/en-us/api-maas/ErrorCode.html unless
 * a comment names another page. All ModelArts errors there are HTTP 400
 * except where a status is passed in.
 */
import type { ErrorReply } from "./reply.ts";

function modelArtsError(
	status: number,
	errorCode: string,
	errorMsg: string,
): ErrorReply {
	return { kind: "error", status, errorCode, errorMsg, gateway: false };
}

function gatewayError(
	status: number,
	errorCode: string,
	errorMsg: string,
): ErrorReply {
	return { kind: "error", status, errorCode, errorMsg, gateway: true };
}

/** ModelArts.0104, the generic parameter error; `message` names the field. */
export function invalidParameter(message: string): ErrorReply {
	return modelArtsError(400, "ModelArts.0104", message);
}

export function endpointNameRequired(): ErrorReply {
	return invalidParameter(
		"CreateCustomEndpointReq.endpoint_name is a required field",
	);
}

/**
 * ModelArts.2115, listed on the Chinese error table
 * (https://support.huaweicloud.com/intl/zh-cn/api-maas/ErrorCode.html).
 */
export function invalidJsonBody(detail: string): ErrorReply {
	return modelArtsError(
		400,
		"ModelArts.2115",
		`Invalid JSON request body: ${detail}`,
	);
}

export function endpointNameUsed(): ErrorReply {
	return modelArtsError(
		400,
		"ModelArts.6271",
		"Custom endpoint name has already been used (including deleted access points). To ensure billing uniqueness, please use a different name.",
	);
}

export function endpointNameInvalid(): ErrorReply {
	return modelArtsError(
		400,
		"ModelArts.6274",
		"Custom endpoint name is invalid. Enter 1 to 64 characters, staring with a letter. Only letters, digits, point(.), underscores (_), and hyphens (-) are allowed",
	);
}

/**
 * ModelArts.6291 is 400 on the error table but 404 on the Enable/Disable
 * page (api-maas-0017), so the status is a mock option.
 */
export function endpointNotFound(status: 400 | 404): ErrorReply {
	return modelArtsError(status, "ModelArts.6291", "CustomEndpointNotFound");
}

export function endpointQuotaExceeded(): ErrorReply {
	return modelArtsError(
		400,
		"ModelArts.6297",
		"Custom endpoint number exceed quota",
	);
}

export function endpointIdRequired(): ErrorReply {
	return modelArtsError(
		400,
		"ModelArts.6299",
		"Custom endpoint id is required",
	);
}

/**
 * Returns the error example on the Delete page
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html).
 */
export function deleteExampleInvalidToken(): ErrorReply {
	return modelArtsError(404, "ModelArts.0104", "Invalid token.");
}

/** Returns a 500, which only deviations send. No page documents a 5xx code. */
export function internalServerError(message: string): ErrorReply {
	return modelArtsError(500, "ModelArts.9999", message);
}

/**
 * APIGW.0301 messages as API Gateway sends them; the FAQ at
 * https://support.huaweicloud.com/intl/en-us/ocr_faq/ocr_01_0063.html
 * lists "x-auth-token not found" and "decrypt token fail".
 */
export function tokenMissing(): ErrorReply {
	return gatewayError(
		401,
		"APIGW.0301",
		"Incorrect IAM authentication information: x-auth-token not found",
	);
}

export function tokenInvalid(): ErrorReply {
	return gatewayError(
		401,
		"APIGW.0301",
		"Incorrect IAM authentication information: decrypt token fail",
	);
}

export function tokenExpired(expiresAt: string): ErrorReply {
	return gatewayError(
		401,
		"APIGW.0301",
		`Incorrect IAM authentication information: token expires, expires_at: ${expiresAt}`,
	);
}

export function tokenProjectMismatch(): ErrorReply {
	return gatewayError(
		403,
		"APIGW.0302",
		"Incorrect IAM authentication information: the token's project does not match the project in the request path",
	);
}

export function apiNotFound(): ErrorReply {
	return gatewayError(
		404,
		"APIGW.0101",
		"The API does not exist or has not been published in the environment",
	);
}

export function requestEntityTooLarge(maxBodyBytes: number): ErrorReply {
	return gatewayError(
		413,
		"APIGW.0201",
		`Request entity too large: the body exceeds ${maxBodyBytes} bytes`,
	);
}

/** APIGW.0201 for requests the server cannot read or handle. */
export function badRequest(detail: string): ErrorReply {
	return gatewayError(400, "APIGW.0201", `Bad request: ${detail}`);
}
