// The edge app over a Worker's bindings, as one isolate builds it: memory tiers per isolate, KV tiers bound to each
// request, R2 for artifacts, config, events and item overlays. Its own module so that tests can build a fresh
// "isolate" (a new registry and caches over the same bindings) and the Worker entry exports only its handler.

import { createApp } from "../app/app.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "../app/embedding-cache.ts";
import { Guard } from "../app/guard.ts";
import { BindingRateLimiter, MemoryRateLimiter } from "../app/rate-limit.ts";
import { GuardedEmbeddingCache, GuardedRecentItems } from "../app/guarded-stores.ts";
import { LayeredRecentItems, MemoryRecentItems } from "../app/recent-items.ts";
import { ModelRegistry } from "../app/registry.ts";
import { TenantDirectory } from "../app/tenants.ts";
import type { Env } from "./bindings.ts";
import { R2ConfigStore } from "./r2-config.ts";
import { KvBatchReader } from "./kv-batch.ts";
import { KvEmbeddingCache, KvRecentItems } from "./kv-cache.ts";
import { R2ArtifactStore } from "./r2-artifacts.ts";
import { R2EventLog } from "./r2-events.ts";
import { openHnsw } from "./hnsw.ts";
import { ItemOverlays } from "../app/overlay-sync.ts";
import { R2ItemOverlayStore } from "./r2-item-overlay.ts";

/** The app over `env`'s bindings (one per isolate). */
export function buildWorkerApp(env: Env): ReturnType<typeof createApp> {
  const artifacts = new R2ArtifactStore(env.ARTIFACTS);
  // Item PUT/DELETE: stored in R2 by compare-and-swap; each isolate re-checks the tag every few seconds.
  const overlays = new ItemOverlays(new R2ItemOverlayStore(env.ARTIFACTS), artifacts, Number(env.ITEM_OVERLAY_TTL_SECONDS ?? 5) * 1000);
  // Memory tiers live per isolate; the KV tiers are bound to each request, so that the request's reads leave as one
  // bulk get (KvBatchReader) and no request resolves another's promises.
  const cache = new LayeredEmbeddingCache(new MemoryEmbeddingCache(8 << 20), null);
  const recent = new LayeredRecentItems(new MemoryRecentItems(), null);
  // One guard per isolate for KV: slow or failing KV is skipped (memory and the artifact answer) and /healthz says so.
  const kvGuard = new Guard("kv", { timeoutMs: Number(env.KV_TIMEOUT_MS ?? 300) });
  const readBudgetMs = Number(env.KV_READ_BUDGET_MS ?? 10);
  return createApp({
    runtime: "cloudflare-workers",
    artifacts,
    tenants: new TenantDirectory(new R2ConfigStore(env.ARTIFACTS, env.CONFIG), Number(env.CONFIG_TTL_SECONDS ?? 2) * 1000),
    registry: new ModelRegistry(artifacts, { budgetBytes: Number(env.MODEL_BUDGET_MB ?? 96) * 2 ** 20, openAnn: openHnsw, overlays }),
    overlays,
    cache,
    recent,
    events: new R2EventLog(env.ARTIFACTS),
    guards: [kvGuard],
    // The rate-limiting binding counts across isolates; without it each isolate counts in memory.
    rateLimiter: env.EVENTS_LIMITER ? new BindingRateLimiter(env.EVENTS_LIMITER, 60) : new MemoryRateLimiter(Number(env.EVENT_REQUESTS_PER_MINUTE ?? 600), 60),
    forRequest(requestEnv, background) {
      const kv = (requestEnv as Env).EMBEDDINGS;
      const reads = new KvBatchReader(kv);
      // A recommendation waits at most this long for KV; a later answer still lands in memory for the next request.
      const budget = readBudgetMs > 0 ? { ms: readBudgetMs, background } : undefined;
      return {
        cache: cache.withRemote(new GuardedEmbeddingCache(new KvEmbeddingCache(kv, reads), kvGuard), budget),
        recent: recent.withRemote(new GuardedRecentItems(new KvRecentItems(kv, reads), kvGuard), budget),
      };
    },
  });
}
