// The graph model's own validation search (`train --model graph --tune`): one truncated SVD on a split of the
// training data at the largest rank tried, then the cheap part — filter (β, power), item scale and rank — re-applied
// to that one SVD and scored on held-out interactions of up to `maxUsers` users. Keeps the best NDCG@20. Then the
// sparse item–item term (neighbours.ts): one G on the split at the largest k tried, each candidate (k, dense weight)
// scored as served (quantised, NeighbourScorer) on top of the best dense filter, while the time budget lasts; the
// term is kept only when it beats the dense filter alone.

import { toCsr } from "../../../shared/data/csr.ts";
import type { Interactions } from "../../../shared/data/interactions.ts";
import { randomHoldout } from "../../../shared/data/split.ts";
import { evaluateRanking } from "../../../shared/metrics/evaluate.ts";
import { normalisedCsr, type Weighting } from "../../train.ts";
import { degrees, type GraphParams, graphFactors, normalisedGraph } from "./graph.ts";
import { neighbourCount } from "./defaults.ts";
import { randomizedSvd } from "./randomized-svd.ts";
import { itemNeighbours, truncateRows } from "./neighbours.ts";
import { type NeighbourValueWidth, quantiseNeighbours } from "../../../shared/artifact/neighbours.ts";
import { NeighbourScorer } from "../../../shared/scoring/neighbour-scorer.ts";
import { factorScorer } from "../../../shared/scoring/item-scorer.ts";

export interface GraphSearchOptions {
  /** Users whose held-out items score each candidate (spread evenly over the users with any). */
  maxUsers?: number;
  /** How interactions weigh, as in training (the graph model's default: binary). */
  weighting?: Weighting;
  log?: (line: string) => void;
  /** Item–item candidates to try after the dense search ([] = leave the centre's setting). */
  neighbourCandidates?: { neighbours: number; denseWeight: number }[];
  /** Seconds the whole search may take; item–item candidates after the first that would start past it are not tried. */
  budgetSeconds?: number;
}

/**
 * Tried in order while the budget lasts. Measured on Gowalla (bench:graph, own split, 1,000 users, rank 192, u8
 * values, dense weight 0.5), recall@20 / NDCG@20: dense alone 0.1809 / 0.1246; top-50 0.2093 / 0.1420 (6.3 MB file);
 * top-100 0.2115 / 0.1424 (12.3 MB); top-200 0.2116 / 0.1420 (23.3 MB); u16 values no better than u8. Top-50 keeps
 * nearly all of it at half the bytes of top-100 (the Worker's memory is the limit), so k is 50 (fewer on a large
 * catalogue: neighbourCount) and the search picks the weight. On MovieLens-100k (rank 24 + 24) the term did not pay:
 * NDCG@20 dense 0.4443, with the term at weight 0.3 / 0.5 / 1: 0.4347 / 0.4422 / 0.4449.
 */
export const neighbourCandidates = (items: number): { neighbours: number; denseWeight: number }[] => {
  const k = neighbourCount(items);
  return [0.5, 0.3, 0.7].map((denseWeight) => ({ neighbours: k, denseWeight }));
};

export interface GraphSearchResult {
  best: GraphParams;
  tried: { params: Partial<GraphParams>; ndcg20: number; recall20: number }[];
}

