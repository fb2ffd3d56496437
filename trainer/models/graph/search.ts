// The graph model's own validation search (`train --model graph --tune`): one truncated SVD on a split of the
// training data at the largest rank tried, then the cheap part — filter (β, power), item scale and rank — re-applied
// to that one SVD and scored on held-out interactions of up to `maxUsers` users: a rank × β × item-scale grid, then
// further steps past the grid's edge while they gain. Keeps the best NDCG@20. Then the sparse item–item term
// (neighbours.ts): one G on the split, the dense weight searched (weightSearch) with the term scored as served
// (quantised, NeighbourScorer) on top of the best dense filters, then the same for G's tilted shapes (TILTED_SHAPES)
// on the dense point the term did best with, while the time budget lasts; the term is kept only when it beats the
// dense filter alone.

import { toCsr } from "../../../shared/data/csr.ts";
import type { Interactions } from "../../../shared/data/interactions.ts";
import { randomHoldout } from "../../../shared/data/split.ts";
import { evaluateRanking } from "../../../shared/metrics/evaluate.ts";
import { normalisedCsr, type Weighting } from "../../train.ts";
import { degrees, type GraphParams, graphFactors, normalisedGraph, termShape } from "./graph.ts";
import { neighbourCount } from "./defaults.ts";
import { randomizedSvd } from "./randomized-svd.ts";
import { GFCF_SHAPE, itemNeighbours, type TermShape, truncateRows } from "./neighbours.ts";
import type { Csr } from "../../../shared/data/csr.ts";
import { type NeighbourValueWidth, quantiseNeighbours } from "../../../shared/artifact/neighbours.ts";
import { NeighbourScorer } from "../../../shared/scoring/neighbour-scorer.ts";
import { factorScorer } from "../../../shared/scoring/item-scorer.ts";

export interface GraphSearchOptions {
  /** Users whose held-out items score each candidate (spread evenly over the users with any). */
  maxUsers?: number;
  /** How interactions weigh, as in training (the graph model's default: binary). */
  weighting?: Weighting;
  log?: (line: string) => void;
  /**
   * Item–item candidates to try, in order, after the dense search ([] = leave the centre's setting). Default: the
   * adaptive search over the dense weight (weightSearch), at neighbourCount(items) neighbours.
   */
  neighbourCandidates?: { neighbours: number; denseWeight: number }[];
  /** Seconds the whole search may take; item–item candidates after the first that would start past it are not tried. */
  budgetSeconds?: number;
}

/**
 * The dense weight w of the item–item term is searched, not fixed: where it peaks moves with the data. Own Gowalla
 * splits, NDCG@20 on 2,000 validation users, top-50 u8 (dense alone 0.0991 / 0.0969): on 90% of train.txt w = 0.3 /
 * 0.5 / 0.7 / 1 / 1.4 / 2 / 3 gave 0.0991 / 0.1061 / 0.1119 / 0.1139 / 0.1127 / 0.1109 / 0.1076; on all of it
 * w = 0.2 / 0.3 / 0.4 / 1 / 1.4 gave 0.1071 / 0.1097 / 0.1105 / 0.1100 / 0.1094. So: 0.5 and 1, then doubling or
 * halving towards the better while it gains (within [1/16, 16]), then ×/÷ √2 around the best. On MovieLens-100k the
 * term did not pay at any weight (NDCG@20 dense 0.3707; w 0.3 / 0.5 / 0.7 / 1: 0.3573 / 0.3674 / 0.3704 / 0.3711,
 * within noise), and it is then left out.
 */
export const WEIGHT_START = [0.5, 1];
const WEIGHT_RANGE = [1 / 16, 16] as const;

/** The relative NDCG@20 gain over the dense filter the item–item term must bring to be kept. */
export const TERM_MIN_GAIN = 0.01;

/**
 * Shapes of the item–item term tried after GF-CF's own (see TermShape): heavy users' co-occurrences weighted up and
 * rows tilted towards popular neighbours — on an own Gowalla split +4.5% Recall@20 and +6% NDCG@20 for the exact
 * linear filter + low-pass, each at its best weight.
 */
const TILTED_SHAPES: TermShape[] = [{ userExponent: 0.6, itemExponent: 0.45 }];
const sameShape = (a: TermShape, b: TermShape): boolean => a.userExponent === b.userExponent && a.itemExponent === b.itemExponent;

/** Dense points (at the rule's item scale) the item–item term's weight search runs on. */
const TERM_BASES = 3;

/** Dense-filter steps tried past the grid's edge when its best point sits there (β, item scale). */
const EDGE_STEPS = 2;

export interface GraphSearchResult {
  best: GraphParams;
  tried: { params: Partial<GraphParams>; ndcg20: number; recall20: number }[];
}

