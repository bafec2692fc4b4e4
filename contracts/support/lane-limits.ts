/**
 * How many interactions the verify stage verifies at once. At most
 * RUN_ENDPOINT_LIMIT of the run's endpoints may be alive at once: the
 * gate's preflight makes sure the account has that many free slots, and
 * the probes' endpoint budget keeps the same limit. A provider state makes
 * at most one endpoint per interaction, and an interaction creates at most
 * one itself. So a lane that verifies one interaction at a time keeps at
 * most LANE_ENDPOINT_LIMIT alive, and LANE_COUNT lanes stay within the
 * run's limit.
 */
import { ENDPOINTS_NEEDED } from "../../src/cli/preflight.ts";

/** Maximum number of the run's endpoints alive at once. */
export const RUN_ENDPOINT_LIMIT = ENDPOINTS_NEEDED;

/** Maximum number of endpoints one lane keeps alive at once. */
export const LANE_ENDPOINT_LIMIT = 1;

/** Verification lanes of the verify stage: one verification process each. */
export const LANE_COUNT = Math.floor(RUN_ENDPOINT_LIMIT / LANE_ENDPOINT_LIMIT);
