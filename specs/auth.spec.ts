/**
 * Who may delete: the token is required and checked, and the project in the
 * path must be the token's
 * (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html,
 * https://support.huaweicloud.com/intl/en-us/api-maas/ErrorCode.html); and
 * IAM issues the token
 * (https://support.huaweicloud.com/intl/en-us/api-iam/iam_30_0001.html).
 * The IAM check is registered only when IAM options are configured, so a run
 * without them has no such test at all.
 */

import { randomBytes } from "node:crypto";
import { curlFor, sendWire, type WireRequest } from "../src/client/wire.ts";
import {
	type Config,
	isLoopbackHost,
	loadConfig,
} from "../src/config/index.ts";
import {
	checkClientError,
	TOKEN_REJECTED,
	transportViolation,
	type Verdict,
} from "../src/probe/checks.ts";
import { withLiveEndpoint } from "../src/probe/fixtures.ts";
import {
	fromFailure,
	fromWire,
	type Observation,
	sentRequest,
} from "../src/probe/observation.ts";
import { type ProbeContext, probe } from "../src/probe/probe.ts";
import type { SendOptions } from "../src/probe/session.ts";
import { registerSecret } from "../src/redact.ts";

/**
 * Sends a delete of the live endpoint the region must reject, and judges
 * the response and whether the endpoint survived. Runs with the live endpoint
 * to itself, so a deletion is blamed on this check alone.
 */
function rejectedDelete(
	{ session, assert, observeExchange }: ProbeContext,
	purpose: string,
	options: SendOptions,
): Promise<void> {
	return withLiveEndpoint("exclusive", async (live) => {
		const outcome = await session.deleteEndpoint(live.id, purpose, options);
		const verdict = checkClientError(outcome.observation, {
			alternatives: TOKEN_REJECTED,
			anyClientError: true,
		});
		if (outcome.gone) {
			verdict.violations.push(
				`the endpoint ${live.id} is gone: the region carried out the delete`,
			);
		} else if (outcome.unverifiable) {
			verdict.violations.push(
				`cannot tell whether the endpoint ${live.id} survived: ${outcome.unverifiable}`,
			);
		}
		observeExchange(outcome.observation, verdict.alternative);
		assert([verdict]);
	});
}

probe("DELETE-TOKEN-REQUIRED", (context) =>
	rejectedDelete(context, "a DELETE without X-Auth-Token", { auth: "none" }),
);

probe("DELETE-TOKEN-VALIDATED", (context) =>
	rejectedDelete(context, "a DELETE with an invalid token", {
		auth: "invalid",
	}),
);

probe("DELETE-PROJECT-SCOPED", (context) =>
	rejectedDelete(context, "a DELETE under another project id", {
		project: "other",
	}),
);

function iamOptions(): Config["iam"] {
	try {
		const config = loadConfig();
		return config.iamTarget ? config.iam : undefined;
	} catch {
		// Every other check reports the configuration error.
		return undefined;
	}
}

const iam = iamOptions();

if (iam !== undefined) {
	probe("IAM-TOKEN-ISSUED", async ({ session, assert, observeExchange }) => {
		const login = (password: string): WireRequest => ({
			url: iam.endpoint,
			method: "POST",
			path: "/v3/auth/tokens?nocatalog=true",
			headers: { "Content-Type": "application/json;charset=utf8" },
			body: JSON.stringify({
				auth: {
					identity: {
						methods: ["password"],
						password: {
							user: {
								name: iam.user,
								password,
								domain: { name: iam.domain },
							},
						},
					},
					scope: { project: iam.project },
				},
			}),
			timeoutMs: session.timeoutMs,
		});
		const send = async (request: WireRequest): Promise<Observation> => {
			const sent = sentRequest(request, curlFor);
			try {
				return fromWire(sent, await sendWire(request));
			} catch (error) {
				return fromFailure(sent, error, request.timeoutMs);
			}
		};
		// A real IAM locks a user out after repeated failed logins, so the
		// wrong password is tried only on an IAM served from this machine (the
		// embedded region or a test region). It goes first, so that the
		// correct login after it resets any failure count.
		const probeWrongPassword = isLoopbackHost(new URL(iam.endpoint).hostname);
		const wrong = probeWrongPassword
			? await send(login(`wrong-${randomBytes(12).toString("hex")}`))
			: undefined;
		const right = await send(login(iam.password));
		// Any token IAM issued, in the header or in the body as a deviant IAM
		// puts it, is a secret before a message can quote the response.
		for (const observation of wrong ? [wrong, right] : [right]) {
			const header = observation.wire?.header("x-subject-token");
			if (header) registerSecret(header);
			const bodyToken = (observation.json as { token?: { id?: unknown } })
				?.token?.id;
			if (typeof bodyToken === "string") registerSecret(bodyToken);
		}
		const token = right.wire?.header("x-subject-token");

		const issued: Verdict = {
			observation: right,
			expected: "201 with the token in the X-Subject-Token header",
			violations: [],
		};
		const failure = transportViolation(right);
		if (failure) issued.violations.push(failure);
		else {
			if (right.status !== 201) {
				issued.violations.push(`status is ${right.status}, expected 201`);
			}
			if (!token) {
				issued.violations.push(
					"the X-Subject-Token header is missing or empty",
				);
			}
		}
		const verdicts = [issued];
		if (wrong) {
			const rejected: Verdict = {
				observation: wrong,
				expected: "401 for a wrong password",
				violations: [],
			};
			const wrongFailure = transportViolation(wrong);
			if (wrongFailure) rejected.violations.push(wrongFailure);
			else if (wrong.status !== 401) {
				rejected.violations.push(
					`status is ${wrong.status} for a wrong password, expected 401`,
				);
			}
			verdicts.push(rejected);
		}
		observeExchange(right);
		assert(verdicts);
	});
}
