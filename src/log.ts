import { debuglog, format } from "node:util";
import { redact } from "./redact.ts";

const sink = debuglog("maas");

/** Writes one debug line, shown with NODE_DEBUG=maas, after passing it through redact. */
export function debug(area: string, message: string, ...args: unknown[]): void {
	if (!sink.enabled) return;
	sink("%s", redact(`[${area}] ${format(message, ...args)}`));
}
