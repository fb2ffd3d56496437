// Re-ranking options: what a request (or a tenant's defaults, or an experiment variant) asks of the ranking stage
// after retrieval. zod/mini, since the widget ships this file as well as the edge.
//
//   diversity       0..1   MMR trade-off: 0 = pure relevance, 1 = pure novelty against the items already picked
//   maxPerCategory  1..100 at most this many items of any one category in the list
//   categoryCaps    {category: n} per-category caps (override maxPerCategory for those categories)
//   boost / bury    [{if: condition, by}] added to (boost) or subtracted from (bury) the normalised relevance,
//                   where relevance spans 0..1 over the candidate pool, so `by: 0.2` is a fifth of that span
//   minScore        drop candidates whose model score is below this (before boosts)
//   rotation        0..1 demotion of items this user was recently shown (1: shown items sink to the end)
//   pool            candidates fetched before re-ranking (default max(50, 5 × count), at most 1000)
//
// A condition matches when every key matches: `category` (one name, or any of a list) against the item's
// categories; any other key is a numeric attribute of the item (`numbers` in items.json, e.g. price) compared with
// `lt`, `lte`, `gt`, `gte`, `eq`, or equal to a plain number. An item without the attribute does not match.

import * as z from "zod/mini";

export const MAX_POOL = 1000;
const category = z.string().check(z.minLength(1), z.maxLength(128));
const attribute = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "attribute names are 1–64 of [A-Za-z0-9_.-]"));
const finite = z.number().check(z.refine(Number.isFinite, "must be a finite number"));

export const numericRangeSchema = z.union([
  finite,
  z.strictObject({ lt: z.optional(finite), lte: z.optional(finite), gt: z.optional(finite), gte: z.optional(finite), eq: z.optional(finite) }),
]);
export type NumericRange = z.infer<typeof numericRangeSchema>;

export const conditionSchema = z
  .record(attribute, z.union([category, z.array(category).check(z.minLength(1), z.maxLength(100)), numericRangeSchema]))
  .check(z.refine((o) => Object.keys(o).length > 0 && Object.keys(o).length <= 8, "a condition has 1–8 keys"));
export type Condition = z.infer<typeof conditionSchema>;

export const ruleSchema = z.strictObject({ if: conditionSchema, by: z.number().check(z.gte(-1), z.lte(1)) });
export type RankingRule = z.infer<typeof ruleSchema>;

export const rankingOptionsSchema = z.strictObject({
  diversity: z.optional(z.number().check(z.gte(0), z.lte(1))),
  maxPerCategory: z.optional(z.int().check(z.gte(1), z.lte(100))),
  categoryCaps: z.optional(
    z.record(category, z.int().check(z.gte(0), z.lte(100))).check(z.refine((o) => Object.keys(o).length <= 100, "at most 100 categories")),
  ),
  boost: z.optional(z.array(ruleSchema).check(z.maxLength(20))),
  bury: z.optional(z.array(ruleSchema).check(z.maxLength(20))),
  minScore: z.optional(finite),
  rotation: z.optional(z.number().check(z.gte(0), z.lte(1))),
  pool: z.optional(z.int().check(z.gte(1), z.lte(MAX_POOL))),
});
export type RankingOptions = z.infer<typeof rankingOptionsSchema>;

/** `over` wins key by key (a request over a variant over tenant defaults); undefined keys fall through. */
export function mergeRankingOptions(...layers: (RankingOptions | undefined | null)[]): RankingOptions {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  return out as RankingOptions;
}

/** Whether these options change anything relative to plain top-k by score. */
export function reranks(o: RankingOptions): boolean {
  return (
    (o.diversity ?? 0) > 0 ||
    o.maxPerCategory !== undefined ||
    (o.categoryCaps !== undefined && Object.keys(o.categoryCaps).length > 0) ||
    (o.boost?.length ?? 0) > 0 ||
    (o.bury?.length ?? 0) > 0 ||
    o.minScore !== undefined ||
    (o.rotation ?? 0) > 0
  );
}

/** How many candidates to retrieve for a list of `count` items. */
export function poolSize(o: RankingOptions, count: number): number {
  return Math.min(MAX_POOL, Math.max(count, o.pool ?? Math.max(50, 5 * count)));
}
