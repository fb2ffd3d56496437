// The ranking stage after retrieval, shared by the edge and the widget: from a pool of candidates (rows with model
// scores) to the final list. Steps: drop scores under `minScore`; normalise relevance to 0..1 over the pool; add
// boosts, subtract buries and the rotation penalty of recently shown items; then pick greedily with MMR
// (Carbonell & Goldstein 1998) under category caps:
//
//   pick argmax  (1 − λ) · rel(i) − λ · max_{j picked} sim(i, j),   sim = max(0, cosine of the item vectors)
//
// Selection is lazy: candidates are visited in relevance order and a candidate's max-similarity is brought up to
// date only when it can still win (since sim ≥ 0, (1 − λ)·rel(i) bounds its value), so a long pool costs little
// more than the handful of candidates near the top. Everything runs on typed arrays; nothing allocates per item.

import { type RankingOptions } from "./options.ts";
import { type ItemsByRow, applyRules, categoriesAt } from "./rules.ts";

export interface RerankContext {
  /** Item vectors, row-major `rows × dim`. */
  vectors: Float32Array;
  dim: number;
  /** items[row]: categories and numeric attributes for rules and caps. */
  items: ItemsByRow;
  /**
   * A fast kernel (wasm SIMD) for out[k] = vector · item rows[k]. With it, MMR updates every candidate's similarity
   * to each new pick in one batch instead of lazily in JS (worth it for pools of thousands).
   */
  dots?(vector: Float32Array, rows: Int32Array, out: Float32Array): void;
  /** 1 / ‖item row‖ for every row, when the caller keeps them (else computed for the pool as needed). */
  invNorms?: Float32Array;
}

export interface Reranked {
  rows: Int32Array;
  /** The model's score of each picked row (the order is the re-ranked one, so these need not descend). */
  scores: Float32Array;
}

/**
 * Re-ranks a candidate pool to `count` items. `shown` lists rows recently shown to this user, newest first: the
 * newest is demoted by `rotation`, the oldest by half of it.
 */
export function rerank(ctx: RerankContext, rows: Int32Array, scores: Float32Array, count: number, o: RankingOptions, shown: readonly number[] = []): Reranked {
  // 1. minScore on the model's score.
  let n = 0;
  const keep = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) if (o.minScore === undefined || scores[i]! >= o.minScore) keep[n++] = i;
  const candRows = new Int32Array(n);
  const rel = new Float32Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = scores[keep[i]!]!;
    candRows[i] = rows[keep[i]!]!;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  // 2. Relevance 0..1 over the pool (all 1 when the scores are equal).
  const span = hi - lo;
  for (let i = 0; i < n; i++) rel[i] = span > 0 ? (scores[keep[i]!]! - lo) / span : 1;
  // 3. Business rules and rotation, in relevance units.
  const adjust = new Float32Array(n);
  applyRules(ctx.items, candRows, o.boost ?? [], o.bury ?? [], adjust);
  const rotation = o.rotation ?? 0;
  if (rotation > 0 && shown.length > 0) {
    const penalty = new Map<number, number>();
    shown.forEach((row, k) => penalty.has(row) || penalty.set(row, rotation * (1 - (0.5 * k) / shown.length)));
    for (let i = 0; i < n; i++) adjust[i]! -= penalty.get(candRows[i]!) ?? 0;
  }
  let sorted = true;
  for (let i = 0; i < n; i++) {
    rel[i]! += adjust[i]!;
    if (i > 0 && rel[i]! > rel[i - 1]!) sorted = false;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!sorted) order.sort((a, b) => rel[b]! - rel[a]! || a - b);
  // 4. Greedy selection.
  const picked = select(ctx, candRows, rel, order, count, o);
  const outRows = new Int32Array(picked.length);
  const outScores = new Float32Array(picked.length);
  for (let k = 0; k < picked.length; k++) {
    outRows[k] = candRows[picked[k]!]!;
    outScores[k] = scores[keep[picked[k]!]!]!;
  }
  return { rows: outRows, scores: outScores };
}

