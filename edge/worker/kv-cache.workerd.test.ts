/// <reference types="@cloudflare/vitest-pool-workers/types" />
// The Workers KV implementations run the store contracts inside workerd (Miniflare's local KV). KV's shortest
// TTL is 60 s and local time cannot be advanced from here, so the TTL case is covered by memory and Redis only.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { embeddingCacheContract, recentItemsContract } from "../app/stores.case.ts";
import type { Env } from "./bindings.ts";
import { KvBatchReader } from "./kv-batch.ts";
import { KvEmbeddingCache, KvRecentItems } from "./kv-cache.ts";

const e = env as unknown as Env;
let n = 0;
// Each case gets a fresh key space by prefixing through a wrapper namespace.
function prefixed(kv: KVNamespace, prefix: string): KVNamespace {
  return {
    get: async (k: string | string[], t?: unknown) => {
      const get = (kv.get as (k: string | string[], t?: unknown) => Promise<unknown>).bind(kv);
      if (!Array.isArray(k)) return get(prefix + k, t);
      const m = (await get(k.map((x) => prefix + x), t)) as Map<string, unknown>;
      return new Map(k.map((x) => [x, m.get(prefix + x) ?? null]));
    },
    put: (k: string, v: unknown, o?: unknown) => (kv.put as (k: string, v: unknown, o?: unknown) => unknown).call(kv, prefix + k, v, o),
    delete: (k: string) => kv.delete(prefix + k),
  } as unknown as KVNamespace;
}

embeddingCacheContract("workers-kv", async () => new KvEmbeddingCache(prefixed(e.EMBEDDINGS, `case${++n}:`)));
recentItemsContract("workers-kv", async () => new KvRecentItems(prefixed(e.EMBEDDINGS, `case${++n}:`)));

describe("KvBatchReader", () => {
  it("sends the reads of one turn as one bulk get, and answers each key", async () => {
    const calls: unknown[] = [];
    const counting = {
      get: (k: string | string[], t?: unknown) => (calls.push(k), (e.EMBEDDINGS.get as (k: unknown, t?: unknown) => Promise<unknown>).call(e.EMBEDDINGS, k, t)),
    } as unknown as KVNamespace;
    await e.EMBEDDINGS.put("batch:a", "A");
    const reader = new KvBatchReader(counting);
    const [a, b, a2] = await Promise.all([reader.read("batch:a"), reader.read("batch:b"), reader.read("batch:a")]);
    expect([a, b, a2]).toEqual(["A", null, "A"]);
    expect(calls).toEqual([["batch:a", "batch:b"]]);
  });
});
