// The edge's side of the ranking stage (shared/ranking): which settings apply to a request (tenant defaults, then
// the experiment variant's, then the request's own, key by key), how many candidates to retrieve, and the items
// recently shown to a user, for rotation. Shown items live in the recent-items store under the tenant id with a
// `~shown` suffix (no tenant id contains `~`), so they get the same memory + KV / Redis tiers, caps and TTLs,
// without being mistaken for items the user interacted with.

import { type RankingOptions, mergeRankingOptions, poolSize, reranks } from "../../shared/ranking/options.ts";
import { rerank } from "../../shared/ranking/rerank.ts";
import type { TopK } from "../../shared/scoring/topk.ts";
import type { RecentItemsStore } from "./ports.ts";
import type { ServingModel } from "./serving-model.ts";

export const SHOWN_SUFFIX = "~shown";

export function shownItems(recent: RecentItemsStore, tenant: string, userId: string): Promise<string[]> {
  return recent.get(tenant + SHOWN_SUFFIX, userId);
}

export function recordShown(recent: RecentItemsStore, tenant: string, userId: string, itemIds: string[]): Promise<void> {
  return recent.push(tenant + SHOWN_SUFFIX, userId, itemIds);
}

/** Event types that record what a user was shown rather than what they did. */
export const IMPRESSION_TYPES: ReadonlySet<string> = new Set(["impression"]);

export interface RankingPlan {
  options: RankingOptions;
  active: boolean;
  /** Candidates to retrieve. */
  fetch: number;
}

export function planRanking(count: number, ...layers: (RankingOptions | undefined)[]): RankingPlan {
  const options = mergeRankingOptions(...layers);
  const active = reranks(options);
  return { options, active, fetch: active ? poolSize(options, count) : count };
}

/** Re-ranks retrieved candidates (best first) to `count` with the model's vectors and items. */
export function rerankCandidates(model: ServingModel, top: TopK, count: number, plan: RankingPlan, shownIds: string[]): TopK {
  if (!plan.active) return top;
  const shown: number[] = [];
  for (const id of shownIds) {
    const r = model.itemRow.get(id);
    if (r !== undefined) shown.push(r);
  }
  // MMR's similarity updates run on the index's distance kernel (wasm SIMD in the HNSW module).
  const dots = (v: Float32Array, rows: Int32Array, out: Float32Array) => model.index.scoreRows(v, rows, out);
  return rerank({ vectors: model.vectors, dim: model.dim, items: model.items, dots }, top.rows, top.scores, count, plan.options, shown);
}