/** MMR under caps; returns pool indices in pick order. */
function select(ctx: RerankContext, rows: Int32Array, rel: Float32Array, order: Int32Array, count: number, o: RankingOptions): number[] {
  const n = rows.length;
  const lambda = o.diversity ?? 0;
  const caps = capsOf(o);
  const perCategory = new Map<string, number>();
  const taken = new Uint8Array(n); // 1 picked, 2 capped for good
  const picked: number[] = [];
  const { vectors, dim } = ctx;
  const maxSim = new Float32Array(n);
  const upTo = new Int32Array(n); // how many picks maxSim[i] accounts for
  const invNorm = new Float32Array(lambda > 0 ? n : 0).fill(-1);
  const eager = lambda > 0 && ctx.dots !== undefined;
  const dots = eager ? new Float32Array(n) : null;
  if (eager) for (let i = 0; i < n; i++) invNorm[i] = ctx.invNorms ? ctx.invNorms[rows[i]!]! : inverseNorm(vectors, rows[i]! * dim, dim);
  // Picked items' unit vectors, contiguous, so a similarity is one dot product over two flat arrays.
  const unit = new Float32Array(Math.max(0, Math.min(count, n)) * dim);
  let first = 0; // order[0..first) are all taken or capped for good
  while (picked.length < count) {
    let best = -Infinity;
    let bestI = -1;
    const p = picked.length;
    for (let t = first; t < n; t++) {
      const i = order[t]!;
      if (taken[i]) {
        if (t === first) first++;
        continue;
      }
      if (caps && capped(categoriesAt(ctx.items, rows[i]!), caps, perCategory)) {
        taken[i] = 2; // counts only grow, so a capped item stays capped: never test it again
        if (t === first) first++;
        continue;
      }
      const bound = (1 - lambda) * rel[i]!;
      if (bound <= best) break; // sim ≥ 0: nothing later in relevance order can beat `best`
      if (lambda > 0 && !eager && upTo[i]! < p) {
        // maxSim only grows, so the value with the stale maxSim bounds the true one: refresh only if it can win.
        if (bound - lambda * maxSim[i]! <= best) continue;
        if (invNorm[i]! < 0) invNorm[i] = inverseNorm(vectors, rows[i]! * dim, dim);
        maxSim[i] = maxCosine(vectors, rows[i]! * dim, invNorm[i]!, unit, upTo[i]!, p, dim, maxSim[i]!);
        upTo[i] = p;
      }
      const value = bound - lambda * maxSim[i]!;
      if (value > best) {
        best = value;
        bestI = i;
      }
    }
    if (bestI < 0) break;
    taken[bestI] = 1;
    if (lambda > 0) setUnit(vectors, rows[bestI]! * dim, unit, picked.length * dim, dim);
    if (eager && picked.length + 1 < count) {
      ctx.dots!(unit.subarray(picked.length * dim, (picked.length + 1) * dim), rows, dots!);
      for (let i = 0; i < n; i++) {
        const sim = dots![i]! * invNorm[i]!;
        if (sim > maxSim[i]!) maxSim[i] = sim;
      }
    }
    picked.push(bestI);
    if (caps) for (const c of categoriesAt(ctx.items, rows[bestI]!) ?? []) perCategory.set(c, (perCategory.get(c) ?? 0) + 1);
  }
  return picked;
}

/** max(m, the largest cosine of the vector at `base` with unit rows from..to of `unit`). */
function maxCosine(vectors: Float32Array, base: number, inv: number, unit: Float32Array, from: number, to: number, dim: number, m: number): number {
  if (inv === 0) return m;
  const tail = dim & ~3;
  for (let q = from; q < to; q++) {
    const o = q * dim;
    // Four independent sums: V8 keeps them in registers and the adds pipeline.
    let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    let d = 0;
    for (; d < tail; d += 4) {
      d0 += vectors[base + d]! * unit[o + d]!;
      d1 += vectors[base + d + 1]! * unit[o + d + 1]!;
      d2 += vectors[base + d + 2]! * unit[o + d + 2]!;
      d3 += vectors[base + d + 3]! * unit[o + d + 3]!;
    }
    for (; d < dim; d++) d0 += vectors[base + d]! * unit[o + d]!;
    const sim = (d0 + d1 + d2 + d3) * inv;
    if (sim > m) m = sim;
  }
  return m;
}

function inverseNorm(vectors: Float32Array, base: number, dim: number): number {
  let nn = 0;
  for (let d = 0; d < dim; d++) nn += vectors[base + d]! * vectors[base + d]!;
  return nn > 0 ? 1 / Math.sqrt(nn) : 0;
}

function setUnit(vectors: Float32Array, base: number, unit: Float32Array, at: number, dim: number): void {
  const inv = inverseNorm(vectors, base, dim);
  for (let d = 0; d < dim; d++) unit[at + d] = vectors[base + d]! * inv;
}

interface Caps {
  all: number;
  by: Record<string, number>;
}

function capsOf(o: RankingOptions): Caps | null {
  if (o.maxPerCategory === undefined && (!o.categoryCaps || Object.keys(o.categoryCaps).length === 0)) return null;
  return { all: o.maxPerCategory ?? Infinity, by: o.categoryCaps ?? {} };
}

function capped(categories: readonly string[] | undefined, caps: Caps, counts: Map<string, number>): boolean {
  for (const c of categories ?? []) {
    const cap = Object.hasOwn(caps.by, c) ? caps.by[c]! : caps.all;
    if ((counts.get(c) ?? 0) >= cap) return true;
  }
  return false;
}
