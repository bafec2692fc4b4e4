/**
 * Endpoint name rule from the Create page
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0013.html)
 * and ModelArts.6274 on ErrorCode.html: 1 to 64 characters, starting with a
 * letter, then letters, digits, ".", "_" and "-". The Chinese pages also
 * allow Chinese characters, so Han characters count as letters here.
 * Length is counted in code points.
 */
const ENDPOINT_NAME_PATTERN =
	/^[A-Za-z\p{Script=Han}][A-Za-z0-9\p{Script=Han}._-]{0,63}$/u;

export function isValidEndpointName(name: string): boolean {
	return ENDPOINT_NAME_PATTERN.test(name);
}
