// Recent items per user: the per-isolate memory store, and a layering over a remote store (KV / Redis) that writes
// both and reads memory first, so the request right after an event already sees it in this isolate.

import { skipIfDown } from "./embedding-cache.ts";
import { type Background, DependencyDown, withinBudget } from "./guard.ts";
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
    /** A request's soft deadline for the remote read (see withinBudget); none: wait for it (up to the guard's bound). */
    private readonly budget?: { ms: number; background: Background },
  ) {}

  /** The same memory tier over another remote store (a Worker builds one per request, with its read budget). */
  withRemote(remote: RecentItemsStore, budget?: { ms: number; background: Background }): LayeredRecentItems {
    return new LayeredRecentItems(this.memory, remote, this.emptyTtlSeconds, budget);
  }

  async get(tenant: string, userId: string): Promise<string[]> {
    const near = await this.memory.get(tenant, userId);
    if (near.length || !this.remote || this.memory.has(tenant, userId)) return near;
    // The read keeps its answer in memory even when it lands after the request's budget (for the next request).
    const read = this.remote.get(tenant, userId).then((far) => {
      this.memory.set(tenant, userId, far, far.length ? undefined : this.emptyTtlSeconds * 1000);
      return far;
    });
    try {
      return await withinBudget(read, this.budget, "recent items");
    } catch (e) {
      // Remote down or slow: what this isolate knows (possibly nothing) answers; nothing is remembered.
      if (e instanceof DependencyDown) return near;
      throw e;
    }
  }

  async push(tenant: string, userId: string, itemIds: string[]): Promise<void> {
    await this.memory.push(tenant, userId, itemIds);
    await skipIfDown(this.remote?.push(tenant, userId, itemIds));
  }
}
