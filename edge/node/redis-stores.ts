// Redis implementations for the Node host (REDIS_URL): user vectors as binary strings with `SET … EX` and one
// `MGET` per batch, and recent items as a capped list (LREM + LPUSH + LTRIM + EXPIRE in one MULTI).

import type { Redis } from "ioredis";
import { REDIS_RECENT_ITEMS_PREFIX, REDIS_USER_VECTOR_PREFIX } from "../../shared/store/keys.ts";
import { bytesToVector, vectorToBytes } from "../app/embedding-cache.ts";
import { RECENT_ITEMS_CAP, type EmbeddingCache, type RecentItemsStore } from "../app/ports.ts";

export class RedisEmbeddingCache implements EmbeddingCache {
  readonly name = "redis";

  constructor(
    private readonly redis: Redis,
    private readonly prefix = REDIS_USER_VECTOR_PREFIX,
    private readonly defaultTtlSeconds = 30 * 86_400,
  ) {}

  async getMany(keys: string[]): Promise<(Float32Array | null)[]> {
    if (keys.length === 0) return [];
    const bufs = await this.redis.mgetBuffer(...keys.map((k) => this.prefix + k));
    // ioredis may hand back a Buffer at an offset that is not a multiple of 4: bytesToVector copies.
    return bufs.map((b) => (b ? bytesToVector(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) : null));
  }

  async setMany(entries: [string, Float32Array][], ttlSeconds?: number): Promise<void> {
    if (entries.length === 0) return;
    const ttl = Math.max(1, Math.round(ttlSeconds ?? this.defaultTtlSeconds));
    const pipe = this.redis.pipeline();
    for (const [k, v] of entries) pipe.set(this.prefix + k, Buffer.from(vectorToBytes(v)), "EX", ttl);
    const results = await pipe.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

export class RedisRecentItems implements RecentItemsStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = REDIS_RECENT_ITEMS_PREFIX,
    private readonly ttlSeconds = 30 * 86_400,
  ) {}

  async get(tenant: string, userId: string): Promise<string[]> {
    return this.redis.lrange(`${this.prefix}${tenant}:${userId}`, 0, RECENT_ITEMS_CAP - 1);
  }

  async push(tenant: string, userId: string, itemIds: string[]): Promise<void> {
    const key = `${this.prefix}${tenant}:${userId}`;
    const tx = this.redis.multi();
    for (const id of itemIds) tx.lrem(key, 0, id).lpush(key, id);
    tx.ltrim(key, 0, RECENT_ITEMS_CAP - 1).expire(key, this.ttlSeconds);
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }
}
