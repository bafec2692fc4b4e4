import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { redact } from "../redact.ts";
import { stripAnsi } from "../report/xml.ts";
import { releaseStage, waitingMarkerOf } from "../stage-release.ts";

/**
 * Runs one gate stage as a child process in its own process group:
 * `node <vitest.mjs> run --project <stage> --reporter=<junit> --reporter=dot`.
 * Its output goes, line by line through `redact`, to the stage log. The
 * group is killed when the stage exceeds its timeout or the gate is stopped,
 * so no worker or grandchild survives the stage.
 *
 * A stage started with `releaseFile` is held: its process loads at once but
 * sends nothing before `release()` creates that file, and its timeout runs
 * from the release.
 */

export interface StageRunOptions {
	stage: string;
	/** Project root: the child's working directory. */
	root: string;
	/** Path of vitest's `vitest.mjs`. */
	vitestEntry: string;
	/** Path of our JUnit reporter module. */
	reporterPath: string;
	/** The complete environment of the child. */
	env: Record<string, string>;
	logFile: string;
	timeoutMs: number;
	/** Milliseconds between SIGTERM and SIGKILL of the group; default 5000. */
	killGraceMs?: number;
	/**
	 * Holds the stage until `release()`. The environment must name this
	 * file in MAAS_STAGE_RELEASE_FILE for the stage to wait for it.
	 */
	releaseFile?: string;
}

export interface StageRunResult {
	/** Exit code, or undefined when the child ended by a signal. */
	exitCode: number | undefined;
	signal: NodeJS.Signals | undefined;
	timedOut: boolean;
	/** The gate stopped the stage (SIGINT/SIGTERM to the gate). */
	stopped: boolean;
	/** Could not start the child at all. */
	spawnError: string | undefined;
	/** The last lines of the log, without escape sequences. */
	logTail: string;
	/** From the start of the process to its end. */
	durationMs: number;
	/** The part of durationMs the stage was held before its release, or 0 if never held. */
	heldMs: number;
}

export interface RunningStage {
	readonly result: Promise<StageRunResult>;
	/** Stops the stage: SIGTERM to its group, SIGKILL after the grace time. */
	stop(): void;
	/** Releases a held stage and starts its timeout. Does nothing for a stage not held. */
	release(): void;
}

const TAIL_LINES = 40;
const MARKER_POLL_MS = 50;

export function startStage(options: StageRunOptions): RunningStage {
	const startedAt = Date.now();
	mkdirSync(dirname(options.logFile), { recursive: true });
	writeFileSync(options.logFile, "");
	const tail: string[] = [];
	const log = (line: string) => {
		const clean = redact(line);
		appendFileSync(options.logFile, `${clean}\n`);
		tail.push(stripAnsi(clean));
		if (tail.length > TAIL_LINES) tail.shift();
	};
	log(
		`$ node vitest run --project ${options.stage} (cwd ${options.root}, timeout ${options.timeoutMs} ms)`,
	);

	const child: ChildProcess = spawn(
		process.execPath,
		[
			options.vitestEntry,
			"run",
			"--project",
			options.stage,
			`--reporter=${options.reporterPath}`,
			"--reporter=dot",
		],
		{
			cwd: options.root,
			env: options.env,
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
		},
	);

	let timedOut = false;
	let stopped = false;
	let killTimer: NodeJS.Timeout | undefined;
	const killGroup = (signal: NodeJS.Signals) => {
		if (child.pid === undefined) return;
		try {
			process.kill(-child.pid, signal);
		} catch {
			// The group is already gone.
		}
	};
	const terminate = () => {
		killGroup("SIGTERM");
		killTimer ??= setTimeout(
			() => killGroup("SIGKILL"),
			options.killGraceMs ?? 5000,
		);
	};
	let timeoutTimer: NodeJS.Timeout | undefined;
	const startTimeout = () => {
		timeoutTimer = setTimeout(() => {
			timedOut = true;
			log(
				`gate: stage ${options.stage} exceeded ${options.timeoutMs} ms; killed`,
			);
			terminate();
		}, options.timeoutMs);
	};
	const releaseFile = options.releaseFile;
	let releasedAt: number | undefined;
	let ended = false;
	let markerTimer: NodeJS.Timeout | undefined;
	if (releaseFile === undefined) startTimeout();
	else {
		log(`gate: stage ${options.stage} held until ${releaseFile} exists`);
		// The stage creates the marker once it has loaded and waits.
		const marker = waitingMarkerOf(releaseFile);
		markerTimer = setInterval(() => {
			if (!existsSync(marker)) return;
			clearInterval(markerTimer);
			log(
				`gate: stage ${options.stage} loaded after ${Date.now() - startedAt} ms and waits for its release`,
			);
		}, MARKER_POLL_MS);
	}

	for (const stream of [child.stdout, child.stderr]) {
		let pending = "";
		stream?.setEncoding("utf8");
		stream?.on("data", (chunk: string) => {
			pending += chunk;
			const lines = pending.split(/\r?\n/);
			pending = lines.pop() ?? "";
			for (const line of lines) log(line);
		});
		stream?.on("end", () => {
			if (pending) log(pending);
			pending = "";
		});
	}

	const result = new Promise<StageRunResult>((resolve) => {
		let spawnError: string | undefined;
		child.once("error", (error) => {
			spawnError = error.message;
			log(`gate: could not start the stage: ${error.message}`);
		});
		child.once("close", (code, signal) => {
			ended = true;
			clearTimeout(timeoutTimer);
			clearInterval(markerTimer);
			if (killTimer) clearTimeout(killTimer);
			// Workers or grandchildren left in the group die with the stage.
			killGroup("SIGKILL");
			resolve({
				exitCode: code ?? undefined,
				signal: signal ?? undefined,
				timedOut,
				stopped,
				spawnError,
				logTail: tail.join("\n"),
				durationMs: Date.now() - startedAt,
				heldMs:
					releaseFile === undefined
						? 0
						: (releasedAt ?? Date.now()) - startedAt,
			});
		});
		// A grandchild that keeps the pipes open must not keep the stage
		// running after vitest itself has exited.
		child.once("exit", () => {
			setTimeout(() => {
				child.stdout?.destroy();
				child.stderr?.destroy();
			}, 2000).unref();
		});
	});

	return {
		result,
		stop() {
			if (stopped) return;
			stopped = true;
			log(`gate: stage ${options.stage} stopped by the gate`);
			terminate();
		},
		release() {
			if (releaseFile === undefined || releasedAt !== undefined) return;
			if (ended || stopped) return;
			releasedAt = Date.now();
			clearInterval(markerTimer);
			log(
				`gate: stage ${options.stage} released after ${releasedAt - startedAt} ms`,
			);
			startTimeout();
			try {
				releaseStage(releaseFile);
			} catch (error) {
				log(
					`gate: failed to release stage ${options.stage} (${(error as Error).message}); the stage was killed`,
				);
				terminate();
			}
		},
	};
}
