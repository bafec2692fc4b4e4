import {
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { parse } from "dotenv";
import { afterAll, describe, expect, test, vi } from "vitest";
import { ConfigError } from "../errors.ts";
import { redact } from "../redact.ts";
import {
	DEFAULTS,
	disablePactTracking,
	loadConfig,
	PROJECT_ROOT,
	toChildEnvironment,
	VARIABLES,
} from "./index.ts";

const temp = mkdtempSync(join(tmpdir(), "maas-config-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let fileCount = 0;
/** Writes a .env file in a fresh folder and returns that folder. */
function folderWithEnvFile(text: string): string {
	fileCount += 1;
	const folder = join(temp, `case-${fileCount}`);
	mkdirSync(folder);
	writeFileSync(join(folder, ".env"), text);
	return folder;
}

/** Loads with only the given environment and no .env file. */
function load(env: Record<string, string | undefined>, flags = {}) {
	return loadConfig({ env, flags, envFile: false, cwd: temp });
}

function configError(run: () => unknown): ConfigError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		const configError = error as ConfigError;
		// One sentence: no sentence break inside, no trailing period needed.
		expect(configError.message).not.toMatch(/\.\s+[A-Z]/);
		expect(configError.message).toContain(configError.variable);
		return configError;
	}
	throw new Error("expected a ConfigError");
}

const REMOTE = {
	MAAS_ENDPOINT: "https://maas.region.example",
	MAAS_PROJECT_ID: "0123456789abcdef0123456789abcdef",
	MAAS_AUTH_TOKEN: "config-test-token-1",
};

const IAM = {
	MAAS_ENDPOINT: "https://maas.region.example",
	MAAS_IAM_ENDPOINT: "https://iam.region.example",
	MAAS_IAM_USER: "user",
	MAAS_IAM_PASSWORD: "config-test-password-1",
	MAAS_IAM_DOMAIN: "domain",
};

describe("defaults", () => {
	test("an empty environment gives the embedded-mock configuration", () => {
		const config = load({});
		expect(config).toEqual({
			endpoint: undefined,
			projectId: undefined,
			authToken: undefined,
			iam: undefined,
			region: "ap-southeast-1",
			namePrefix: "conformance-",
			source: "custom_from_maas",
			modelName: DEFAULTS.MAAS_MODEL_NAME,
			requestTimeoutMs: 30000,
			reportDir: resolve(temp, "reports"),
			runId: undefined,
			ledgerFile: undefined,
			pactDir: resolve(PROJECT_ROOT, "contracts", "pacts"),
			iamTarget: false,
		});
	});

	test("relative paths are resolved against cwd", () => {
		const config = load({
			MAAS_REPORT_DIR: "out/r",
			MAAS_LEDGER_FILE: "out/ledger.jsonl",
			MAAS_PACT_DIR: "pacts",
		});
		expect(config.reportDir).toBe(resolve(temp, "out/r"));
		expect(config.ledgerFile).toBe(resolve(temp, "out/ledger.jsonl"));
		expect(config.pactDir).toBe(resolve(temp, "pacts"));
	});

	test("the project root is the folder with package.json", () => {
		const pkg = JSON.parse(
			readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"),
		);
		expect(pkg.name).toBe("maas-endpoint-conformance");
	});
});

describe("precedence", () => {
	test("flags > environment > .env file > defaults", () => {
		const cwd = folderWithEnvFile(
			"MAAS_REGION=eu-west-101\nMAAS_NAME_PREFIX=fromfile-\nMAAS_SOURCE=custom_from_modelarts_v2\n",
		);
		const config = loadConfig({
			cwd,
			env: { MAAS_REGION: "la-north-2", MAAS_NAME_PREFIX: "fromenv-" },
			flags: { MAAS_REGION: "cn-north-4" },
		});
		expect(config.region).toBe("cn-north-4");
		expect(config.namePrefix).toBe("fromenv-");
		expect(config.source).toBe("custom_from_modelarts_v2");
		expect(config.modelName).toBe(DEFAULTS.MAAS_MODEL_NAME);
	});

	test("a variable set to the empty string counts as unset", () => {
		const cwd = folderWithEnvFile("MAAS_REGION=eu-west-101\nMAAS_ENDPOINT=\n");
		const config = loadConfig({
			cwd,
			env: { MAAS_REGION: "", MAAS_NAME_PREFIX: "fromenv-" },
			flags: { MAAS_NAME_PREFIX: "" },
		});
		// The empty environment value does not hide the file's value...
		expect(config.region).toBe("eu-west-101");
		// ...the empty flag does not hide the environment's...
		expect(config.namePrefix).toBe("fromenv-");
		// ...and empty everywhere means the default.
		expect(config.endpoint).toBeUndefined();
	});

	test("the .env file is parsed without touching process.env or printing", () => {
		const log = vi.spyOn(console, "log");
		const error = vi.spyOn(console, "error");
		const cwd = folderWithEnvFile("MAAS_MODEL_NAME=model-from-file\n");
		const before = process.env.MAAS_MODEL_NAME;
		try {
			expect(loadConfig({ cwd, env: {} }).modelName).toBe("model-from-file");
			expect(process.env.MAAS_MODEL_NAME).toBe(before);
			expect(log).not.toHaveBeenCalled();
			expect(error).not.toHaveBeenCalled();
		} finally {
			log.mockRestore();
			error.mockRestore();
		}
	});

	test("envFile: false and MAAS_ENV_FILE=none read no file", () => {
		const cwd = folderWithEnvFile("MAAS_MODEL_NAME=model-from-file\n");
		expect(loadConfig({ cwd, env: {}, envFile: false }).modelName).toBe(
			DEFAULTS.MAAS_MODEL_NAME,
		);
		expect(loadConfig({ cwd, env: { MAAS_ENV_FILE: "none" } }).modelName).toBe(
			DEFAULTS.MAAS_MODEL_NAME,
		);
	});

	test("MAAS_ENV_FILE and envFile name another file; a named missing file is an error", () => {
		const cwd = folderWithEnvFile("MAAS_MODEL_NAME=default-file\n");
		writeFileSync(join(cwd, "other.env"), "MAAS_MODEL_NAME=other-file\n");
		expect(
			loadConfig({ cwd, env: { MAAS_ENV_FILE: "other.env" } }).modelName,
		).toBe("other-file");
		expect(loadConfig({ cwd, env: {}, envFile: "other.env" }).modelName).toBe(
			"other-file",
		);
		const error = configError(() =>
			loadConfig({ cwd, env: { MAAS_ENV_FILE: "missing.env" } }),
		);
		expect(error.variable).toBe("MAAS_ENV_FILE");
		// Without a name, a missing ./.env is fine.
		expect(loadConfig({ cwd: temp, env: {} }).endpoint).toBeUndefined();
	});

	test("an unknown MAAS_ variable in the .env file is an error", () => {
		const cwd = folderWithEnvFile(
			"MAAS_ENDPIONT=https://maas.region.example\n",
		);
		const error = configError(() => loadConfig({ cwd, env: {} }));
		expect(error.variable).toBe("MAAS_ENDPIONT");
		expect(error.message).toContain(".env.example");
	});

	test("an unknown MAAS_ variable in the environment is an error", () => {
		const error = configError(() =>
			load({ MAAS_ENDPIONT: "https://maas.region.example" }),
		);
		expect(error.variable).toBe("MAAS_ENDPIONT");
		expect(error.message).toContain("not a configuration variable");
	});

	test.each([
		["MAAS_AUTH_TOKEN", { MAAS_AUTH_TOKEN: "config-test-token-orphan" }],
		[
			"MAAS_PROJECT_ID",
			{ MAAS_PROJECT_ID: "0123456789abcdef0123456789abcdef" },
		],
		["MAAS_IAM_ENDPOINT", { ...IAM, MAAS_ENDPOINT: undefined }],
	])("%s without MAAS_ENDPOINT is an error", (name, env) => {
		const error = configError(() => load(env));
		expect(error.variable).toBe(name);
		expect(error.message).toContain("MAAS_ENDPOINT is not");
		expect(error.message).not.toContain("config-test-token-orphan");
	});

	test("an unknown flag is an error", () => {
		const error = configError(() => load({}, { MAAS_ENDPIONT: "x" }));
		expect(error.variable).toBe("MAAS_ENDPIONT");
	});
});

describe("MAAS_ENDPOINT", () => {
	test.each([
		["not a URL", "maas.region.example", "maas.region.example"],
		[
			"another scheme",
			"ftp://maas.region.example",
			"ftp://maas.region.example",
		],
		[
			"a query",
			"https://maas.region.example/?a=1",
			"https://maas.region.example/?a=***",
		],
		[
			"an empty query",
			"https://maas.region.example?",
			"https://maas.region.example?",
		],
		[
			"a fragment",
			"https://maas.region.example/#x",
			"https://maas.region.example/#x",
		],
		[
			"a path",
			"https://maas.region.example/v1",
			"https://maas.region.example/v1",
		],
		[
			"credentials",
			"https://u:p@maas.region.example",
			"https://***@maas.region.example",
		],
		[
			"plain http to a remote host",
			"http://maas.region.example",
			"http://maas.region.example",
		],
		[
			"plain http to a private address",
			"http://10.1.2.3:8080",
			"http://10.1.2.3:8080",
		],
	])("rejects %s", (_name, value, shown) => {
		const error = configError(() => load({ ...REMOTE, MAAS_ENDPOINT: value }));
		expect(error.variable).toBe("MAAS_ENDPOINT");
		expect(error.message).toContain(JSON.stringify(shown));
	});

	test("a token pasted into another variable is not quoted in the error", () => {
		const token = "MIIcanary-token-pasted-into-the-wrong-variable";
		const error = configError(() =>
			load({ ...REMOTE, MAAS_AUTH_TOKEN: token, MAAS_PROJECT_ID: `${token}!` }),
		);
		expect(error.variable).toBe("MAAS_PROJECT_ID");
		expect(error.message).not.toContain(token);
		expect(error.message).toContain("***");
	});

	test.each([
		["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
		["http://127.9.8.7/", "http://127.9.8.7"],
		["http://[::1]:9000", "http://[::1]:9000"],
		["http://localhost:1234/", "http://localhost:1234"],
		["https://maas.region.example/", "https://maas.region.example"],
		["https://maas.region.example:8443", "https://maas.region.example:8443"],
	])("accepts %s", (value, expected) => {
		expect(load({ ...REMOTE, MAAS_ENDPOINT: value }).endpoint).toBe(expected);
	});

	test("needs MAAS_AUTH_TOKEN or an IAM login", () => {
		const error = configError(() =>
			load({ ...REMOTE, MAAS_AUTH_TOKEN: undefined }),
		);
		expect(error.variable).toBe("MAAS_AUTH_TOKEN");
		expect(
			load({ ...REMOTE, MAAS_AUTH_TOKEN: undefined, ...IAM }).iam,
		).toBeDefined();
	});

	test("needs MAAS_PROJECT_ID unless an IAM login is configured", () => {
		const error = configError(() =>
			load({ ...REMOTE, MAAS_PROJECT_ID: undefined }),
		);
		expect(error.variable).toBe("MAAS_PROJECT_ID");
		expect(
			load({ ...REMOTE, MAAS_PROJECT_ID: undefined, ...IAM }).projectId,
		).toBeUndefined();
	});
});

describe("values", () => {
	test("MAAS_PROJECT_ID takes 1-64 of [A-Za-z0-9_-]", () => {
		expect(load({ ...REMOTE, MAAS_PROJECT_ID: "Ab_-9" }).projectId).toBe(
			"Ab_-9",
		);
		expect(
			load({ ...REMOTE, MAAS_PROJECT_ID: "a".repeat(64) }).projectId,
		).toHaveLength(64);
		for (const bad of ["a".repeat(65), "a/b", "a b", "ü"]) {
			expect(
				configError(() => load({ ...REMOTE, MAAS_PROJECT_ID: bad })).variable,
			).toBe("MAAS_PROJECT_ID");
		}
	});

	test("MAAS_NAME_PREFIX: letter first, safe characters, 40 max", () => {
		expect(
			load({ MAAS_NAME_PREFIX: `a${"b".repeat(39)}` }).namePrefix,
		).toHaveLength(40);
		expect(load({ MAAS_NAME_PREFIX: "Gate_1.x-" }).namePrefix).toBe(
			"Gate_1.x-",
		);
		for (const bad of [
			"1conformance-",
			"-x",
			`a${"b".repeat(40)}`,
			"a b",
			"a/b",
		]) {
			const error = configError(() => load({ MAAS_NAME_PREFIX: bad }));
			expect(error.variable).toBe("MAAS_NAME_PREFIX");
			expect(error.message).toContain(JSON.stringify(bad));
		}
	});

	test("MAAS_REGION must look like a region id", () => {
		expect(load({ MAAS_REGION: "cn-north-4" }).region).toBe("cn-north-4");
		for (const bad of ["ap", "AP-southeast-1", "ap_southeast_1", "a-1"]) {
			expect(configError(() => load({ MAAS_REGION: bad })).variable).toBe(
				"MAAS_REGION",
			);
		}
	});

	test("MAAS_RUN_ID is 4-16 lowercase letters and digits when set", () => {
		expect(load({ MAAS_RUN_ID: "a1b2c3d4" }).runId).toBe("a1b2c3d4");
		for (const bad of ["abc", "ABCD", "a".repeat(17), "ab-cd"]) {
			expect(configError(() => load({ MAAS_RUN_ID: bad })).variable).toBe(
				"MAAS_RUN_ID",
			);
		}
	});

	test("a held stage's settings: a process id and a release file", () => {
		const held = load({
			MAAS_STAGE_RELEASE_FILE: "held/probes.release",
			MAAS_GATE_PID: "4242",
		});
		expect(held.gatePid).toBe(4242);
		expect(isAbsolute(held.stageReleaseFile ?? "")).toBe(true);
		expect(held.stageReleaseFile).toMatch(/held\/probes\.release$/);
		for (const bad of ["0", "-1", "12a", "1.5"]) {
			expect(configError(() => load({ MAAS_GATE_PID: bad })).variable).toBe(
				"MAAS_GATE_PID",
			);
		}
		const alone = configError(() =>
			load({ MAAS_STAGE_RELEASE_FILE: "held/probes.release" }),
		);
		expect(alone.variable).toBe("MAAS_GATE_PID");
		expect(alone.message).toContain("so unset MAAS_STAGE_RELEASE_FILE");
	});

	test("MAAS_SOURCE is one of the documented sources", () => {
		expect(load({ MAAS_SOURCE: "custom_from_modelarts_v2" }).source).toBe(
			"custom_from_modelarts_v2",
		);
		const error = configError(() => load({ MAAS_SOURCE: "custom" }));
		expect(error.message).toContain(
			"custom_from_maas, custom_from_modelarts_v2",
		);
	});

	test("MAAS_REQUEST_TIMEOUT_MS is an integer from 100 to 600000", () => {
		expect(load({ MAAS_REQUEST_TIMEOUT_MS: "100" }).requestTimeoutMs).toBe(100);
		expect(load({ MAAS_REQUEST_TIMEOUT_MS: "600000" }).requestTimeoutMs).toBe(
			600000,
		);
		for (const bad of ["99", "600001", "1e3", "30s", "-5", "1.5", " 100"]) {
			const error = configError(() => load({ MAAS_REQUEST_TIMEOUT_MS: bad }));
			expect(error.variable).toBe("MAAS_REQUEST_TIMEOUT_MS");
			expect(error.message).toContain("100 to 600000");
		}
	});

	test("a bad secret is shown as *** in the message", () => {
		const error = configError(() =>
			load({ ...REMOTE, MAAS_AUTH_TOKEN: "secret with space" }),
		);
		expect(error.variable).toBe("MAAS_AUTH_TOKEN");
		expect(error.message).toContain('"***"');
		expect(error.message).not.toContain("secret with space");
	});

	test("messages say where the value came from", () => {
		const cwd = folderWithEnvFile("MAAS_REGION=Bad\n");
		expect(configError(() => loadConfig({ cwd, env: {} })).message).toContain(
			join(cwd, ".env"),
		);
		expect(
			configError(() => load({}, { MAAS_REGION: "Bad" })).message,
		).toContain("the command line");
	});
});

describe("IAM login", () => {
	test("all four options give a login scoped to the region by name", () => {
		const config = load({ ...IAM, MAAS_REGION: "cn-north-4" });
		expect(config.iam).toEqual({
			endpoint: "https://iam.region.example",
			user: "user",
			password: "config-test-password-1",
			domain: "domain",
			project: { name: "cn-north-4" },
		});
		expect(config.iamTarget).toBe(true);
	});

	test("MAAS_IAM_PROJECT or MAAS_IAM_PROJECT_ID set the scope, not both", () => {
		expect(
			load({ ...IAM, MAAS_IAM_PROJECT: "cn-north-4_sub" }).iam?.project,
		).toEqual({
			name: "cn-north-4_sub",
		});
		expect(load({ ...IAM, MAAS_IAM_PROJECT_ID: "p123" }).iam?.project).toEqual({
			id: "p123",
		});
		const error = configError(() =>
			load({ ...IAM, MAAS_IAM_PROJECT: "x", MAAS_IAM_PROJECT_ID: "p123" }),
		);
		expect(error.variable).toBe("MAAS_IAM_PROJECT_ID");
	});

	test.each([
		"MAAS_IAM_ENDPOINT",
		"MAAS_IAM_USER",
		"MAAS_IAM_PASSWORD",
		"MAAS_IAM_DOMAIN",
	] as const)("any MAAS_IAM_* set requires %s", (missing) => {
		const error = configError(() => load({ ...IAM, [missing]: undefined }));
		expect(error.variable).toBe(missing);
	});

	test("a lone MAAS_IAM_PROJECT turns the login on and asks for the rest", () => {
		const error = configError(() => load({ MAAS_IAM_PROJECT: "x" }));
		expect(error.variable).toBe("MAAS_IAM_ENDPOINT");
		expect(error.message).toContain("MAAS_IAM_PROJECT");
	});

	test("MAAS_IAM_ENDPOINT follows the URL rules and has no default", () => {
		const error = configError(() =>
			load({ ...IAM, MAAS_IAM_ENDPOINT: "http://iam.region.example" }),
		);
		expect(error.variable).toBe("MAAS_IAM_ENDPOINT");
		expect(load({}).iam).toBeUndefined();
	});

	test("the password never appears in a message", () => {
		const error = configError(() =>
			load({ ...IAM, MAAS_IAM_ENDPOINT: "nope" }),
		);
		expect(error.message).not.toContain(IAM.MAAS_IAM_PASSWORD);
	});

	test("MAAS_CHECK_IAM overrides the default and is true or false", () => {
		expect(load({ ...IAM, MAAS_CHECK_IAM: "false" }).iamTarget).toBe(false);
		expect(load({ MAAS_CHECK_IAM: "TRUE" }).iamTarget).toBe(true);
		expect(configError(() => load({ MAAS_CHECK_IAM: "yes" })).variable).toBe(
			"MAAS_CHECK_IAM",
		);
		expect(
			configError(() => load({ ...REMOTE, MAAS_CHECK_IAM: "true" })).variable,
		).toBe("MAAS_CHECK_IAM");
	});
});

describe("the loaded object", () => {
	test("registers the token and the password with redact", () => {
		load({
			...REMOTE,
			MAAS_AUTH_TOKEN: "registered-token-xyz",
			...IAM,
			MAAS_IAM_PASSWORD: "registered-password-xyz",
		});
		expect(redact("registered-token-xyz registered-password-xyz")).toBe(
			"*** ***",
		);
	});

	test("is frozen, nested objects included", () => {
		const config = load({ ...IAM, MAAS_IAM_PROJECT_ID: "p1" });
		expect(Object.isFrozen(config)).toBe(true);
		expect(Object.isFrozen(config.iam)).toBe(true);
		expect(Object.isFrozen(config.iam?.project)).toBe(true);
		expect(() => {
			(config as { region: string }).region = "x";
		}).toThrow(TypeError);
	});
});

describe("toChildEnvironment", () => {
	test("passes the set MAAS_* variables, PACT_DO_NOT_TRACK and extra", () => {
		const config = load({ ...REMOTE, ...IAM, MAAS_RUN_ID: "abcd1234" });
		const env = toChildEnvironment(config, {
			MAAS_LEDGER_FILE: "/tmp/l.jsonl",
			X: "1",
		});
		expect(env).toMatchObject({
			MAAS_ENDPOINT: REMOTE.MAAS_ENDPOINT,
			MAAS_PROJECT_ID: REMOTE.MAAS_PROJECT_ID,
			MAAS_AUTH_TOKEN: REMOTE.MAAS_AUTH_TOKEN,
			MAAS_IAM_ENDPOINT: IAM.MAAS_IAM_ENDPOINT,
			MAAS_IAM_USER: "user",
			MAAS_IAM_PASSWORD: IAM.MAAS_IAM_PASSWORD,
			MAAS_IAM_DOMAIN: "domain",
			MAAS_IAM_PROJECT: "ap-southeast-1",
			MAAS_REGION: "ap-southeast-1",
			MAAS_RUN_ID: "abcd1234",
			MAAS_LEDGER_FILE: "/tmp/l.jsonl",
			MAAS_REQUEST_TIMEOUT_MS: "30000",
			MAAS_ENV_FILE: "none",
			PACT_DO_NOT_TRACK: "true",
			X: "1",
		});
		expect(env.MAAS_CHECK_IAM).toBeUndefined();
	});

	test("leaves out unset variables and everything else of process.env", () => {
		const saved = {
			NODE_OPTIONS: process.env.NODE_OPTIONS,
			SOME: process.env.MAAS_CHILD_TEST_OTHER,
		};
		process.env.NODE_OPTIONS = "--inspect";
		process.env.MAAS_CHILD_TEST_OTHER = "x";
		try {
			const env = toChildEnvironment(load({}));
			expect(env.MAAS_ENDPOINT).toBeUndefined();
			expect(env.MAAS_AUTH_TOKEN).toBeUndefined();
			expect(env.MAAS_IAM_USER).toBeUndefined();
			expect(env.MAAS_RUN_ID).toBeUndefined();
			expect(env.NODE_OPTIONS).toBeUndefined();
			expect(env.MAAS_CHILD_TEST_OTHER).toBeUndefined();
			const allowed = new Set<string>([
				...VARIABLES,
				"PACT_DO_NOT_TRACK",
				"PATH",
				"HOME",
				"TMPDIR",
				"LANG",
				"CI",
				"NODE_DEBUG",
				"TERM",
			]);
			for (const key of Object.keys(env)) expect(allowed).toContain(key);
			if (process.env.PATH) expect(env.PATH).toBe(process.env.PATH);
		} finally {
			if (saved.NODE_OPTIONS === undefined) delete process.env.NODE_OPTIONS;
			else process.env.NODE_OPTIONS = saved.NODE_OPTIONS;
			delete process.env.MAAS_CHILD_TEST_OTHER;
		}
	});

	test("loads back into the same configuration, ignoring a .env file", () => {
		const cwd = folderWithEnvFile("MAAS_MODEL_NAME=must-not-leak\n");
		const config = load({
			...REMOTE,
			...IAM,
			MAAS_IAM_PROJECT_ID: "p1",
			MAAS_CHECK_IAM: "false",
			MAAS_RUN_ID: "abcd1234",
			MAAS_LEDGER_FILE: "l.jsonl",
		});
		const again = loadConfig({ env: toChildEnvironment(config), cwd });
		expect(again).toEqual(config);
	});

	test("IAM options in extra enable the IAM check", () => {
		const env = toChildEnvironment(load({}), {
			MAAS_ENDPOINT: "http://127.0.0.1:9",
			MAAS_PROJECT_ID: "p1",
			MAAS_AUTH_TOKEN: "mock-token-1",
			MAAS_IAM_ENDPOINT: "http://127.0.0.1:9",
			MAAS_IAM_USER: "u",
			MAAS_IAM_PASSWORD: "mock-password",
			MAAS_IAM_DOMAIN: "d",
		});
		expect(loadConfig({ env, cwd: temp }).iamTarget).toBe(true);
	});
});

test("disablePactTracking sets PACT_DO_NOT_TRACK", () => {
	const saved = process.env.PACT_DO_NOT_TRACK;
	delete process.env.PACT_DO_NOT_TRACK;
	try {
		disablePactTracking();
		expect(process.env.PACT_DO_NOT_TRACK).toBe("true");
	} finally {
		process.env.PACT_DO_NOT_TRACK = saved ?? "true";
	}
});

describe(".env.example", () => {
	const text = readFileSync(join(PROJECT_ROOT, ".env.example"), "utf8");

	test("lists every variable the configuration knows, and no other", () => {
		const listed = [...text.matchAll(/^(?:# )?(MAAS_[A-Z_]+)=/gm)].map(
			(match) => match[1],
		);
		expect(new Set(listed)).toEqual(new Set(VARIABLES));
		expect(listed).toHaveLength(VARIABLES.length);
	});

	test("holds no values", () => {
		for (const [name, value] of Object.entries(parse(text))) {
			expect({ name, value }).toEqual({ name, value: "" });
		}
	});

	test("loads as a .env file without errors", () => {
		const cwd = folderWithEnvFile(text);
		expect(loadConfig({ cwd, env: {} }).endpoint).toBeUndefined();
	});
});
