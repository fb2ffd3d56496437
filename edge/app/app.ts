// The edge API as one Hono app on Web-standard types: `createApp(deps)` wires routes to the stores it is given.
// Adapters (edge/worker, edge/node) only build the deps. Every error leaves as JSON `{"error": {"code", "message"}}`.

import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { EdgerecError } from "../../shared/errors.ts";
import { discardBody } from "./body.ts";
import { errorJson } from "./errors.ts";
import type { LayeredEmbeddingCache } from "./embedding-cache.ts";
import type { EventIdMemory } from "./event-rules.ts";
import type { Background, Guard } from "./guard.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { ArtifactStore, EventLog, RecentItemsStore } from "./ports.ts";
import type { ModelRegistry } from "./registry.ts";
import { artifactRoutes } from "./routes-artifacts.ts";
import { eventRoutes } from "./routes-events.ts";
import { experimentRoutes } from "./routes-experiments.ts";
import { methodMatcher } from "./method-not-allowed.ts";
import { openApiRoutes } from "./openapi.ts";
import { recommendationRoutes } from "./routes-recommendations.ts";
import { itemRoutes } from "./routes-items.ts";
import type { ItemOverlays } from "./overlay-sync.ts";
import type { TenantDirectory } from "./tenants.ts";

export interface EdgeDeps {
  runtime: string;
  artifacts: ArtifactStore;
  tenants: TenantDirectory;
  registry: ModelRegistry;
  cache: LayeredEmbeddingCache;
  recent: RecentItemsStore;
  events: EventLog;
  /** Guards of the remote dependencies (Redis, KV): their state makes `/healthz` say ok or degraded. */
  guards?: Guard[];
  /** Limits event requests per key and per client IP (absent: no limit). */
  rateLimiter?: RateLimiter;
  /** Live item changes (PUT/DELETE items); the same instance the registry applies on load. Absent: those routes 503. */
  overlays?: ItemOverlays;
  /** Event ids seen recently (dedupe); one is made per app when absent. */
  eventIds?: EventIdMemory;
  /**
   * Remote tiers bound to one request (the Worker coalesces a request's KV reads, and workerd forbids resolving one
   * request's promises from another's I/O). Called once per request with Hono's `c.env`; absent → `cache`/`recent`.
   */
  forRequest?(env: unknown, background: Background): Pick<EdgeDeps, "cache" | "recent">;
}

/** Work to finish after the response: the Worker's `ctx.waitUntil`; on Node the promise simply runs on. */
export function background(c: Context): Background {
  return (work) => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // No ExecutionContext (Node host, tests): nothing to extend; `work` handles its own errors.
    }
  };
}

/** The deps one request uses. */
export function requestDeps(deps: EdgeDeps, c: Context): EdgeDeps & { background: Background } {
  const later = background(c);
  return deps.forRequest ? { ...deps, ...deps.forRequest(c.env, later), background: later } : { ...deps, background: later };
}

/** Statuses an error may leave with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 411 | 413 | 415 | 422 | 429 | 500 | 503 | 507;

export function createApp(deps: EdgeDeps): Hono {
  const app = new Hono();
  app.use("/v1/*", cors({ origin: "*", allowHeaders: ["Authorization", "Content-Type"], allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"], exposeHeaders: ["ETag"], maxAge: 86400 }));
  // No body-limit middleware: it would read bodies before the route checks the key. Each route authenticates first,
  // then reads its body with a running limit (body.ts); uploads stream to the store.

  // Health without a key: no tenant names, only whether the dependencies answer and how much model is loaded.
  app.get("/healthz", (c) => {
    const dependencies = Object.fromEntries((deps.guards ?? []).map((g) => [g.name, g.health()]));
    const degraded = Object.values(dependencies).some((d) => d.state !== "ok");
    const models = deps.registry.loaded();
    const indexes: Record<string, number> = {};
    for (const m of models) indexes[m.index] = (indexes[m.index] ?? 0) + 1;
    return c.json(
      {
        ok: true,
        status: degraded ? "degraded" : "ok",
        runtime: deps.runtime,
        dependencies,
        // Per model: version, bytes, index kind; never the tenant.
        models: {
          loaded: models.length,
          bytes: models.reduce((s, m) => s + m.bytes, 0),
          indexes,
          list: models.map((m) => ({ version: m.version, bytes: m.bytes, index: m.index })),
        },
      },
      200,
      { "Cache-Control": "no-store" },
    );
  });
  recommendationRoutes(app, deps);
  eventRoutes(app, deps);
  itemRoutes(app, deps);
  artifactRoutes(app, deps);
  experimentRoutes(app, deps);
  openApiRoutes(app);

  const allowedMethods = methodMatcher(app);
  app.notFound(async (c) => {
    await discardBody(c.req.raw);
    const path = new URL(c.req.url).pathname;
    const allow = allowedMethods(path);
    if (allow.length > 0) return c.json(errorJson("method_not_allowed", `${c.req.method} is not allowed on ${path}; allowed: ${allow.join(", ")}`), 405, { Allow: allow.join(", ") });
    return c.json(errorJson("not_found", `no route for ${c.req.method} ${path}`), 404);
  });
  app.onError(async (err, c) => {
    await discardBody(c.req.raw);
    if (err instanceof EdgerecError) {
      if (err.status === 429) c.header("Retry-After", String(deps.rateLimiter?.periodSeconds ?? 60));
      return c.json(errorJson(err.code, err.message), err.status as ErrorStatus);
    }
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) return c.json(errorJson("bad_request", err.message), status as ErrorStatus);
    console.error("edgerec: unhandled error", err);
    return c.json(errorJson("internal", "internal error"), 500);
  });
  return app;
}
