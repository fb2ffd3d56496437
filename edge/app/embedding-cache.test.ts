// The memory implementations run the store contracts; the layering promotes remote hits into memory.
import { describe, expect, it } from "vitest";
import { LayeredEmbeddingCache, MemoryEmbeddingCache, bytesToVector, vectorToBytes } from "./embedding-cache.ts";
import type { EmbeddingCache } from "./ports.ts";
import { LayeredRecentItems, MemoryRecentItems, mergeRecent } from "./recent-items.ts";
import { embeddingCacheContract, recentItemsContract } from "./stores.case.ts";

let clock = 0;
embeddingCacheContract("memory", async () => new MemoryEmbeddingCache(1 << 20, 300, () => clock), {
  ttl: { seconds: 5, elapse: async () => void (clock += 6000) },
});
recentItemsContract("memory", async () => new MemoryRecentItems());

describe("LayeredEmbeddingCache", () => {
  it("answers from memory first, then the remote tier, and keeps remote hits in memory", async () => {
    const memory = new MemoryEmbeddingCache();
    const backing = new MemoryEmbeddingCache();
    const calls: string[][] = [];
    const remote: EmbeddingCache = {
      name: "remote",
      getMany: (keys) => (calls.push(keys), backing.getMany(keys)),
      setMany: (e, t) => backing.setMany(e, t),
      delete: (k) => backing.delete(k),
    };
    await backing.setMany([["k1", Float32Array.of(1, 2)]]);
    const layered = new LayeredEmbeddingCache(memory, remote);
    expect((await layered.lookup(["k1", "k2"])).map((h) => h.tier)).toEqual(["remote", null]);
    expect(calls).toEqual([["k1", "k2"]]);
    expect((await layered.lookup(["k1"])).map((h) => h.tier)).toEqual(["memory"]);
    expect(calls).toHaveLength(1);
    await layered.setMany([["k3", Float32Array.of(3)]]);
    expect((await backing.getMany(["k3"]))[0]).toEqual(Float32Array.of(3));
    // k2 missed remotely: remembered, so the remote tier is not asked again until it is set.
    await layered.lookup(["k2"]);
    expect(calls).toHaveLength(1);
    await layered.setMany([["k2", Float32Array.of(2)]]);
    expect((await layered.lookup(["k2"]))[0]!.vector).toEqual(Float32Array.of(2));
  });

  it("remembers an empty remote recent list only briefly, and events here replace it at once", async () => {
    const remote = new MemoryRecentItems();
    const layered = new LayeredRecentItems(new MemoryRecentItems(), remote, 0.05);
    expect(await layered.get("t", "u")).toEqual([]);
    await remote.push("t", "u", ["elsewhere"]);
    expect(await layered.get("t", "u")).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(await layered.get("t", "u")).toEqual(["elsewhere"]);
    await layered.push("t", "v", ["here"]);
    expect(await layered.get("t", "v")).toEqual(["here"]);
  });

  it("evicts by bytes", async () => {
    const c = new MemoryEmbeddingCache(4 * (64 * 4 + 100));
    for (let i = 0; i < 10; i++) await c.setMany([[`k${i}`, new Float32Array(64)]]);
    const got = await c.getMany(Array.from({ length: 10 }, (_, i) => `k${i}`));
    expect(got.filter(Boolean).length).toBeLessThanOrEqual(4);
    expect(got[9]).not.toBeNull();
  });
});

describe("vector bytes and recent lists", () => {
  it("round-trips float32 through bytes, also at an odd offset", () => {
    const v = Float32Array.of(1.5, -2e-7, 3e30);
    const bytes = vectorToBytes(v);
    const odd = new Uint8Array(bytes.length + 1);
    odd.set(bytes, 1);
    expect(bytesToVector(odd.subarray(1))).toEqual(v);
    expect(bytesToVector(new Uint8Array(5))).toBeNull();
  });

  it("merges newest first", () => {
    expect(mergeRecent(["b", "a"], ["c", "b"])).toEqual(["b", "c", "a"]);
  });
});

describe("a request's read budget for the remote tier", () => {
  /** A remote that answers only when released. */
  function slowRemote<T>(value: T) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    return { release: () => release(), read: async () => (await gate, value) };
  }

  it("answers without the late remote read, and the next request finds its answer in memory", async () => {
    const v = new Float32Array([1, 2, 3]);
    const slow = slowRemote([v]);
    const remote: EmbeddingCache = { name: "remote", getMany: slow.read, setMany: async () => {}, delete: async () => {} };
    const work: Promise<unknown>[] = [];
    const budget = { ms: 5, background: (p: Promise<unknown>) => void work.push(p) };
    const base = new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null);
    const first = await base.withRemote(remote, budget).lookup(["k"]);
    expect(first).toEqual([{ vector: null, tier: null }]); // the request went on without it
    expect(work).toHaveLength(1); // the read goes on after the response
    slow.release();
    await Promise.all(work);
    const next = await base.withRemote(remote, budget).lookup(["k"]);
    expect(next[0]).toEqual({ vector: v, tier: "memory" });
  });

  it("recent items: the same, and a read within the budget answers as before", async () => {
    const slow = slowRemote(["i1", "i2"]);
    const work: Promise<unknown>[] = [];
    const budget = { ms: 5, background: (p: Promise<unknown>) => void work.push(p) };
    const base = new LayeredRecentItems(new MemoryRecentItems(), null);
    const remote = { get: slow.read, push: async () => {} };
    expect(await base.withRemote(remote, budget).get("t", "u")).toEqual([]);
    slow.release();
    await Promise.all(work);
    expect(await base.withRemote(remote, budget).get("t", "u")).toEqual(["i1", "i2"]);
    const fast = { get: async () => ["i9"], push: async () => {} };
    expect(await base.withRemote(fast, budget).get("t", "other")).toEqual(["i9"]);
  });
});
