// Recommendations for one request: pick the variant and its model, find the user's vector (memory → KV/Redis →
// the artifact's users.bin), or fold the user in from recent items, or, for a new user who sends attributes, take
// the two-tower's cold-user head (cold-user.ts), or fall back to popular items; then rank with
// the filters applied inside the search, so `count` is met whenever enough items pass them. Unless the request says
// `excludeSeen: false`, a known user's training items (seen.bin) and recent items never come back.

import { badRequest, notFound } from "./errors.ts";
import type { Background } from "./guard.ts";
import { compileFilter } from "./filters.ts";
import { type LayeredEmbeddingCache, userVectorKey } from "./embedding-cache.ts";
import type { ArtifactStore, RecentItemsStore } from "./ports.ts";
import { coldUserVector } from "./cold-user.ts";
import type { ModelRegistry } from "./registry.ts";
import type { RecommendationRequest } from "./schemas.ts";
import type { ServingModel } from "./serving-model.ts";
import { seenRowsOf } from "../../shared/artifact/seen.ts";
import { type TopK, topK } from "../../shared/scoring/topk.ts";
import type { TenantConfig } from "./tenant-config.ts";
import { assignExperiment, newRecommId, runningExperiment } from "./experiments.ts";
import { type RankingPlan, planRanking, rerankCandidates, shownItems } from "./ranking.ts";
import type { RankingOptions } from "../../shared/ranking/options.ts";
import { neighbourHistory, rankWithNeighbours } from "./neighbour-scores.ts";

/** `cold-user`: a user the model does not know, served from the attributes the request sent (and recent items). */
export type Source = "personalized" | "fold-in" | "content" | "cold-user" | "popular";

export interface Recommendation {
  items: { id: string; score: number }[];
  modelVersion: string;
  variant: string;
  /** Names the served list (experiment, variant, nonce): clients send it back with impression/click/conversion. */
  recommId: string;
  /** The running experiment this list was served under, null when none. */
  experiment: string | null;
  source: Source;
  cacheHit: boolean;
  /** Which tier gave the user vector (memory, kv, redis, artifact), null when none did. */
  vectorTier: string | null;
}

export interface RecommenderDeps {
  registry: ModelRegistry;
  cache: LayeredEmbeddingCache;
  recent: RecentItemsStore;
  /** Where a model's towers are read from for new users with attributes (absent: attributes are not used). */
  artifacts?: Pick<ArtifactStore, "get">;
  /** Runs work after the response (the Worker's waitUntil); without it, such work is awaited. */
  background?: Background;
}