export function searchGraphParams(train: Interactions, centre: GraphParams, seed: number, opts: GraphSearchOptions = {}): GraphSearchResult {
  const started = performance.now();
  const split = randomHoldout(train, { testFraction: 0.1, seed: seed + 1 });
  const { byUser, byItem } = normalisedCsr(split.train, opts.weighting ?? "binary");
  const trainCsr = toCsr(split.train);
  const testCsr = toCsr(split.test);
  const users = sampleUsers(testCsr.indptr, opts.maxUsers ?? 2000);
  // The largest rank sets the SVD's cost; above the rule's cap (192) it is not tried.
  const ranks = [...new Set([Math.max(4, Math.round(centre.rank / 2)), centre.rank, Math.min(Math.round(centre.rank * 1.5), Math.max(centre.rank, 192))])];
  const maxRank = Math.max(...ranks) + centre.tailRank;
  const norm = normalisedGraph(byUser, byItem, centre);
  const svd = randomizedSvd(norm.byUser, norm.byItem, maxRank, { oversample: centre.oversample, iterations: centre.iterations, seed });
  const itemDegrees = degrees(byItem);
  const tried: GraphSearchResult["tried"] = [];
  let best = centre;
  let bestScore = -1;
  for (const rank of ranks) {
    for (const beta of [centre.beta - 1.5, centre.beta, centre.beta + 1.5]) {
      for (const itemScale of [centre.itemScale, centre.itemScale + 0.25]) {
        const p: GraphParams = { ...centre, rank, beta, itemScale };
        const f = graphFactors(byUser, itemDegrees, svd, p);
        const r = evaluateRanking({ train: trainCsr, test: testCsr, ks: [20], users, scoreUser: factorScorer(f) });
        const ndcg20 = r["ndcg@20"]!;
        tried.push({ params: { rank, beta, itemScale }, ndcg20, recall20: r["recall@20"]! });
        opts.log?.(`tune graph rank ${rank} beta ${beta} itemScale ${itemScale}: ndcg@20 ${ndcg20.toFixed(4)}`);
        if (ndcg20 > bestScore) {
          bestScore = ndcg20;
          best = p;
        }
      }
    }
  }
  const candidates = opts.neighbourCandidates ?? neighbourCandidates(train.itemIds.size);
  if (candidates.length > 0) {
    best = { ...best, neighbours: 0 };
    const dense = factorScorer(graphFactors(byUser, itemDegrees, svd, best));
    const g = itemNeighbours(byUser, byItem, Math.max(...candidates.map((c) => c.neighbours)));
    const budget = opts.budgetSeconds ?? Number.POSITIVE_INFINITY;
    const denseBest = bestScore;
    for (const [n, c] of candidates.entries()) {
      const elapsed = (performance.now() - started) / 1000;
      // The first candidate is always scored: it is the largest gain measured, and one evaluation costs less than
      // the SVD (on a loaded machine the dense grid alone can outlast the budget). The others wait on the budget.
      if (n > 0 && elapsed > budget) {
        opts.log?.(`tune graph: item–item candidates stopped at the budget (${elapsed.toFixed(0)}s of ${budget}s)`);
        break;
      }
      const list = quantiseNeighbours(truncateRows(g, c.neighbours), best.neighbourValueBytes as NeighbourValueWidth);
      const scorer = new NeighbourScorer(list, { denseWeight: c.denseWeight, offset: best.degreeOffset, exponent: best.userExponent });
      const r = evaluateRanking({
        train: trainCsr,
        test: testCsr,
        ks: [20],
        users,
        scoreUser: (u, out) => {
          dense(u, out);
          scorer.scoreAllInto(trainCsr.indices.subarray(trainCsr.indptr[u]!, trainCsr.indptr[u + 1]!), out);
        },
      });
      const ndcg20 = r["ndcg@20"]!;
      tried.push({ params: { rank: best.rank, beta: best.beta, itemScale: best.itemScale, ...c }, ndcg20, recall20: r["recall@20"]! });
      opts.log?.(`tune graph + item–item top-${c.neighbours}, dense weight ${c.denseWeight}: ndcg@20 ${ndcg20.toFixed(4)} (dense alone ${denseBest.toFixed(4)})`);
      if (ndcg20 > bestScore) {
        bestScore = ndcg20;
        best = { ...best, ...c };
      }
    }
  }
  opts.log?.(`tune: kept rank ${best.rank} beta ${best.beta} itemScale ${best.itemScale}${best.neighbours > 0 ? ` + item–item top-${best.neighbours} at dense weight ${best.denseWeight}` : ", no item–item term"}`);
  return { best, tried };
}

function sampleUsers(indptr: Int32Array, max: number): Int32Array {
  const withTest: number[] = [];
  for (let u = 0; u + 1 < indptr.length; u++) if (indptr[u + 1]! > indptr[u]!) withTest.push(u);
  const step = Math.max(1, withTest.length / max);
  return Int32Array.from({ length: Math.min(max, withTest.length) }, (_, i) => withTest[Math.floor(i * step)]!);
}
