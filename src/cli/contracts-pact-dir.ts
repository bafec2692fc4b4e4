import { join, resolve } from "node:path";
import { type Config, PROJECT_ROOT } from "../config/index.ts";

/**
 * Returns the folder the gate's contracts stage writes its pact files to. The verify stage
 * replays the committed files in contracts/pacts while the contracts stage
 * runs beside it, so the gate never lets the consumer tests rewrite those
 * files under it: with MAAS_PACT_DIR at its default they write to
 * `<report dir>/pacts`. A MAAS_PACT_DIR elsewhere is used as it is.
 * `npm run contracts:update` is what replaces the committed files.
 */
export function contractsPactDir(config: Readonly<Config>): string {
	const committed = join(PROJECT_ROOT, "contracts", "pacts");
	return resolve(config.pactDir) === resolve(committed)
		? join(config.reportDir, "pacts")
		: config.pactDir;
}
