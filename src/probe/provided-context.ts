/**
 * Values the probes project's global setup hands to the worker through
 * vitest's `provide`/`inject`, for a stage run without the gate.
 */
declare module "vitest" {
	interface ProvidedContext {
		/** Run id chosen by the global setup when MAAS_RUN_ID is not set. */
		maasRunId: string;
		/** Ledger file chosen by the global setup when MAAS_LEDGER_FILE is not set. */
		maasLedgerFile: string;
	}
}

export {};
