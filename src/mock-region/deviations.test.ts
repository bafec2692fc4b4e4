import { describe, expect, test } from "vitest";
import type { DeviationCase } from "./deviation-case.ts";
import { deleteDeviationCases } from "./deviation-cases-delete.ts";
import { errorDeviationCases } from "./deviation-cases-errors.ts";
import { otherDeviationCases } from "./deviation-cases-other.ts";
import { DEVIATIONS, type DeviationName } from "./deviations.ts";
import type { MockRegionOptions } from "./index.ts";
import { useRegions } from "./test-helpers.ts";

const start = useRegions();

// `satisfies` makes tsc reject a deviation without a case.
const cases = {
	...deleteDeviationCases,
	...errorDeviationCases,
	...otherDeviationCases,
} satisfies Record<DeviationName, DeviationCase>;

const names = Object.keys(DEVIATIONS) as DeviationName[];

describe("deviations", () => {
	test("every deviation has a case", () => {
		expect(Object.keys(cases).sort()).toEqual([...names].sort());
	});

	test.each(names)("%s shows on the wire", async (name) => {
		await cases[name]((options?: MockRegionOptions) =>
			start({ ...options, deviations: [name] }),
		);
	});

	test.each(names)("%s case fails on the conformant mock", async (name) => {
		await expect(cases[name]((options) => start(options))).rejects.toThrow();
	});
});