export function searchGraphParams(train: Interactions, centre: GraphParams, seed: number, opts: GraphSearchOptions = {}): GraphSearchResult {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const budget = opts.budgetSeconds ?? Number.POSITIVE_INFINITY;
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
  const scoreDense = (p: GraphParams): number => {
    const f = graphFactors(byUser, itemDegrees, svd, p);
    const r = evaluateRanking({ train: trainCsr, test: testCsr, ks: [20], users, scoreUser: factorScorer(f) });
    const ndcg20 = r["ndcg@20"]!;
    tried.push({ params: { rank: p.rank, beta: p.beta, itemScale: p.itemScale }, ndcg20, recall20: r["recall@20"]! });
    opts.log?.(`tune graph rank ${p.rank} beta ${p.beta} itemScale ${p.itemScale}: ndcg@20 ${ndcg20.toFixed(4)}`);
    if (ndcg20 > bestScore) {
      bestScore = ndcg20;
      best = p;
    }
    return ndcg20;
  };
  const betas = [centre.beta - 1.5, centre.beta, centre.beta + 1.5];
  const itemScales = [centre.itemScale, centre.itemScale + 0.25];
  for (const rank of ranks) for (const beta of betas) for (const itemScale of itemScales) scoreDense({ ...centre, rank, beta, itemScale });
  // A best point on the grid's edge: keep stepping outwards along that parameter while it gains.
  const outwards = (key: "beta" | "itemScale", grid: number[], step: number, lo: number, hi: number) => {
    const at = best[key];
    const dir = at === Math.min(...grid) ? -1 : at === Math.max(...grid) ? 1 : 0;
    for (let n = 1; dir !== 0 && n <= EDGE_STEPS && elapsed() <= budget; n++) {
      const value = at + dir * step * n;
      if (value < lo || value > hi) break;
      const before = bestScore;
      scoreDense({ ...best, [key]: value });
      if (!(bestScore > before)) break;
    }
  };
  outwards("beta", betas, 1.5, -50, 50);
  outwards("itemScale", itemScales, 0.25, -2, 2);

  const k = neighbourCount(train.itemIds.size);
  const fixed = opts.neighbourCandidates;
  if (fixed === undefined || fixed.length > 0) {
    best = { ...best, neighbours: 0 };
    const denseParams = best;
    const g = itemNeighbours(byUser, byItem, Math.max(k, ...(fixed ?? []).map((c) => c.neighbours)), termShape(centre));
    const denseBest = bestScore;
    const lists = new Map<number, ReturnType<typeof quantiseNeighbours>>();
    // The term adds GF-CF's linear filter to the low-pass; their balance assumes the rule's item scale (c = b = ½).
    // A dense search that drifted to another item scale on noise (Gowalla 80% split: ¼ at 0.0903 against ½ at
    // 0.0901) left the term at its best only 0.0934 at w ≈ 5.7, so the term is also tried on the dense point at the
    // rule's item scale.
    // And the best β / rank need not be the best under the term: the three best dense points at the rule's item scale
    // are each tried (the noise between dense points is ≈ 0.001 NDCG on 2,000 users; the term moves it by 0.01).
    const atRuleScale = tried
      .filter((t) => t.params.itemScale === centre.itemScale)
      .sort((x, y) => y.ndcg20 - x.ndcg20)
      .slice(0, TERM_BASES)
      .map((t) => ({ ...best, rank: t.params.rank!, beta: t.params.beta!, itemScale: centre.itemScale }));
    // A given candidate list is tried as given, on the best dense point only.
    const bases = [best, ...(fixed ? [] : atRuleScale)].filter((p, i, all) => all.findIndex((q) => q.rank === p.rank && q.beta === p.beta && q.itemScale === p.itemScale) === i);
    let n = 0;
    const inBudget = () => {
      // The first candidate is always scored: it is the largest gain measured, and one evaluation costs less than
      // the SVD (on a loaded machine the dense grid alone can outlast the budget). The others wait on the budget.
      if (n === 0 || elapsed() <= budget) return true;
      opts.log?.(`tune graph: item–item candidates stopped at the budget (${elapsed().toFixed(0)}s of ${budget}s)`);
      return false;
    };
    /** The dense weight's search for one dense point and one G (`shapedLists`: its truncated, quantised rows by k). */
    const searchBase = (base: GraphParams, gram: Csr, shapedLists: Map<number, ReturnType<typeof quantiseNeighbours>>, shape: TermShape): void => {
      const dense = factorScorer(graphFactors(byUser, itemDegrees, svd, base));
      const scored = new Map<string, number>();
      const shaped = { termUserExponent: shape.userExponent, termItemExponent: shape.itemExponent };
      const shapeNote = sameShape(shape, GFCF_SHAPE) ? "" : ` shape ${shape.userExponent}/${shape.itemExponent}`;
      const scoreTerm = (c: { neighbours: number; denseWeight: number }): number => {
        const key = `${c.neighbours}/${c.denseWeight}`;
        const known = scored.get(key);
        if (known !== undefined) return known;
        n++;
        let list = shapedLists.get(c.neighbours);
        if (!list) shapedLists.set(c.neighbours, (list = quantiseNeighbours(truncateRows(gram, c.neighbours), base.neighbourValueBytes as NeighbourValueWidth)));
        const scorer = new NeighbourScorer(list, { denseWeight: c.denseWeight, offset: base.degreeOffset, exponent: base.userExponent });
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
        scored.set(key, ndcg20);
        tried.push({ params: { rank: base.rank, beta: base.beta, itemScale: base.itemScale, ...c, ...shaped }, ndcg20, recall20: r["recall@20"]! });
        opts.log?.(`tune graph rank ${base.rank} beta ${base.beta} itemScale ${base.itemScale} + item–item top-${c.neighbours}${shapeNote}, dense weight ${round(c.denseWeight)}: ndcg@20 ${ndcg20.toFixed(4)} (dense alone ${denseBest.toFixed(4)})`);
        if (ndcg20 > bestScore) {
          bestScore = ndcg20;
          best = { ...base, ...c, ...shaped };
        }
        return ndcg20;
      };
      if (fixed) {
        for (const c of fixed) {
          if (!inBudget()) break;
          scoreTerm(c);
        }
      } else weightSearch((w) => (inBudget() ? scoreTerm({ neighbours: k, denseWeight: w }) : null));
    };
    const centreShape = termShape(centre);
    for (const base of bases) searchBase(base, g, lists, centreShape);
    // Then the tilted shapes of G (neighbours.ts TermShape), on the dense point the term did best with, unless the
    // shape was given (--graph-params termUserExponent=…).
    if (!fixed && sameShape(centreShape, GFCF_SHAPE)) {
      const base = best.neighbours > 0 ? { ...best } : bases[0]!;
      for (const shape of TILTED_SHAPES) {
        if (!inBudget()) break;
        searchBase(base, itemNeighbours(byUser, byItem, k, shape), new Map(), shape);
      }
    }
    // The term costs memory and time at the edge and on the device: it stays only for a gain above the noise of
    // ~30 evaluations on 2,000 users (MovieLens-100k: 0.2994 with it at w = 2 against 0.2983 without).
    if (best.neighbours > 0 && !(bestScore > denseBest * (1 + TERM_MIN_GAIN))) {
      opts.log?.(`tune graph: the item–item term's best ${bestScore.toFixed(4)} is within ${TERM_MIN_GAIN * 100}% of the dense filter's ${denseBest.toFixed(4)}: left out`);
      best = denseParams;
      bestScore = denseBest;
    }
  }
  opts.log?.(`tune: kept rank ${best.rank} beta ${best.beta} itemScale ${best.itemScale}${best.neighbours > 0 ? ` + item–item top-${best.neighbours} at dense weight ${round(best.denseWeight)}` : ", no item–item term"}`);
  return { best, tried };
}

