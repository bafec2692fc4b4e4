import {
	createServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from "node:http";
import { createServer as createTcpServer } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { LoginError } from "../errors.ts";
import { redact } from "../redact.ts";
import { loginWithPassword } from "./index.ts";

const PASSWORD = "login-test-password-9c1";

interface Seen {
	method: string | undefined;
	url: string | undefined;
	contentType: string | undefined;
	body: unknown;
}

const servers: Server[] = [];

afterEach(async () => {
	await Promise.all(
		servers.splice(0).map(
			(server) =>
				new Promise<void>((resolve) => {
					server.closeAllConnections();
					server.close(() => resolve());
				}),
		),
	);
});

async function iam(
	answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; seen: Seen[] }> {
	const seen: Seen[] = [];
	const server = createServer((request, response) => {
		let text = "";
		request.on("data", (chunk) => {
			text += chunk;
		});
		request.on("end", () => {
			seen.push({
				method: request.method,
				url: request.url,
				contentType: request.headers["content-type"],
				body: JSON.parse(text),
			});
			answer(request, response);
		});
	});
	servers.push(server);
	await new Promise<void>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve()),
	);
	const address = server.address();
	if (address === null || typeof address === "string")
		throw new Error("no port");
	return { url: `http://127.0.0.1:${address.port}`, seen };
}

function options(url: string, project: { name: string } | { id: string }) {
	return {
		iamEndpoint: url,
		user: "conformance-user",
		password: PASSWORD,
		domain: "conformance-domain",
		project,
		timeoutMs: 2000,
	};
}

async function loginError(promise: Promise<unknown>): Promise<LoginError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(LoginError);
		return error as LoginError;
	}
	throw new Error("expected the login to fail");
}

describe("loginWithPassword", () => {
	test("posts a project-scoped password identity and returns the X-Subject-Token", async () => {
		const server = await iam((_request, response) => {
			response.writeHead(201, {
				"Content-Type": "application/json",
				"X-Subject-Token": "issued-token-abcdef",
			});
			response.end(
				JSON.stringify({
					token: {
						expires_at: "2030-01-02T03:04:05.000000Z",
						issued_at: "2030-01-01T03:04:05.000000Z",
						project: { id: "p-from-token", name: "ap-southeast-1" },
					},
				}),
			);
		});
		const result = await loginWithPassword(
			options(`${server.url}/`, { name: "ap-southeast-1" }),
		);
		expect(result).toEqual({
			token: "issued-token-abcdef",
			expiresAt: "2030-01-02T03:04:05.000000Z",
			projectId: "p-from-token",
		});
		const [request] = server.seen;
		expect(request?.method).toBe("POST");
		expect(request?.url).toBe("/v3/auth/tokens?nocatalog=true");
		expect(request?.contentType).toBe("application/json;charset=utf8");
		expect(request?.body).toEqual({
			auth: {
				identity: {
					methods: ["password"],
					password: {
						user: {
							name: "conformance-user",
							password: PASSWORD,
							domain: { name: "conformance-domain" },
						},
					},
				},
				scope: { project: { name: "ap-southeast-1" } },
			},
		});
		// The token is a secret from now on.
		expect(redact("token issued-token-abcdef")).toBe("token ***");
		expect(redact(PASSWORD)).toBe("***");
	});

	test("scopes by project id when given one, and tolerates a body without JSON", async () => {
		const server = await iam((_request, response) => {
			response.writeHead(201, { "X-Subject-Token": "issued-token-2" });
			response.end("ok");
		});
		const result = await loginWithPassword(options(server.url, { id: "p-1" }));
		expect(result.token).toBe("issued-token-2");
		expect(result.expiresAt).toBeUndefined();
		expect(result.projectId).toBeUndefined();
		expect(server.seen[0]?.body).toMatchObject({
			auth: { scope: { project: { id: "p-1" } } },
		});
	});

	test("a 401 names the user, the host and the fix, never the password", async () => {
		const server = await iam((_request, response) => {
			response.writeHead(401, { "Content-Type": "application/json" });
			response.end(
				JSON.stringify({
					error: {
						code: "1101",
						message: "The username or password is wrong.",
					},
				}),
			);
		});
		const error = await loginError(
			loginWithPassword(options(server.url, { name: "ap-southeast-1" })),
		);
		const host = new URL(server.url).host;
		expect(error.status).toBe(401);
		expect(error.message).toContain('"conformance-user"');
		expect(error.message).toContain(host);
		expect(error.message).toContain(
			"check MAAS_IAM_USER, MAAS_IAM_PASSWORD and MAAS_IAM_DOMAIN",
		);
		expect(error.message).toContain("The username or password is wrong.");
		expect(error.message).not.toContain(PASSWORD);
	});

	test("a 400 is rejected the same way", async () => {
		const server = await iam((_request, response) => {
			response.writeHead(400);
			response.end();
		});
		const error = await loginError(
			loginWithPassword(options(server.url, { name: "ap-southeast-1" })),
		);
		expect(error.status).toBe(400);
		expect(error.message).toContain("MAAS_IAM_PASSWORD");
	});

	test("a success without X-Subject-Token is a LoginError", async () => {
		const server = await iam((_request, response) => {
			response.writeHead(201, { "Content-Type": "application/json" });
			response.end("{}");
		});
		const error = await loginError(
			loginWithPassword(options(server.url, { name: "ap-southeast-1" })),
		);
		expect(error.message).toContain(
			"IAM answered 201 without an X-Subject-Token header",
		);
	});

	test("another status names the endpoint and the scope to check", async () => {
		const server = await iam((_request, response) => {
			response.writeHead(403);
			response.end();
		});
		const error = await loginError(
			loginWithPassword(options(server.url, { name: "ap-southeast-1" })),
		);
		expect(error.status).toBe(403);
		expect(error.message).toContain("MAAS_IAM_ENDPOINT");
	});

	test("an unreachable host is a LoginError", async () => {
		const probe = createTcpServer();
		await new Promise<void>((resolve) =>
			probe.listen(0, "127.0.0.1", () => resolve()),
		);
		const address = probe.address();
		await new Promise<void>((resolve) => probe.close(() => resolve()));
		if (address === null || typeof address === "string")
			throw new Error("no port");
		const error = await loginError(
			loginWithPassword(
				options(`http://127.0.0.1:${address.port}`, { name: "ap-southeast-1" }),
			),
		);
		expect(error.message).toContain("cannot reach IAM");
		expect(error.message).not.toContain(PASSWORD);
	});

	test("a timeout is a LoginError", async () => {
		const server = await iam(() => undefined);
		const error = await loginError(
			loginWithPassword({
				...options(server.url, { name: "ap-southeast-1" }),
				timeoutMs: 200,
			}),
		);
		expect(error.message).toContain("timed out");
		expect(error.message).toContain("200 ms");
	});
});
