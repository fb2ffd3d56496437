// User-vector caches: the per-isolate memory LRU, and the layering memory → remote (KV / Redis). The artifact's
// users.bin is the last tier (ServingModel.userVectors), consulted by the recommender after both miss.

import { type Background, DependencyDown, withinBudget } from "./guard.ts";
import { ByteLru } from "./lru.ts";
import type { EmbeddingCache } from "./ports.ts";

export { userVectorKey } from "../../shared/store/keys.ts";

export class MemoryEmbeddingCache implements EmbeddingCache {
  readonly name = "memory";
  private readonly lru: ByteLru<string, Float32Array>;

  constructor(budgetBytes = 16 << 20, defaultTtlSeconds = 300, now: () => number = Date.now) {
    this.lru = new ByteLru(budgetBytes, defaultTtlSeconds * 1000, now);
  }

  async getMany(keys: string[]): Promise<(Float32Array | null)[]> {
    return keys.map((k) => this.lru.get(k) ?? null);
  }

  async setMany(entries: [string, Float32Array][], ttlSeconds?: number): Promise<void> {
    for (const [k, v] of entries) this.lru.set(k, v, v.byteLength + 2 * k.length + 64, ttlSeconds === undefined ? undefined : ttlSeconds * 1000);
  }

  async delete(key: string): Promise<void> {
    this.lru.delete(key);
  }
}

/**
 * Reads memory first, then the remote tier for the misses (one batch), and keeps remote hits in memory. Remote
 * misses are remembered for `missTtlSeconds` (60 s) too, so a user without a vector costs one remote read per window,
 * not one per request (a vector published meanwhile is seen after that window).
 */
export class LayeredEmbeddingCache implements EmbeddingCache {
  readonly name: string;
  private readonly misses: ByteLru<string, true>;

  constructor(
    readonly memory: EmbeddingCache,
    readonly remote: EmbeddingCache | null,
    private readonly memoryTtlSeconds = 300,
    // KV itself may take 60 s to show a write in another location, so remembering a miss as long adds no staleness
    // that KV does not already have.
    missTtlSeconds = 60,
    misses?: ByteLru<string, true>,
    /** A request's soft deadline for the remote read (see withinBudget); none: wait for it. */
    private readonly budget?: { ms: number; background: Background },
  ) {
    this.name = remote ? `${memory.name}+${remote.name}` : memory.name;
    this.misses = misses ?? new ByteLru(4 << 20, missTtlSeconds * 1000);
  }

  /** The same memory tier and miss memory over another remote tier (a Worker builds one per request). */
  withRemote(remote: EmbeddingCache, budget?: { ms: number; background: Background }): LayeredEmbeddingCache {
    return new LayeredEmbeddingCache(this.memory, remote, this.memoryTtlSeconds, 0, this.misses, budget);
  }

  async getMany(keys: string[]): Promise<(Float32Array | null)[]> {
    return (await this.lookup(keys)).map((h) => h.vector);
  }

  /** Like getMany, saying which tier answered each key. */
  async lookup(keys: string[]): Promise<{ vector: Float32Array | null; tier: string | null }[]> {
    const near = await this.memory.getMany(keys);
    const out = near.map((v) => ({ vector: v, tier: v ? this.memory.name : null }));
    if (!this.remote) return out;
    const missIdx: number[] = [];
    near.forEach((v, i) => v || this.misses.get(keys[i]!) || missIdx.push(i));
    if (missIdx.length === 0) return out;
    // What the remote read finds goes to memory (hits) and the miss memory even when it lands after the budget.
    const read = this.remote.getMany(missIdx.map((i) => keys[i]!)).then(async (far) => {
      const fill: [string, Float32Array][] = [];
      far.forEach((v, j) => {
        const key = keys[missIdx[j]!]!;
        if (v) fill.push([key, v]);
        else this.misses.set(key, true, 2 * key.length + 48);
      });
      if (fill.length) await this.memory.setMany(fill, this.memoryTtlSeconds);
      return far;
    });
    let far: (Float32Array | null)[];
    try {
      far = await withinBudget(read, this.budget, "user vectors");
    } catch (e) {
      // The remote tier is down or slow: answer from memory (the caller falls back to the artifact); remember nothing.
      if (e instanceof DependencyDown) return out;
      throw e;
    }
    far.forEach((v, j) => {
      if (v) out[missIdx[j]!] = { vector: v, tier: this.remote!.name };
    });
    return out;
  }

  async setMany(entries: [string, Float32Array][], ttlSeconds?: number): Promise<void> {
    for (const [k] of entries) this.misses.delete(k);
    await this.memory.setMany(entries, Math.min(ttlSeconds ?? this.memoryTtlSeconds, this.memoryTtlSeconds));
    await skipIfDown(this.remote?.setMany(entries, ttlSeconds));
  }

  async delete(key: string): Promise<void> {
    this.misses.delete(key);
    await this.memory.delete(key);
    await skipIfDown(this.remote?.delete(key));
  }
}

/** Awaits a remote write; a dependency that is down is skipped (memory holds the value meanwhile). */
export async function skipIfDown(p: Promise<void> | undefined): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof DependencyDown)) throw e;
  }
}

/** Float32 vector ↔ little-endian bytes, for stores that hold binary values (KV, Redis). */
export function vectorToBytes(v: Float32Array): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(4 * i, v[i]!, true);
  return out;
}

/**
 * Copies (stores may hand back views at any offset), checks the length is whole floats, and reads LE floats; a
 * non-finite value (a corrupt cache entry) gives null, so the caller falls back to the artifact's vector.
 */
export function bytesToVector(bytes: Uint8Array): Float32Array | null {
  if (bytes.byteLength % 4 !== 0 || bytes.byteLength === 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) {
    const x = view.getFloat32(4 * i, true);
    if (!Number.isFinite(x)) return null;
    out[i] = x;
  }
  return out;
}
