// The Worker's bindings (wrangler.toml). The layout of the data inside them is shared/store/keys.ts, which the
// publisher (edge/node/edge-store.ts) writes too.

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

/** The resources behind the bindings (wrangler.toml): local state keys KV by namespace id and R2 by bucket name. */
export const WRANGLER_RESOURCES = { bucket: "edgerec-artifacts", embeddings: "edgerec-embeddings", config: "edgerec-config" } as const;
