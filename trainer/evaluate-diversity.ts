// The accuracy/diversity trade-off of the ranking stage, offline: for each diversity setting, every test user's list
// is retrieved (top `pool` by score, history excluded), re-ranked with MMR (shared/ranking/rerank.ts, the same code
// the edge and the widget run), and measured:
//   ndcg@K, recall@K          against the user's test items (as `evaluate` does)
//   ild@K                     intra-list diversity: mean over pairs in the list of 1 − cosine(item vectors)
//   categoriesPerList@K       mean number of distinct categories in a list
//   categoryCoverage@K        share of the catalogue's categories that appear in at least one list
//   coverage@K                share of the catalogue's items that appear in at least one list

import { type ArtifactModel, historiesInArtifact, userVectorFor } from "./artifact-model.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { EdgerecError } from "../shared/errors.ts";
import { ndcgAt, recallAt } from "../shared/metrics/ranking.ts";
import { rerank } from "../shared/ranking/rerank.ts";
import { scoreAll, topK } from "../shared/scoring/topk.ts";

export interface DiversityPoint {
  diversity: number;
  [metric: string]: number;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function evaluateDiversity(m: ArtifactModel, history: Interactions, test: Interactions, ks: number[], settings: number[], pool = 100): DiversityPoint[] {
  const known = historiesInArtifact(m, history);
  const kMax = Math.max(...ks);
  const rows = m.itemIds.length;
  // Test items per test user (artifact rows), and the users' vectors (null → popularity).
  const relevant = new Map<number, Set<number>>();
  for (let k = 0; k < test.users.length; k++) {
    const row = m.itemRow.get(test.itemIds.ids[test.items[k]!]!);
    if (row === undefined) continue;
    const set = relevant.get(test.users[k]!) ?? new Set<number>();
    set.add(row);
    relevant.set(test.users[k]!, set);
  }
  if (relevant.size === 0) throw new EdgerecError("bad_data", "no test interaction names an item the artifact knows");
  const invNorm = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < m.dim; d++) s += m.itemVectors[r * m.dim + d]! ** 2;
    invNorm[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  const allCategories = new Set<string>();
  for (const it of m.items) for (const c of it.categories ?? []) allCategories.add(c);

  // Candidate pools once per user; re-ranking is the only part that changes between settings.
  const pools: { user: number; rows: Int32Array; scores: Float32Array }[] = [];
  const scores = new Float32Array(rows);
  const seen = new Uint8Array(rows);
  for (const [u, _] of relevant) {
    const id = test.userIds.ids[u]!;
    const t = history.userIds.get(id);
    const hist = t === undefined ? new Int32Array(0) : known.rows[t]!;
    const v = userVectorFor(m, id, hist, t === undefined ? undefined : known.weights[t]!);
    if (v.vector) scoreAll(m.itemVectors, m.dim, v.vector, scores);
    else scores.set(m.popularScores);
    for (const r of hist) seen[r] = 1;
    const top = topK(scores, Math.max(pool, kMax), (r) => seen[r] === 1);
    for (const r of hist) seen[r] = 0;
    pools.push({ user: u, rows: top.rows, scores: top.scores });
  }

  const ctx = { vectors: m.itemVectors, dim: m.dim, items: m.items };
  return settings.map((diversity) => {
    const sums: Record<string, number> = {};
    const add = (key: string, x: number) => (sums[key] = (sums[key] ?? 0) + x);
    const itemsSeen = ks.map(() => new Set<number>());
    const catsSeen = ks.map(() => new Set<string>());
    for (const p of pools) {
      const list = diversity > 0 ? rerank(ctx, p.rows, p.scores, kMax, { diversity }).rows : p.rows.subarray(0, kMax);
      const rel = relevant.get(p.user)!;
      ks.forEach((k, ki) => {
        const top = list.subarray(0, k);
        add(`ndcg@${k}`, ndcgAt(top, rel, k));
        add(`recall@${k}`, recallAt(top, rel, k));
        add(`ild@${k}`, intraListDiversity(m.itemVectors, m.dim, invNorm, top));
        const cats = new Set<string>();
        for (const r of top) {
          itemsSeen[ki]!.add(r);
          for (const c of m.items[r]?.categories ?? []) (cats.add(c), catsSeen[ki]!.add(c));
        }
        add(`categoriesPerList@${k}`, cats.size);
      });
    }
    const point: DiversityPoint = { diversity };
    for (const [key, total] of Object.entries(sums)) point[key] = r4(total / pools.length);
    ks.forEach((k, ki) => {
      point[`categoryCoverage@${k}`] = allCategories.size ? r4(catsSeen[ki]!.size / allCategories.size) : 0;
      point[`coverage@${k}`] = r4(itemsSeen[ki]!.size / rows);
    });
    return point;
  });
}

/** Mean over the list's pairs of 1 − cosine similarity (0 for lists shorter than 2). */
export function intraListDiversity(vectors: Float32Array, dim: number, invNorm: Float32Array, list: ArrayLike<number>): number {
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      const ra = list[a]! * dim;
      const rb = list[b]! * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += vectors[ra + d]! * vectors[rb + d]!;
      total += 1 - dot * invNorm[list[a]!]! * invNorm[list[b]!]!;
      pairs++;
    }
  }
  return pairs ? total / pairs : 0;
}