/** FNV-1a, 32 bits: a stable hash for assigning users to variants. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface VariantChoice {
  variant: string;
  version: string;
  ranking?: RankingOptions;
  experiment?: string | null;
}

export function chooseVariant(config: TenantConfig, userId: string | undefined, requested: string | undefined): VariantChoice {
  if (!config.active) throw notFound("no_active_version", `tenant '${config.tenant}' has no active model version`);
  const exp = runningExperiment(config.experiments);
  if (exp && requested !== "default") {
    const a = assignExperiment(exp, userId, requested);
    if (!a) throw badRequest("unknown_variant", `unknown variant '${requested}'; expected one of: default, ${exp.variants.map((x) => x.name).join(", ")}`);
    return { variant: a.variant, version: a.version ?? config.active, ranking: a.ranking, experiment: a.experiment };
  }
  const variants = config.variants.filter((v) => v.weight > 0);
  if (requested) {
    if (requested === "default") return { variant: "default", version: config.active };
    // A variant with weight 0 is paused: not assigned, and not reachable by name either.
    const v = variants.find((x) => x.name === requested);
    if (!v) throw badRequest("unknown_variant", `unknown variant '${requested}'; expected one of: ${["default", ...variants.map((x) => x.name)].join(", ")}`);
    return { variant: v.name, version: v.version };
  }
  if (variants.length === 0) return { variant: "default", version: config.active };
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let at = (fnv1a(userId ?? "") / 4294967296) * total;
  for (const v of variants) {
    if (at < v.weight) return { variant: v.name, version: v.version };
    at -= v.weight;
  }
  return { variant: variants[variants.length - 1]!.name, version: variants[variants.length - 1]!.version };
}

export async function recommend(deps: RecommenderDeps, config: TenantConfig, req: RecommendationRequest): Promise<Recommendation> {
  const tenant = config.tenant;
  const choice = chooseVariant(config, req.userId, req.variant);
  const { variant, version } = choice;
  const { model } = await deps.registry.serve(tenant, version, variant === "default" ? config.previous : config.active, deps.background);
  const plan = planRanking(req.count, config.ranking, choice.ranking, req.ranking);
  const wantShown = req.userId !== undefined && (plan.options.rotation ?? 0) > 0;

  // The user's recent items, cached vector (and shown items) are independent reads: one round trip to KV/Redis.
  const [stored, hits, shown] = req.userId
    ? await Promise.all([
        deps.recent.get(tenant, req.userId),
        deps.cache.lookup([userVectorKey(tenant, model.version, req.userId)]),
        wantShown ? shownItems(deps.recent, tenant, req.userId) : [],
      ])
    : [[], [], []];
  const recentRows: number[] = [];
  for (const id of [...(req.recentItems ?? []), ...stored]) {
    const r = model.itemRow.get(id);
    if (r !== undefined) recentRows.push(r);
  }
  const excludeSeen = req.excludeSeen !== false;
  const excluded = new Set<number>(excludeSeen ? recentRows : []);
  const seen = excludeSeen && req.userId ? trainingRows(model, req.userId) : null;
  const filter = compileFilter(model, req.filters, excluded, seen);

  let vector: Float32Array | null = null;
  let source: Source = "popular";
  let tier: string | null = null;
  if (req.userId) {
    const hit = hits[0];
    if (hit?.vector && hit.vector.length === model.dim) {
      vector = hit.vector;
      tier = hit.tier;
    } else {
      const row = model.userRow?.get(req.userId);
      if (row !== undefined && model.userVectors) {
        vector = model.userVectors.subarray(row * model.dim, (row + 1) * model.dim);
        tier = "artifact";
      } else if (row !== undefined && model.knownUsersFold && model.seen && model.foldIn) {
        vector = model.foldIn.user(seenRowsOf(model.seen, row));
        tier = "artifact";
      }
    }
    if (vector) source = "personalized";
  }
  // A history folds in first where the model can (ALS's space: a two-tower warm-started from ALS keeps its fold-in,
  // and its user tower's history path is not aligned to that space), as the CLI's scoring does (artifact-model.ts).
  if (!vector && recentRows.length > 0 && model.foldIn) {
    vector = model.foldIn.user(recentRows);
    source = "fold-in";
  }
  if (!vector && req.attributes && Object.keys(req.attributes).length > 0 && deps.artifacts) {
    vector = await coldUserVector(model, deps.artifacts, req.attributes, recentRows);
    if (vector) source = "cold-user";
  }
  if (!vector && recentRows.length > 0) {
    vector = meanOfRows(model, recentRows);
    source = "content";
  }

  const history = vector ? neighbourHistory(model, req.userId, recentRows) : null;
  const candidates = vector
    ? ranked(model, vector, plan.fetch, filter.skip, filter.includeCategories, (seen?.length ?? 0) + excluded.size + model.live.deleted.size, history)
    : popular(model, plan.fetch, filter.skip, filter.includeCategories);
  return {
    items: reranked(model, candidates, req.count, plan, shown),
    modelVersion: model.version,
    variant,
    recommId: newRecommId(choice.experiment ?? null, variant),
    experiment: choice.experiment ?? null,
    source,
    cacheHit: tier !== null && tier !== "artifact",
    vectorTier: tier,
  };
}

/** A known user's training items (sorted rows) from seen.bin; null for unknown users or older artifacts. */
export function trainingRows(model: ServingModel, userId: string): Uint32Array | null {
  const row = model.seen ? model.userRow?.get(userId) : undefined;
  return row === undefined ? null : seenRowsOf(model.seen!, row);
}