/**
 * The dense weight's search (see WEIGHT_START): `score(w, n)` scores weight w as the n-th evaluation, or returns null
 * when the budget is spent (the search then stops where it is).
 */
export function weightSearch(score: (w: number, n: number) => number | null): void {
  let n = 0;
  const at = new Map<number, number>();
  const tryW = (w: number): number | null => {
    const known = at.get(w);
    if (known !== undefined) return known;
    if (w < WEIGHT_RANGE[0] || w > WEIGHT_RANGE[1]) return null;
    const s = score(w, n++);
    if (s !== null) at.set(w, s);
    return s;
  };
  const a = tryW(WEIGHT_START[0]!);
  const b = tryW(WEIGHT_START[1]!);
  if (a === null || b === null) return;
  // Doubling (or halving) towards the better end while it gains.
  let [bestW, bestS] = b >= a ? [WEIGHT_START[1]!, b] : [WEIGHT_START[0]!, a];
  const factor = b >= a ? 2 : 0.5;
  for (;;) {
    const s = tryW(bestW * factor);
    if (s === null || !(s > bestS)) break;
    [bestW, bestS] = [bestW * factor, s];
  }
  for (const w of [bestW * Math.SQRT2, bestW / Math.SQRT2]) {
    const s = tryW(w);
    if (s === null) return;
    if (s > bestS) [bestW, bestS] = [w, s];
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function sampleUsers(indptr: Int32Array, max: number): Int32Array {
  const withTest: number[] = [];
  for (let u = 0; u + 1 < indptr.length; u++) if (indptr[u + 1]! > indptr[u]!) withTest.push(u);
  const step = Math.max(1, withTest.length / max);
  return Int32Array.from({ length: Math.min(max, withTest.length) }, (_, i) => withTest[Math.floor(i * step)]!);
}
