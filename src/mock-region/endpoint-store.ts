/**
 * In-memory endpoints of the mock's project. A name, once used, stays
 * burned forever: the Delete page states that a deleted endpoint's name cannot be
 * used again (https://support.huaweicloud.com/intl/en-us/api-maas/api-maas-0016.html),
 * and a rename burns both the old and the new name.
 */
import type { CustomEndpointInfo } from "./types.ts";

interface StoredEndpoint {
	info: CustomEndpointInfo;
	createdAt: number;
	/** False for endpoints the create-not-listed deviation hides. */
	listed: boolean;
}

/** Earlier uses of a name. Several flags can be true at once. */
export interface NameUse {
	/** A live endpoint other than the one being renamed has this name. */
	live: boolean;
	/** A deleted endpoint had this name when it was deleted. */
	deleted: boolean;
	/** An endpoint had this name and was renamed away from it. */
	renamedAway: boolean;
}

export interface ListedEndpoint {
	info: CustomEndpointInfo;
	createdAt: number;
}

export class EndpointStore {
	private readonly live = new Map<string, StoredEndpoint>();
	private readonly deletedIds = new Set<string>();
	private readonly burned = new Set<string>();
	private readonly deletedNames = new Set<string>();
	private readonly renamedAwayNames = new Set<string>();

	get liveCount(): number {
		return this.live.size;
	}

	has(id: string): boolean {
		return this.live.has(id);
	}

	get(id: string): CustomEndpointInfo | undefined {
		const stored = this.live.get(id);
		return stored ? { ...stored.info } : undefined;
	}

	wasDeleted(id: string): boolean {
		return this.deletedIds.has(id);
	}

	nameUse(name: string, exceptId?: string): NameUse {
		let live = false;
		for (const [id, stored] of this.live) {
			if (id !== exceptId && stored.info.endpoint_name === name) {
				live = true;
				break;
			}
		}
		return {
			live,
			deleted: this.deletedNames.has(name),
			renamedAway: this.renamedAwayNames.has(name),
		};
	}

	add(info: CustomEndpointInfo, listed: boolean): void {
		this.live.set(info.id, {
			info: { ...info },
			createdAt: Date.now(),
			listed,
		});
		this.burned.add(info.endpoint_name);
	}

	/** Applies a patch; a new endpoint_name burns it and retires the old one. */
	update(
		id: string,
		patch: Partial<Omit<CustomEndpointInfo, "id">>,
	): CustomEndpointInfo | undefined {
		const stored = this.live.get(id);
		if (stored === undefined) {
			return undefined;
		}
		const oldName = stored.info.endpoint_name;
		stored.info = { ...stored.info, ...patch };
		const newName = stored.info.endpoint_name;
		if (newName !== oldName) {
			this.renamedAwayNames.add(oldName);
			this.burned.add(newName);
		}
		return { ...stored.info };
	}

	remove(id: string): boolean {
		const stored = this.live.get(id);
		if (stored === undefined) {
			return false;
		}
		this.live.delete(id);
		this.deletedIds.add(id);
		this.deletedNames.add(stored.info.endpoint_name);
		return true;
	}

	/** Endpoints the list operation shows, in creation order. */
	listed(): ListedEndpoint[] {
		return [...this.live.values()]
			.filter((stored) => stored.listed)
			.map((stored) => ({
				info: { ...stored.info },
				createdAt: stored.createdAt,
			}));
	}

	all(): CustomEndpointInfo[] {
		return [...this.live.values()].map((stored) => ({ ...stored.info }));
	}

	burnedNames(): string[] {
		return [...this.burned];
	}
}
