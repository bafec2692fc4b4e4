/**
 * Metadata a check attaches to its vitest task (`context.task.meta`). The
 * JUnit reporter turns these fields into testcase properties, so the names
 * here are the property names SDK maintainers and CI systems see.
 */
declare module "vitest" {
	interface TaskMeta {
		/** Stable requirement ID from the catalogue; reports compare on it. */
		requirement?: string;
		level?: "MUST" | "SHOULD";
		/** Public documentation page the rule comes from. */
		source?: string;
		/** Base URL of the region under test. */
		target?: string;
		/** HTTP status of the response that decided the check. */
		status?: number;
		errorCode?: string;
		requestId?: string;
		/** Documented alternative the region chose, where the docs disagree. */
		alternative?: string;
		/** A SHOULD-level rule the region broke; the check itself passes. */
		warning?: string;
		/** Gate stage that ran the check: contracts, verify or probes. */
		stage?: string;
		/**
		 * Spec file that registered the check, relative to the project root,
		 * when one test module loads several (the probes stage). The JUnit
		 * classname names this file instead of the module.
		 */
		specFile?: string;
	}
}

export {};
