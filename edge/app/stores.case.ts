// Contract suites run by every implementation: EmbeddingCache (memory, Workers KV, Redis) and RecentItemsStore
// (memory, KV, Redis). Each implementation's test file calls these with a factory for a fresh, empty store.

import { describe, expect, it } from "vitest";
import { RECENT_ITEMS_CAP, type EmbeddingCache, type RecentItemsStore } from "./ports.ts";

export interface CacheContractOptions {
  /** When the store can let time pass: set with this TTL, then `elapse` past it; the entry must be gone. */
  ttl?: { seconds: number; elapse: () => Promise<void> };
}

const vec = (seed: number, dim = 16) => Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 31 + i) * 10 ** ((i % 7) - 3));

export function embeddingCacheContract(name: string, make: () => Promise<EmbeddingCache>, opts: CacheContractOptions = {}): void {
  describe(`EmbeddingCache contract: ${name}`, () => {
    it("misses as null, one entry per key, and an empty batch is empty", async () => {
      const c = await make();
      expect(await c.getMany([])).toEqual([]);
      expect(await c.getMany(["t:v:a", "t:v:b"])).toEqual([null, null]);
    });

    it("returns exactly the float32 values set, in key order, with misses in place", async () => {
      const c = await make();
      await c.setMany([["t:v:a", vec(1)], ["t:v:c", vec(3)]]);
      const [a, b, cc] = await c.getMany(["t:v:a", "t:v:b", "t:v:c"]);
      expect(a).toBeInstanceOf(Float32Array);
      expect(Array.from(a!)).toEqual(Array.from(vec(1)));
      expect(b).toBeNull();
      expect(Array.from(cc!)).toEqual(Array.from(vec(3)));
    });

    it("overwrites and deletes", async () => {
      const c = await make();
      await c.setMany([["t:v:a", vec(1)]]);
      await c.setMany([["t:v:a", vec(2)]]);
      expect(Array.from((await c.getMany(["t:v:a"]))[0]!)).toEqual(Array.from(vec(2)));
      await c.delete("t:v:a");
      expect(await c.getMany(["t:v:a"])).toEqual([null]);
    });

    it("reads a batch of 200 keys in one call", async () => {
      const c = await make();
      const entries: [string, Float32Array][] = Array.from({ length: 200 }, (_, i) => [`t:v:u${i}`, vec(i, 64)]);
      await c.setMany(entries);
      const got = await c.getMany(entries.map(([k]) => k));
      got.forEach((v, i) => expect(Array.from(v!)).toEqual(Array.from(entries[i]![1])));
    });

    it("keeps tenants and versions apart (keys are opaque strings)", async () => {
      const c = await make();
      await c.setMany([["a:v1:u", vec(1)]]);
      expect(await c.getMany(["b:v1:u", "a:v2:u"])).toEqual([null, null]);
    });

    if (opts.ttl) {
      const ttl = opts.ttl;
      it("expires entries after their TTL", async () => {
        const c = await make();
        await c.setMany([["t:v:short", vec(5)]], ttl.seconds);
        expect((await c.getMany(["t:v:short"]))[0]).not.toBeNull();
        await ttl.elapse();
        expect(await c.getMany(["t:v:short"])).toEqual([null]);
      });
    }
  });
}

export function recentItemsContract(name: string, make: () => Promise<RecentItemsStore>): void {
  describe(`RecentItemsStore contract: ${name}`, () => {
    it("keeps the newest first, without duplicates, capped", async () => {
      const s = await make();
      expect(await s.get("t", "u")).toEqual([]);
      await s.push("t", "u", ["a", "b"]);
      await s.push("t", "u", ["c", "a"]);
      expect(await s.get("t", "u")).toEqual(["a", "c", "b"]);
      await s.push("t", "u", Array.from({ length: RECENT_ITEMS_CAP + 10 }, (_, i) => `x${i}`));
      const list = await s.get("t", "u");
      expect(list).toHaveLength(RECENT_ITEMS_CAP);
      expect(list[0]).toBe(`x${RECENT_ITEMS_CAP + 9}`);
    });

    it("keeps tenants and users apart", async () => {
      const s = await make();
      await s.push("t1", "u", ["a"]);
      expect(await s.get("t2", "u")).toEqual([]);
      expect(await s.get("t1", "v")).toEqual([]);
    });
  });
}
