// The remote stores behind a Guard: the same interfaces, each call time-bounded and refused fast while the
// dependency is down (see guard.ts). The layered stores catch DependencyDown and fall back to memory.

import type { Guard } from "./guard.ts";
import type { EmbeddingCache, RecentItemsStore } from "./ports.ts";

export class GuardedEmbeddingCache implements EmbeddingCache {
  readonly name: string;

  constructor(
    private readonly inner: EmbeddingCache,
    private readonly guard: Guard,
  ) {
    this.name = inner.name;
  }

  getMany(keys: string[]): Promise<(Float32Array | null)[]> {
    return this.guard.run(() => this.inner.getMany(keys));
  }

  setMany(entries: [string, Float32Array][], ttlSeconds?: number): Promise<void> {
    return this.guard.run(() => this.inner.setMany(entries, ttlSeconds));
  }

  delete(key: string): Promise<void> {
    return this.guard.run(() => this.inner.delete(key));
  }
}

export class GuardedRecentItems implements RecentItemsStore {
  constructor(
    private readonly inner: RecentItemsStore,
    private readonly guard: Guard,
  ) {}

  get(tenant: string, userId: string): Promise<string[]> {
    return this.guard.run(() => this.inner.get(tenant, userId));
  }

  push(tenant: string, userId: string, itemIds: string[]): Promise<void> {
    return this.guard.run(() => this.inner.push(tenant, userId, itemIds));
  }
}
