// User vectors in the KV namespace `EMBEDDINGS` (binary values, little-endian float32), and recent items per user
// (a JSON list). KV's shortest TTL is 60 s, so shorter TTLs are raised to it. Reads of a batch run concurrently.

import { bytesToVector, vectorToBytes } from "../app/embedding-cache.ts";
import { RECENT_ITEMS_CAP, type EmbeddingCache, type RecentItemsStore } from "../app/ports.ts";
import { mergeRecent } from "../app/recent-items.ts";
import { kvRecentKey, kvUserVectorKey } from "./bindings.ts";

const KV_MIN_TTL = 60;

export class KvEmbeddingCache implements EmbeddingCache {
  readonly name = "kv";

  constructor(
    private readonly kv: KVNamespace,
    private readonly defaultTtlSeconds = 30 * 86_400,
  ) {}

  async getMany(keys: string[]): Promise<(Float32Array | null)[]> {
    return Promise.all(
      keys.map(async (k) => {
        const buf = await this.kv.get(kvUserVectorKey(k), "arrayBuffer");
        return buf ? bytesToVector(new Uint8Array(buf)) : null;
      }),
    );
  }

  async setMany(entries: [string, Float32Array][], ttlSeconds?: number): Promise<void> {
    const expirationTtl = Math.max(KV_MIN_TTL, Math.round(ttlSeconds ?? this.defaultTtlSeconds));
    await Promise.all(entries.map(([k, v]) => this.kv.put(kvUserVectorKey(k), vectorToBytes(v), { expirationTtl })));
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(kvUserVectorKey(key));
  }
}

export class KvRecentItems implements RecentItemsStore {
  constructor(
    private readonly kv: KVNamespace,
    private readonly ttlSeconds = 30 * 86_400,
  ) {}

  async get(tenant: string, userId: string): Promise<string[]> {
    const list = await this.kv.get<unknown>(kvRecentKey(tenant, userId), "json");
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  }

  // KV has no atomic list push: read, merge, write. Concurrent writers for one user may drop an item from the
  // recent list (never from the event log, which is the durable record).
  async push(tenant: string, userId: string, itemIds: string[]): Promise<void> {
    const list = mergeRecent(await this.get(tenant, userId), itemIds, RECENT_ITEMS_CAP);
    await this.kv.put(kvRecentKey(tenant, userId), JSON.stringify(list), { expirationTtl: Math.max(KV_MIN_TTL, this.ttlSeconds) });
  }
}
