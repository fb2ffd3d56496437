// bench:coldstart's edge line (issue #11's cold-start coverage at the edge): the user-cold two-tower exported as an
// artifact (with its HNSW index), loaded by the edge's registry, and every held-out user asked for 20 items through
// edge/app/recommender.ts `recommend` — the function the recommendations route calls — as an unknown user id with
// the attributes a client would send (the u.user row's age, gender, occupation). Coverage: the share of them the
// model served (`source: "cold-user"`) rather than the popularity fallback; Recall@20 / NDCG@20 of the served
// lists, and of the same users asked without attributes (the edge's popularity fallback).

import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ColdSplit } from "../shared/data/cold-split.ts";
import { toCsr } from "../shared/data/csr.ts";
import type { UserAttributes } from "../shared/features/user-attributes.ts";
import { ndcgAt, recallAt } from "../shared/metrics/ranking.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "../edge/app/embedding-cache.ts";
import { MemoryRecentItems } from "../edge/app/recent-items.ts";
import { type RecommenderDeps, recommend } from "../edge/app/recommender.ts";
import { ModelRegistry } from "../edge/app/registry.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { openHnswNode } from "../edge/node/hnsw.ts";
import { exportArtifact } from "../trainer/export.ts";
import { hnswIndexBuilder } from "../trainer/index-builder.ts";
import type { TrainedModel } from "../trainer/models/types.ts";

const K = 20;

export interface EdgeColdReport {
  /** Held-out users with test items and a u.user row. */
  users: number;
  /** Share of them served by the model (`source: "cold-user"`), not the popularity fallback. */
  coverage: number;
  sources: Record<string, number>;
  "recall@20": number;
  "ndcg@20": number;
  /** The same users without attributes: what the edge served them before (popular). */
  popularity: { "recall@20": number; "ndcg@20": number; sources: Record<string, number> };
  /** Mean milliseconds per recommend() call with attributes, after the first (which loads the towers); noisy. */
  meanMs: number;
}

/** u.user rows as a client holds them: `{age, gender, occupation}` by user id (zip left out, as training did). */
async function clientAttributes(ml100kDir: string): Promise<Map<string, UserAttributes>> {
  const out = new Map<string, UserAttributes>();
  for (const line of (await readFile(path.join(ml100kDir, "u.user"), "latin1")).split("\n")) {
    const f = line.trim().split("|");
    if (f.length === 5) out.set(f[0]!, { age: Number(f[1]), gender: f[2]!, occupation: f[3]! });
  }
  return out;
}

export async function edgeColdUsers(model: TrainedModel, split: ColdSplit, ml100kDir: string): Promise<EdgeColdReport> {
  const files = await exportArtifact(model, split.train, { tenant: "bench", version: "cold", metrics: {}, buildIndex: hnswIndexBuilder });
  const store = { get: async (_t: string, _v: string, name: string) => files.get(name) ?? null };
  const deps: RecommenderDeps = {
    registry: new ModelRegistry(store, { budgetBytes: 1 << 30, openAnn: openHnswNode }),
    cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null),
    recent: new MemoryRecentItems(),
    artifacts: store,
  };
  const config = { ...emptyTenantConfig("bench"), active: "cold" };
  const attributes = await clientAttributes(ml100kDir);
  const test = toCsr(split.test);
  const itemRow = new Map(split.train.itemIds.ids.map((id, row) => [id, row]));
  const sum = { recall: 0, ndcg: 0, popRecall: 0, popNdcg: 0 };
  const sources: Record<string, number> = {};
  const popSources: Record<string, number> = {};
  let users = 0;
  let served = 0;
  let ms = 0;
  for (let u = 0; u < split.cold.length; u++) {
    const id = split.train.userIds.ids[u]!;
    const attrs = attributes.get(id);
    if (!split.cold[u] || test.indptr[u + 1]! === test.indptr[u]! || !attrs) continue;
    const relevant = new Set(test.indices.subarray(test.indptr[u]!, test.indptr[u + 1]!));
    // An id the artifact does not know (users.json lists the held-out users too, with the head's vectors from training).
    const request = { userId: `new-${id}`, count: K, excludeSeen: true };
    const t0 = performance.now();
    const rec = await recommend(deps, config, { ...request, attributes: attrs });
    if (users > 0) ms += performance.now() - t0;
    const pop = await recommend(deps, config, request);
    const rows = (r: typeof rec) => r.items.map((it) => itemRow.get(it.id)!);
    users++;
    if (rec.source === "cold-user") served++;
    sources[rec.source] = (sources[rec.source] ?? 0) + 1;
    popSources[pop.source] = (popSources[pop.source] ?? 0) + 1;
    sum.recall += recallAt(rows(rec), relevant, K);
    sum.ndcg += ndcgAt(rows(rec), relevant, K);
    sum.popRecall += recallAt(rows(pop), relevant, K);
    sum.popNdcg += ndcgAt(rows(pop), relevant, K);
  }
  const mean = (x: number) => Math.round((x / Math.max(1, users)) * 10000) / 10000;
  return {
    users,
    coverage: mean(served),
    sources,
    "recall@20": mean(sum.recall),
    "ndcg@20": mean(sum.ndcg),
    popularity: { "recall@20": mean(sum.popRecall), "ndcg@20": mean(sum.popNdcg), sources: popSources },
    meanMs: Math.round((ms / Math.max(1, users - 1)) * 1000) / 1000,
  };
}
