/** Construction of new endpoints and the name rules shared by create and edit. */
import { randomBytes, randomUUID } from "node:crypto";
import { endpointNameInvalid, endpointNameUsed } from "./api-errors.ts";
import type { CommonFields } from "./endpoint-fields.ts";
import { isValidEndpointName } from "./endpoint-name.ts";
import { hasDeviation, type RegionContext } from "./region-context.ts";
import type { ErrorReply } from "./reply.ts";
import type { CustomEndpointInfo, EndpointSource } from "./types.ts";

export interface NewEndpointFields extends CommonFields {
	endpoint_name: string;
	source?: EndpointSource;
	model_name?: string;
}

/**
 * Builds a new endpoint: a UUID v4 id, status ACTIVE, cbc_status NORMAL,
 * rpm and tpm null and moderation true unless given, and served_model_name
 * equal to model_name.
 */
export function newEndpointInfo(
	fields: NewEndpointFields,
	id: string = randomUUID(),
): CustomEndpointInfo {
	return {
		id,
		source: fields.source ?? "custom_from_maas",
		status: "ACTIVE",
		cbc_status: "NORMAL",
		endpoint_name: fields.endpoint_name,
		remark: fields.remark ?? "",
		rpm: fields.rpm ?? null,
		tpm: fields.tpm ?? null,
		served_model_name: fields.model_name ?? "",
		model_version_id: randomUUID(),
		resident_model_id: randomUUID(),
		moderation: fields.moderation ?? true,
	};
}

/** Generates a fresh valid name for the create-missing-name-accepted deviation. */
export function generatedEndpointName(): string {
	return `endpoint-${randomBytes(6).toString("hex")}`;
}

/**
 * Applies the name rules: ModelArts.6274 for an invalid name, then
 * ModelArts.6271 for a name used before, live or deleted. `exceptId` is the
 * endpoint being renamed, so its own live name does not count.
 */
export function checkNameRules(
	context: RegionContext,
	name: string,
	options: { skipPattern: boolean; exceptId?: string },
): ErrorReply | undefined {
	if (!options.skipPattern && !isValidEndpointName(name)) {
		return endpointNameInvalid();
	}
	const use = context.store.nameUse(name, options.exceptId);
	const liveBlocks =
		use.live && !hasDeviation(context, "name-duplicate-allowed");
	const deletedBlocks =
		use.deleted && !hasDeviation(context, "name-reusable-after-delete");
	if (liveBlocks || deletedBlocks || use.renamedAway) {
		return endpointNameUsed();
	}
	return undefined;
}
