/**
 * IAM tokens the mock issued. Each token is an opaque random string bound
 * to one project and valid for 24 hours, as on
 * https://support.huaweicloud.com/intl/en-us/api-iam/iam_30_0001.html.
 * Any number of tokens may be valid at once.
 */
import { randomBytes } from "node:crypto";

export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface IssuedToken {
	token: string;
	projectId: string;
	issuedAt: Date;
	expiresAt: Date;
}

export type TokenLookup =
	| { status: "valid"; projectId: string }
	| { status: "expired"; expiresAt: Date }
	| { status: "unknown" };

export class TokenRegistry {
	private readonly tokens = new Map<string, IssuedToken>();

	issue(projectId: string, now = new Date()): IssuedToken {
		const issued: IssuedToken = {
			token: randomBytes(192).toString("base64url"),
			projectId,
			issuedAt: now,
			expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS),
		};
		this.tokens.set(issued.token, issued);
		return issued;
	}

	lookup(token: string, now = new Date()): TokenLookup {
		const issued = this.tokens.get(token);
		if (issued === undefined) {
			return { status: "unknown" };
		}
		if (now.getTime() >= issued.expiresAt.getTime()) {
			return { status: "expired", expiresAt: issued.expiresAt };
		}
		return { status: "valid", projectId: issued.projectId };
	}
}

/** IAM's timestamp form, ISO 8601 with microseconds: 2024-01-04T09:05:22.701000Z. */
export function formatIamTime(date: Date): string {
	return date.toISOString().replace(/Z$/, "000Z");
}
