/**
 * Setup file of the verify and probes projects. When the gate holds the
 * stage, every test module waits here, after loading and before its first
 * test or hook, so the stage sends nothing and starts no time budget before
 * its release. The wait has no timeout of its own: the gate bounds it, and
 * a gate that exits ends it.
 */
import { beforeAll } from "vitest";
import { loadConfig } from "./config/index.ts";
import {
	type StageRelease,
	stageReleaseOf,
	waitForRelease,
} from "./stage-release.ts";

let release: StageRelease | undefined;
try {
	release = stageReleaseOf(loadConfig());
} catch {
	// The stage's own modules report an invalid configuration.
}

const held = release;
if (held) beforeAll(() => waitForRelease(held), 0);
