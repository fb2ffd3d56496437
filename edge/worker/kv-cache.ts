// User vectors in the KV namespace `EMBEDDINGS` (base64 text of little-endian float32, so that reads can be bulk
// text reads), and recent items per user (a JSON list). KV's shortest TTL is 60 s, so shorter TTLs are raised to
// it. All reads go through a KvBatchReader: the keys one request needs at once leave as one bulk get.

import { bytesToVector, vectorToBytes } from "../app/embedding-cache.ts";
import { RECENT_ITEMS_CAP, type EmbeddingCache, type RecentItemsStore } from "../app/ports.ts";
import { mergeRecent } from "../app/recent-items.ts";
import { kvRecentKey, kvUserVectorKey } from "../../shared/store/keys.ts";
import { KvBatchReader, base64ToBytes, bytesToBase64 } from "./kv-batch.ts";

const KV_MIN_TTL = 60;

export class KvEmbeddingCache implements EmbeddingCache {
  readonly name = "kv";

  constructor(
    private readonly kv: KVNamespace,
    private readonly reads = new KvBatchReader(kv),
    private readonly defaultTtlSeconds = 30 * 86_400,
  ) {}

  async getMany(keys: string[]): Promise<(Float32Array | null)[]> {
    return Promise.all(
      keys.map(async (k) => {
        const text = await this.reads.read(kvUserVectorKey(k));
        const bytes = text === null ? null : base64ToBytes(text);
        return bytes ? bytesToVector(bytes) : null;
      }),
    );
  }

  async setMany(entries: [string, Float32Array][], ttlSeconds?: number): Promise<void> {
    const expirationTtl = Math.max(KV_MIN_TTL, Math.round(ttlSeconds ?? this.defaultTtlSeconds));
    await Promise.all(entries.map(([k, v]) => this.kv.put(kvUserVectorKey(k), encodeVectorText(v), { expirationTtl })));
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(kvUserVectorKey(key));
  }
}

/** The KV value of a user vector (what publish writes too). */
export const encodeVectorText = (v: Float32Array): string => bytesToBase64(vectorToBytes(v));

export class KvRecentItems implements RecentItemsStore {
  constructor(
    private readonly kv: KVNamespace,
    private readonly reads = new KvBatchReader(kv),
    private readonly ttlSeconds = 30 * 86_400,
  ) {}

  async get(tenant: string, userId: string): Promise<string[]> {
    const text = await this.reads.read(kvRecentKey(tenant, userId));
    if (text === null) return [];
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch {
      return [];
    }
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  }

  // KV has no atomic list push: read, merge, write. Concurrent writers for one user may drop an item from the
  // recent list (never from the event log, which is the durable record).
  async push(tenant: string, userId: string, itemIds: string[]): Promise<void> {
    const list = mergeRecent(await this.get(tenant, userId), itemIds, RECENT_ITEMS_CAP);
    await this.kv.put(kvRecentKey(tenant, userId), JSON.stringify(list), { expirationTtl: Math.max(KV_MIN_TTL, this.ttlSeconds) });
  }
}
