// zod schemas of the edge API's responses: the reference (edge/app/openapi.ts) is generated from them, and the
// OpenAPI test checks real responses of the app against them, so the document cannot drift from what is served.

import { z } from "zod";
import { experimentSchema } from "./experiments.ts";

export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const scored = z.object({ id: z.string(), score: z.number() });

export const recommendationsResponse = z
  .object({
    items: z.array(scored).describe("best first (after re-ranking; `score` is the model's score)"),
    modelVersion: z.string(),
    variant: z.string().describe("`default`, a legacy variant, or the experiment arm"),
    recommId: z.string().describe("names this list; send it back with impression/click/conversion events"),
    experiment: z.string().optional().describe("the running experiment this list was served under"),
    source: z
      .string()
      .describe(
        "how the user was served: personalized (trained vector) | fold-in (recent items) | content (mean of recent items) | cold-user (a user the model does not know, from the request's `attributes` by the two-tower's cold-user head, with any recent items) | popular (the fallback) — and others as models add them",
      ),
    latencyMs: z.number(),
    cacheHit: z.boolean(),
  })
  ;

export const similarResponse = z
  .object({ item: z.string(), items: z.array(scored), modelVersion: z.string(), variant: z.string(), source: z.string(), latencyMs: z.number(), cacheHit: z.boolean() })
  ;

export const eventsResponse = z.object({ accepted: z.number().int(), duplicates: z.number().int(), users: z.number().int() });

export const healthResponse = z
  .object({
    ok: z.boolean(),
    status: z.enum(["ok", "degraded"]),
    runtime: z.string(),
    dependencies: z.record(
      z.string(),
      z.object({ state: z.enum(["ok", "failing", "open"]), failures: z.number().int(), lastError: z.string().nullable(), fallbacks: z.number().int() }),
    ),
    models: z.object({
      loaded: z.number().int(),
      bytes: z.number(),
      indexes: z.record(z.string(), z.number().int()),
      list: z.array(z.object({ version: z.string(), bytes: z.number(), index: z.string() })),
    }),
  })
  ;

export const uploadResponse = z.object({ tenant: z.string(), version: z.string(), file: z.string(), bytes: z.number().int(), sha256: z.string() });
export const activateResponse = z.object({ tenant: z.string(), active: z.string().nullable(), previous: z.string().nullable() });
export const experimentResponse = experimentSchema;
export const experimentsResponse = z.object({ tenant: z.string(), experiments: z.array(experimentSchema) });

export const seedResponse = z
  .object({
    recommendations: z.array(z.object({ item_id: z.string(), score: z.number() })),
    model_version: z.string(),
    latency_ms: z.number(),
    cache_hit: z.boolean(),
  })
  ;

export const itemPutResponse = z.object({
  id: z.string(),
  /** true (201) for an id new to the model version, false (200) for a replaced one. */
  created: z.boolean(),
  /** Where the vector came from: explicit (the request), tower (two-tower item tower), content (mean of its categories' items), kept (the trained vector). */
  method: z.enum(["explicit", "tower", "content", "kept"]),
  modelVersion: z.string(),
  dim: z.number().int(),
  /** Position of the change in the tenant's item overlay. */
  seq: z.number().int(),
  /** Numeric features the item tower's feature spec does not name: stored, but not part of the vector. */
  ignoredNumbers: z.array(z.string()).optional(),
  latencyMs: z.number(),
});
export const itemDeleteResponse = z.object({ id: z.string(), deleted: z.literal(true), modelVersion: z.string(), seq: z.number().int().nullable() });
