/**
 * `npm run contracts:update` (tsx contracts/support/update-pacts.ts):
 * regenerates contracts/pacts from the consumer tests. The tests write to
 * an empty temporary folder first, because pact-js merges into an existing
 * file and a renamed or removed interaction would linger. The committed
 * files are replaced only when every consumer test passed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { PROJECT_ROOT } from "../../src/config/index.ts";
import { runConsumerTests } from "./consumer-run.ts";
import {
	COMMITTED_PACT_DIR,
	listPactFiles,
	readPactFile,
} from "./pact-file.ts";

const workDir = mkdtempSync(join(tmpdir(), "maas-pacts-"));
try {
	const pactDir = join(workDir, "pacts");
	const run = await runConsumerTests({
		pactDir,
		reportDir: join(workDir, "reports"),
	});
	if (run.exitCode !== 0 || run.timedOut) {
		process.stderr.write(run.output);
		process.stderr.write(
			`\nthe consumer tests failed (exit ${run.exitCode ?? run.signal}${run.timedOut ? ", timed out" : ""}); ${relative(PROJECT_ROOT, COMMITTED_PACT_DIR)} was left unchanged\n`,
		);
		process.exitCode = 1;
	} else {
		const generated = listPactFiles(pactDir);
		if (generated.length === 0) {
			process.stderr.write(
				"the consumer tests passed but wrote no pact file; check that they call executeTest\n",
			);
			process.exitCode = 1;
		} else {
			mkdirSync(COMMITTED_PACT_DIR, { recursive: true });
			for (const old of listPactFiles(COMMITTED_PACT_DIR)) rmSync(old);
			for (const file of generated) {
				const target = join(COMMITTED_PACT_DIR, basename(file));
				copyFileSync(file, target);
				const count = readPactFile(target).interactions.length;
				process.stdout.write(
					`wrote ${relative(PROJECT_ROOT, target)} (${count} interactions)\n`,
				);
			}
		}
	}
} finally {
	rmSync(workDir, { recursive: true, force: true });
}
