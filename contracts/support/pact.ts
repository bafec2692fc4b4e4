/**
 * The one place that loads pact-js. Pact's native core sends usage data
 * unless PACT_DO_NOT_TRACK is set before it loads, and static imports are
 * evaluated before any statement of the importing module, so the library is
 * loaded with a dynamic import after tracking is turned off.
 */
import { disablePactTracking } from "../../src/config/index.ts";

disablePactTracking();

const pact = await import("@pact-foundation/pact");

export const { PactV4, MatchersV3, HTTPResponseStatusClass, Verifier } = pact;
