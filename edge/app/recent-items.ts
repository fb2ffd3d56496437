// Recent items per user: the per-isolate memory store, and a layering over a remote store (KV / Redis) that writes
// both and reads memory first, so the request right after an event already sees it in this isolate.

import { skipIfDown } from "./embedding-cache.ts";
import { DependencyDown } from "./guard.ts";
import { ByteLru } from "./lru.ts";
import { RECENT_ITEMS_CAP, type RecentItemsStore } from "./ports.ts";

/** Puts new items (oldest first) in front of `list` (newest first), without duplicates, capped. */
export function mergeRecent(list: string[], added: string[], cap = RECENT_ITEMS_CAP): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = added.length - 1; i >= 0 && out.length < cap; i--) {
    const id = added[i]!;
    if (!seen.has(id)) (seen.add(id), out.push(id));
  }
  for (const id of list) {
    if (out.length >= cap) break;
    if (!seen.has(id)) (seen.add(id), out.push(id));
  }
  return out;
}

export class MemoryRecentItems implements RecentItemsStore {
  private readonly lru: ByteLru<string, string[]>;

  constructor(budgetBytes = 8 << 20, ttlSeconds = 86_400) {
    this.lru = new ByteLru(budgetBytes, ttlSeconds * 1000);
  }

  async get(tenant: string, userId: string): Promise<string[]> {
    return this.lru.get(`${tenant}:${userId}`) ?? [];
  }

  async push(tenant: string, userId: string, itemIds: string[]): Promise<void> {
    const key = `${tenant}:${userId}`;
    const list = mergeRecent(this.lru.get(key) ?? [], itemIds);
    this.lru.set(key, list, 64 + key.length * 2 + list.reduce((s, id) => s + 40 + id.length * 2, 0));
  }

  /** Replaces a user's list (used by the layering to keep a remote read), for `ttlMs` when given. */
  set(tenant: string, userId: string, list: string[], ttlMs?: number): void {
    const key = `${tenant}:${userId}`;
    this.lru.set(key, list, 64 + key.length * 2 + list.reduce((s, id) => s + 40 + id.length * 2, 0), ttlMs);
  }

  /** Whether this store holds an entry (possibly an empty list) for the user. */
  has(tenant: string, userId: string): boolean {
    return this.lru.get(`${tenant}:${userId}`) !== undefined;
  }
}

/**
 * Memory first, then the remote store. A remote answer is kept in memory, an empty one only for `emptyTtlSeconds`
 * (events posted to another isolate are seen after that; events posted here update memory at once).
 */
export class LayeredRecentItems implements RecentItemsStore {
  constructor(
    private readonly memory: MemoryRecentItems,
    private readonly remote: RecentItemsStore | null,
    private readonly emptyTtlSeconds = 5,
  ) {}

  /** The same memory tier over another remote store (a Worker builds one per request). */
  withRemote(remote: RecentItemsStore): LayeredRecentItems {
    return new LayeredRecentItems(this.memory, remote, this.emptyTtlSeconds);
  }

  async get(tenant: string, userId: string): Promise<string[]> {
    const near = await this.memory.get(tenant, userId);
    if (near.length || !this.remote || this.memory.has(tenant, userId)) return near;
    let far: string[];
    try {
      far = await this.remote.get(tenant, userId);
    } catch (e) {
      // Remote down or slow: what this isolate knows (possibly nothing) answers; nothing is remembered.
      if (e instanceof DependencyDown) return near;
      throw e;
    }
    this.memory.set(tenant, userId, far, far.length ? undefined : this.emptyTtlSeconds * 1000);
    return far;
  }

  async push(tenant: string, userId: string, itemIds: string[]): Promise<void> {
    await this.memory.push(tenant, userId, itemIds);
    await skipIfDown(this.remote?.push(tenant, userId, itemIds));
  }
}
