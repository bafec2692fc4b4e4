/**
 * Shared shape of the deviation test cases. A case starts its region with
 * the given start function and asserts the deviant behaviour on the wire,
 * so the same case must fail against the conformant mock.
 */
import type { MockRegion, MockRegionOptions } from "./index.ts";

export type StartRegion = (options?: MockRegionOptions) => Promise<MockRegion>;

export type DeviationCase = (start: StartRegion) => Promise<void>;
