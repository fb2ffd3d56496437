// The Worker's bindings (wrangler.toml) and the storage layout inside them. Publishing (trainer/io/edge-store.ts)
// writes the same keys, so it imports these names instead of repeating them.

export interface Env {
  ARTIFACTS: R2Bucket;
  EMBEDDINGS: KVNamespace;
  CONFIG: KVNamespace;
  /** Per-isolate model budget in MiB (default 96; a Worker has 128 MB in all). */
  MODEL_BUDGET_MB?: string;
  /** Seconds a tenant config is cached per isolate (default 2). */
  CONFIG_TTL_SECONDS?: string;
  /** Longest a KV call may take before it counts as failed for the circuit breaker (ms, default 300). */
  KV_TIMEOUT_MS?: string;
  /**
   * Longest a recommendation waits for its KV reads (ms, default 10; 0 waits up to KV_TIMEOUT_MS). A later answer is
   * kept in memory for the user's next request (the read finishes under waitUntil).
   */
  KV_READ_BUDGET_MS?: string;
  /** Cloudflare's rate-limiting binding for event requests (wrangler.toml `[[ratelimits]]`, per minute). */
  EVENTS_LIMITER?: import("../app/rate-limit.ts").RateLimitBinding;
  /** Event requests per minute per key / IP when EVENTS_LIMITER is absent (default 600, counted per isolate). */
  EVENT_REQUESTS_PER_MINUTE?: string;
  /** Seconds between an isolate's checks for item changes made elsewhere (default 5). */
  ITEM_OVERLAY_TTL_SECONDS?: string;
}

export const r2ArtifactKey = (tenant: string, version: string, file: string): string => `tenants/${tenant}/versions/${version}/${file}`;
export const r2EventsPrefix = (tenant: string): string => `events/${tenant}/`;
/** Legacy place of tenant config (read when R2 has none; see r2-config.ts). */
export const kvConfigKey = (tenant: string): string => `tenant:${tenant}`;
/** Tenant config in R2: updated by compare-and-swap (R2 conditional put). */
export const r2ConfigKey = (tenant: string): string => `config/${tenant}.json`;
export const kvUserVectorKey = (cacheKey: string): string => `uv:${cacheKey}`;
export const kvRecentKey = (tenant: string, userId: string): string => `recent:${tenant}:${userId}`;
/** A tenant's live item changes (edge/app/item-overlay.ts), rewritten by compare-and-swap. */
export const r2ItemOverlayKey = (tenant: string): string => `overlays/${tenant}/items.json`;
