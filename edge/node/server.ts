// The Node host of the edge API: the same Hono app on @hono/node-server, artifacts and tenant config from the
// state dir, user vectors and recent items in Redis when REDIS_URL is set (memory only otherwise), events in an
// append-only JSONL file per tenant. Run: `tsx edge/node/server.ts [--port 8788] [--state DIR]`.

import { serve } from "@hono/node-server";
import { Redis } from "ioredis";
import { pathToFileURL } from "node:url";
import { type EdgeDeps, createApp } from "../app/app.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "../app/embedding-cache.ts";
import { Guard } from "../app/guard.ts";
import { MemoryRateLimiter } from "../app/rate-limit.ts";
import { GuardedEmbeddingCache, GuardedRecentItems } from "../app/guarded-stores.ts";
import { LayeredRecentItems, MemoryRecentItems } from "../app/recent-items.ts";
import { ModelRegistry } from "../app/registry.ts";
import { TenantDirectory } from "../app/tenants.ts";
import { FileEventLog } from "./file-event-log.ts";
import { FsArtifactStore, FsConfigStore } from "./fs-stores.ts";
import { openHnswNode } from "./hnsw.ts";
import { ItemOverlays } from "../app/overlay-sync.ts";
import { FsItemOverlayStore } from "./fs-item-overlay.ts";
import { RedisEmbeddingCache, RedisRecentItems } from "./redis-stores.ts";
import { stateDirFromEnv } from "./state-layout.ts";

export interface NodeHostOptions {
  stateDir: string;
  redisUrl?: string | undefined;
  modelBudgetBytes?: number;
  configTtlMs?: number;
  /** Longest a Redis call may take before the request goes on without it (ms, default 150). */
  redisTimeoutMs?: number;
  /** Event requests per minute per key and per client IP (default 600). */
  eventRequestsPerMinute?: number;
  /** How often a loaded model re-checks the item overlay for changes made by another process (ms, default 5000). */
  itemOverlayTtlMs?: number;
}

/**
 * A Redis client that never queues: commands fail at once while disconnected (no offline queue, no retries per
 * request), reconnects in the background with a capped backoff, and logs connection errors at most every 10 s.
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: 1000,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  });
  let lastLog = 0;
  redis.on("error", (e: Error) => {
    if (Date.now() - lastLog < 10_000) return;
    lastLog = Date.now();
    console.error(`edgerec: redis: ${e.message} (serving from memory and the artifact meanwhile)`);
  });
  return redis;
}

export interface NodeHost {
  app: ReturnType<typeof createApp>;
  deps: EdgeDeps;
  redis: Redis | null;
  close(): Promise<void>;
}

export function createNodeHost(o: NodeHostOptions): NodeHost {
  const redis = o.redisUrl ? connectRedis(o.redisUrl) : null;
  const guard = new Guard("redis", { timeoutMs: o.redisTimeoutMs ?? 150 });
  const artifacts = new FsArtifactStore(o.stateDir);
  const overlays = new ItemOverlays(new FsItemOverlayStore(o.stateDir), artifacts, o.itemOverlayTtlMs);
  const deps: EdgeDeps = {
    runtime: "node",
    artifacts,
    tenants: new TenantDirectory(new FsConfigStore(o.stateDir), o.configTtlMs ?? 2000),
    registry: new ModelRegistry(artifacts, { budgetBytes: o.modelBudgetBytes ?? 512 * 2 ** 20, openAnn: openHnswNode, overlays }),
    overlays,
    cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(32 << 20), redis ? new GuardedEmbeddingCache(new RedisEmbeddingCache(redis), guard) : null),
    recent: new LayeredRecentItems(new MemoryRecentItems(), redis ? new GuardedRecentItems(new RedisRecentItems(redis), guard) : null),
    guards: redis ? [guard] : [],
    rateLimiter: new MemoryRateLimiter(o.eventRequestsPerMinute ?? 600, 60),
    events: new FileEventLog(o.stateDir),
  };
  return {
    app: createApp(deps),
    deps,
    redis,
    close: async () => {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const port = Number(flag(args, "--port") ?? process.env.PORT ?? 8788);
  const perMinute = process.env.EVENT_REQUESTS_PER_MINUTE;
  const host = createNodeHost({
    stateDir: stateDirFromEnv(flag(args, "--state")),
    redisUrl: process.env.REDIS_URL,
    ...(perMinute ? { eventRequestsPerMinute: Number(perMinute) } : {}),
  });
  const server = serve({ fetch: host.app.fetch, port, hostname: flag(args, "--host") ?? "127.0.0.1" }, (info) => {
    console.error(`edgerec edge (node) listening on http://${info.address}:${info.port}${host.redis ? " with redis" : ""}`);
  });
  const stop = () => server.close(() => void host.close().then(() => process.exit(0)));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(process.argv.slice(2));