function reranked(model: ServingModel, items: { id: string; score: number }[], count: number, plan: RankingPlan, shown: string[]) {
  if (!plan.active) return items;
  const rows = Int32Array.from(items, (it) => model.itemRow.get(it.id)!);
  const top = rerankCandidates(model, { rows, scores: Float32Array.from(items, (it) => it.score) }, count, plan, shown);
  return Array.from(top.rows, (r, k) => ({ id: model.items.id(r)!, score: round(top.scores[k]!) }));
}

/** Candidates smaller than this share of the catalogue are scanned exactly instead of walking the graph. */
const SELECTIVE_SHARE = 1 / 8;
/**
 * A user whose excluded items are more than this share of the catalogue is ranked by an exact scan: the filtered
 * graph walk would visit (and reject) many of them before it finds `count` others.
 */
const EXCLUDED_SHARE = 1 / 8;

function ranked(
  model: ServingModel,
  vector: Float32Array,
  count: number,
  skip: ((row: number) => boolean) | undefined,
  include: string[],
  excludedCount: number,
  history: ArrayLike<number> | null = null,
) {
  // A selective include filter makes the graph walk visit many rejected nodes (and fall back to a full scan when it
  // comes up short); scanning only the included categories' rows is exact and cheaper.
  let candidates = 0;
  for (const c of include) candidates += model.rowsByCategory.get(c)?.length ?? 0;
  const dense =
    include.length > 0 && candidates <= model.rows * SELECTIVE_SHARE
      ? scanRows(model, vector, count, include, skip)
      : excludedCount > model.rows * EXCLUDED_SHARE
        ? model.index.searchExact(vector, count, skip)
        : model.index.search(vector, count, skip);
  // The graph model's item–item term (neighbour-scores.ts): exact re-rank of the dense top ∪ the sparse support.
  const top = history ? rankWithNeighbours(model, vector, history, dense, count, skip) : dense;
  const out: { id: string; score: number }[] = [];
  for (let i = 0; i < top.rows.length; i++) out.push({ id: model.items.id(top.rows[i]!)!, score: round(top.scores[i]!) });
  return out;
}

/** Popular items, by category when categories are included, skipping what the filters drop. */
export function popular(model: ServingModel, count: number, skip: ((row: number) => boolean) | undefined, includeCategories: string[]) {
  let order: ArrayLike<number> = model.popularRows;
  if (includeCategories.length > 0) {
    const rows = new Set<number>();
    for (const c of includeCategories) for (const r of model.popularByCategory.get(c) ?? []) rows.add(r);
    order = [...rows].sort((a, b) => model.countByRow[b]! - model.countByRow[a]! || a - b);
  }
  const out: { id: string; score: number }[] = [];
  const taken = new Set<number>();
  const take = (r: number) => {
    if (taken.has(r) || skip?.(r)) return;
    taken.add(r);
    out.push({ id: model.items.id(r)!, score: model.countByRow[r]! });
  };
  for (let i = 0; i < order.length && out.length < count; i++) take(order[i]!);
  // popular.json may list only the head: fill from the rest of the catalogue so `count` is still met.
  for (let r = 0; r < model.rows && out.length < count; r++) take(r);
  return out;
}

/** Exact top-k over the rows of the included categories (deduplicated), skipping what the filter drops. */
function scanRows(model: ServingModel, vector: Float32Array, count: number, include: string[], skip?: (row: number) => boolean): TopK {
  const lists = include.map((c) => model.rowsByCategory.get(c) ?? new Int32Array(0));
  let rows: Int32Array;
  if (lists.length === 1) rows = lists[0]!;
  else {
    const all = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
    let o = 0;
    for (const l of lists) (all.set(l, o), (o += l.length));
    all.sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i]!;
    rows = all.subarray(0, n);
  }
  const scores = new Float32Array(rows.length);
  model.index.scoreRows(vector, rows, scores);
  const top = topK(scores, count, skip ? (i) => skip(rows[i]!) : undefined);
  for (let i = 0; i < top.rows.length; i++) top.rows[i] = rows[top.rows[i]!]!;
  return top;
}

function meanOfRows(model: ServingModel, rows: number[]): Float32Array {
  const v = new Float32Array(model.dim);
  for (const r of rows) for (let d = 0; d < model.dim; d++) v[d]! += model.vectors[r * model.dim + d]! / rows.length;
  return v;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
