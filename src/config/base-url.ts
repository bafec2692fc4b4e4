import { isIPv4 } from "node:net";

/**
 * Rules for MAAS_ENDPOINT and MAAS_IAM_ENDPOINT: an absolute http(s) URL
 * without credentials, query or fragment, whose path is empty or "/". Plain
 * http is allowed only for loopback hosts, so a token never crosses a
 * network unencrypted.
 */

export type BaseUrlResult =
	| { ok: true; url: string }
	| { ok: false; problem: string; fix: string };

/** 127.0.0.0/8, ::1 and the name localhost. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
	if (host === "localhost" || host === "::1") return true;
	return isIPv4(host) && host.startsWith("127.");
}

/** Checks a base URL; on success returns it without a trailing slash. */
export function checkBaseUrl(value: string): BaseUrlResult {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return {
			ok: false,
			problem: "is not an absolute URL",
			fix: "write it as https://<host>[:port]",
		};
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") {
		return {
			ok: false,
			problem: `uses the scheme ${url.protocol.replace(/:$/, "")}`,
			fix: "use an https:// URL",
		};
	}
	if (url.username || url.password) {
		return {
			ok: false,
			problem: "carries a user name or password",
			fix: "remove the credentials from the URL and configure them with their own variables",
		};
	}
	// Checked on the raw text: URL drops an empty "?" or "#".
	if (value.includes("?") || value.includes("#")) {
		return {
			ok: false,
			problem: "has a query or fragment",
			fix: "remove everything from the ? or # on",
		};
	}
	if (url.pathname !== "/" && url.pathname !== "") {
		return {
			ok: false,
			problem: `has the path ${url.pathname}`,
			fix: "give only the scheme, host and port, as the client adds the API paths itself",
		};
	}
	if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
		return {
			ok: false,
			problem: "uses plain http for a host that is not loopback",
			fix: "use https:// (plain http is accepted only for 127.0.0.0/8, ::1 and localhost)",
		};
	}
	return { ok: true, url: `${url.protocol}//${url.host}` };
}
