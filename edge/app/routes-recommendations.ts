// Routes that read a model: recommendations, similar items, and the seed service's internal contract.

import type { Hono } from "hono";
import { bearerToken } from "./auth.ts";
import { readLimitedText } from "./body.ts";
import { notFound } from "./errors.ts";
import { type EdgeDeps, background, requestDeps } from "./app.ts";
import { chooseVariant, recommend } from "./recommender.ts";
import { MAX_BODY_BYTES, type RecommendationRequest, parseBody, recommendationRequestSchema, seedRequestSchema, similarQuerySchema, validate } from "./schemas.ts";

const elapsed = (t0: number): number => Math.round((performance.now() - t0) * 1000) / 1000;

/** The seed contract's body is a few fields; it is read before the tenant (named in it) can check the key. */
const SEED_BODY_BYTES = 16 * 1024;

export function recommendationRoutes(app: Hono, deps: EdgeDeps): void {
  app.post("/v1/tenants/:tenant/recommendations", async (c) => {
    const t0 = performance.now();
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "read", background(c));
    const body = parseBody(await readLimitedText(c.req.raw, MAX_BODY_BYTES), recommendationRequestSchema);
    const rec = await recommend(requestDeps(deps, c), config, body);
    return c.json({
      items: rec.items,
      modelVersion: rec.modelVersion,
      variant: rec.variant,
      recommId: rec.recommId,
      ...(rec.experiment ? { experiment: rec.experiment } : {}),
      source: rec.source,
      latencyMs: elapsed(t0),
      cacheHit: rec.cacheHit,
    });
  });

  app.get("/v1/tenants/:tenant/items/:id/similar", async (c) => {
    const t0 = performance.now();
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "read", background(c));
    const { count } = validate({ count: c.req.query("count") ?? undefined }, similarQuerySchema);
    const { variant, version } = chooseVariant(config, undefined, "default");
    const { model } = await deps.registry.serve(config.tenant, version, config.previous, background(c));
    const id = c.req.param("id");
    const row = model.itemRow.get(id);
    if (row === undefined || model.live.deleted.has(row)) throw notFound("unknown_item", `item '${id.slice(0, 80)}' is not in model version '${model.version}'`);
    const query = model.vectors.subarray(row * model.dim, (row + 1) * model.dim);
    const deleted = model.live.deleted;
    const top = model.index.search(query, count, deleted.size > 0 ? (r) => r === row || deleted.has(r) : (r) => r === row);
    const items = [];
    for (let i = 0; i < top.rows.length; i++) items.push({ id: model.items.id(top.rows[i]!)!, score: Math.round(top.scores[i]! * 1e6) / 1e6 });
    return c.json({ item: id, items, modelVersion: model.version, variant, source: "content", latencyMs: elapsed(t0), cacheHit: false });
  });

  // The seed service's contract, unchanged for existing callers: snake_case in and out.
  app.post("/internal/ml/recommendations", async (c) => {
    const t0 = performance.now();
    // The tenant is named inside the body: a key must be present before a small body is read, then it is checked.
    bearerToken(c.req.header("Authorization"));
    const body = parseBody(await readLimitedText(c.req.raw, SEED_BODY_BYTES), seedRequestSchema);
    const config = await deps.tenants.authorized(body.tenant_id, c.req.header("Authorization"), "read", background(c));
    const req: RecommendationRequest = {
      userId: body.user_id,
      count: body.count,
      excludeSeen: true,
      filters: body.filters && {
        includeCategories: body.filters.include_categories,
        excludeCategories: body.filters.exclude_categories,
        excludeIds: body.filters.exclude_ids,
      },
    };
    const rec = await recommend(requestDeps(deps, c), config, req);
    return c.json({
      recommendations: rec.items.map((it) => ({ item_id: it.id, score: it.score })),
      model_version: rec.modelVersion,
      latency_ms: elapsed(t0),
      cache_hit: rec.cacheHit,
    });
  });
}
