import { describe, expect, test } from "vitest";
import type { DeviationCase } from "./deviation-case.ts";
import { deleteDeviationCases } from "./deviation-cases-delete.ts";
import { errorDeviationCases } from "./deviation-cases-errors.ts";
import { otherDeviationCases } from "./deviation-cases-other.ts";
import { DEVIATIONS, type DeviationName } from "./deviations.ts";
import { useRegions } from "./test-helpers.ts";

const start = useRegions();

const cases: Record<DeviationName, DeviationCase> = {
	...deleteDeviationCases,
	...errorDeviationCases,
	...otherDeviationCases,
};

// The delete-never-responds region is left out because cases that delete
// an existing endpoint through undici would wait for its reply forever.
// Its own case in deviations.test.ts covers it.
const regions = (Object.keys(DEVIATIONS) as DeviationName[]).filter(
	(name) => name !== "delete-never-responds",
);

describe("deviation isolation", () => {
	test.each(regions)("%s region shows no other deviation", async (active) => {
		const passingCases: string[] = [];
		for (const [name, run] of Object.entries(cases)) {
			if (name === active) {
				continue;
			}
			const passed = await run((options) =>
				start({ ...options, deviations: [active] }),
			).then(
				() => true,
				() => false,
			);
			if (passed) {
				passingCases.push(name);
			}
		}
		expect(passingCases).toEqual([]);
	});
});
