/// <reference types="@cloudflare/vitest-pool-workers/types" />
// The Workers KV implementations run the store contracts inside workerd (Miniflare's local KV). KV's shortest
// TTL is 60 s and local time cannot be advanced from here, so the TTL case is covered by memory and Redis only.
import { env } from "cloudflare:test";
import { embeddingCacheContract, recentItemsContract } from "../app/stores.case.ts";
import type { Env } from "./bindings.ts";
import { KvEmbeddingCache, KvRecentItems } from "./kv-cache.ts";

const e = env as unknown as Env;
let n = 0;
// Each case gets a fresh key space by prefixing through a wrapper namespace.
function prefixed(kv: KVNamespace, prefix: string): KVNamespace {
  return {
    get: (k: string, t?: unknown) => (kv.get as (k: string, t?: unknown) => unknown)(prefix + k, t),
    put: (k: string, v: unknown, o?: unknown) => (kv.put as (k: string, v: unknown, o?: unknown) => unknown)(prefix + k, v, o),
    delete: (k: string) => kv.delete(prefix + k),
  } as unknown as KVNamespace;
}

embeddingCacheContract("workers-kv", async () => new KvEmbeddingCache(prefixed(e.EMBEDDINGS, `case${++n}:`)));
recentItemsContract("workers-kv", async () => new KvRecentItems(prefixed(e.EMBEDDINGS, `case${++n}:`)));
