// Cold-start protocols and their baselines. item-cold: 20% of items held out entirely; each test user's held-out
// items are ranked against every other held-out item (only items without training interactions are candidates).
// user-cold: 20% of users held out entirely; each is ranked over all items from attributes alone. Baselines:
// random, popularity (user-cold), genre/category profile (item-cold), ALS + a ridge map from features to vectors.
// Coverage follows issue #11 (items a model can recommend, new users a model serves); the share of held-out items
// that actually make some test user's top 20 is reported beside it as listCoverage@20.

import { toCsr } from "../shared/data/csr.ts";
import type { Interactions, UserMeta } from "../shared/data/interactions.ts";
import { type ColdSplit } from "../shared/data/cold-split.ts";
import { encodeItem, encodeUser, type Encoded, fitFeatureSpec } from "../shared/features/encode.ts";
import { evaluateRanking } from "../shared/metrics/evaluate.ts";
import { Rng } from "../shared/random.ts";
import type { TrainedModel } from "./models/types.ts";

export interface ColdReport {
  "recall@20": number;
  "ndcg@20": number;
  /**
   * Issue #11's cold-start coverage. item-cold: share of held-out items the model can recommend — its score varies
   * with the user (an item without a usable vector, e.g. a zero or collapsed tower output or no categories for the
   * genre profile, scores the same for everyone and only ever comes up by tie order); user-cold: share of new users
   * with attributes or history that a model serves rather than the popularity fallback.
   */
  coverage: number;
  /** item-cold: share of held-out items in at least one test user's top 20 (catalogue coverage of the lists). */
  "listCoverage@20"?: number;
  users: number;
}

type Scorer = (user: number, out: Float32Array) => void;

export interface ColdOptions {
  /** user-cold: whether the scorer serves user `u` from a model (false: popularity fallback). Default: a model. */
  served?: (user: number) => boolean;
}

/** Scores users (rows of `split.test`) over candidates; item-cold restricts to held-out items. */
export function evaluateCold(split: ColdSplit, protocol: "item-cold" | "user-cold", score: Scorer, opts: ColdOptions = {}): ColdReport {
  const train = toCsr(split.train);
  const test = toCsr(split.test);
  const items = test.cols;
  const hits = new Uint8Array(items);
  // Per item: the first score seen and whether any later user's score differs from it.
  const first = new Float32Array(items).fill(NaN);
  const varies = new Uint8Array(items);
  const scoreUser: Scorer = (u, out) => {
    score(u, out);
    for (let i = 0; i < items; i++) {
      if (Number.isNaN(first[i]!)) first[i] = out[i]!;
      else if (out[i] !== first[i] && Number.isFinite(out[i]!)) varies[i] = 1;
    }
    if (protocol === "item-cold") for (let i = 0; i < items; i++) if (!split.cold[i]) out[i] = -Infinity;
  };
  const users = protocol === "user-cold" ? Int32Array.from([...split.cold.keys()].filter((u) => split.cold[u] && test.indptr[u + 1]! > test.indptr[u]!)) : undefined;
  const r = evaluateRanking({ train, test, ks: [20], scoreUser: (u, out) => (scoreUser(u, out), markTop(out, hits)), ...(users ? { users } : {}) });
  const report: ColdReport = { "recall@20": round(r["recall@20"]!), "ndcg@20": round(r["ndcg@20"]!), coverage: 0, users: r.users };
  if (protocol === "item-cold") {
    let cold = 0, listed = 0, servable = 0;
    for (let i = 0; i < items; i++) if (split.cold[i]) (cold++, (listed += hits[i]!), (servable += varies[i]!));
    report.coverage = round(servable / Math.max(1, cold));
    report["listCoverage@20"] = round(listed / Math.max(1, cold));
  } else {
    // The denominator is the new users a model could serve: those with attributes (they have no history here).
    const eligible = [...(users ?? [])].filter((u) => hasAttributes(split.train.userMeta?.get(u)));
    const served = opts.served ?? (() => true);
    report.coverage = round(eligible.filter(served).length / Math.max(1, eligible.length));
  }
  return report;
}

const hasAttributes = (m: UserMeta | undefined): boolean =>
  (m?.categories?.length ?? 0) > 0 || Object.values(m?.numbers ?? {}).some((v) => Number.isFinite(v));

function markTop(out: Float32Array, hits: Uint8Array): void {
  const idx = [...out.keys()].filter((i) => out[i]! > -Infinity).sort((a, b) => out[b]! - out[a]!).slice(0, 20);
  for (const i of idx) hits[i] = 1;
}

export const randomScorer = (seed: number): Scorer => {
  const rng = new Rng(seed);
  return (_, out) => { for (let i = 0; i < out.length; i++) out[i] = rng.next(); };
};

export function popularityScorer(train: Interactions): Scorer {
  const counts = new Float32Array(train.itemIds.size);
  for (let k = 0; k < train.items.length; k++) counts[train.items[k]!]! += 1;
  return (_, out) => out.set(counts);
}

/** Cosine between the user's category histogram over train items and each item's categories. */
export function categoryProfileScorer(train: Interactions): Scorer {
  const cats = new Map<string, number>();
  const itemCats = Array.from({ length: train.itemIds.size }, (_, i) => (train.itemMeta?.get(i)?.categories ?? []).map((c) => cats.get(c) ?? (cats.set(c, cats.size), cats.size - 1)));
  const byUser = toCsr(train);
  return (u, out) => {
    const profile = new Float64Array(cats.size);
    for (let p = byUser.indptr[u]!; p < byUser.indptr[u + 1]!; p++) for (const c of itemCats[byUser.indices[p]!]!) profile[c]! += 1;
    const norm = Math.hypot(...profile) || 1;
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (const c of itemCats[i]!) s += profile[c]!;
      out[i] = s / norm / Math.sqrt(Math.max(1, itemCats[i]!.length));
    }
  };
}

/** Dense feature rows (hashed tokens folded to `width` columns, plus numbers) for the ridge map. */
function featureMatrix(encoded: Encoded[], width: number): { x: Float64Array; cols: number } {
  const nw = encoded[0]?.numeric.length ?? 0;
  const cols = width + nw + 1;
  const x = new Float64Array(encoded.length * cols);
  encoded.forEach((e, r) => {
    for (let l = 0; l < e.tokens.length; l++) if (e.weights[l]) x[r * cols + (e.tokens[l]! % width)]! += e.weights[l]!;
    for (let k = 0; k < nw; k++) x[r * cols + width + k] = e.numeric[k]!;
    x[r * cols + cols - 1] = 1;
  });
  return { x, cols };
}

/** Ridge regression W = (XᵀX + λI)⁻¹ XᵀY over the rows where `fit` is set; returns predictions for every row. */
export function ridgeMap(x: Float64Array, cols: number, y: Float32Array, dim: number, fit: (r: number) => boolean, lambda = 1): Float32Array {
  const rows = y.length / dim;
  const a = new Float64Array(cols * cols);
  const b = new Float64Array(cols * dim);
  for (let r = 0; r < rows; r++) {
    if (!fit(r)) continue;
    for (let i = 0; i < cols; i++) {
      const xi = x[r * cols + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < cols; j++) a[i * cols + j]! += xi * x[r * cols + j]!;
      for (let d = 0; d < dim; d++) b[i * dim + d]! += xi * y[r * dim + d]!;
    }
  }
  for (let i = 0; i < cols; i++) a[i * cols + i]! += lambda;
  const w = solve(a, b, cols, dim);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let i = 0; i < cols; i++) {
    const xi = x[r * cols + i]!;
    if (xi !== 0) for (let d = 0; d < dim; d++) out[r * dim + d]! += xi * w[i * dim + d]!;
  }
  return out;
}

/** Gaussian elimination with partial pivoting on a (symmetric positive definite) system, several right-hand sides. */
function solve(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (p !== c) {
      for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j]!, a[c * n + j]!];
      for (let j = 0; j < m; j++) [b[c * m + j], b[p * m + j]] = [b[p * m + j]!, b[c * m + j]!];
    }
    const piv = a[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r * n + j]! -= f * a[c * n + j]!;
      for (let j = 0; j < m; j++) b[r * m + j]! -= f * b[c * m + j]!;
    }
  }
  const x = new Float64Array(n * m);
  for (let r = n - 1; r >= 0; r--) for (let j = 0; j < m; j++) {
    let s = b[r * m + j]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k * m + j]!;
    x[r * m + j] = s / a[r * n + r]!;
  }
  return x;
}

/** ALS vectors for warm rows, a ridge map from features for cold ones (items or users). */
export function mappedFactors(model: TrainedModel, data: Interactions, side: "item" | "user", cold: Uint8Array, width = 256, lambda = 1): Float32Array {
  const spec = fitFeatureSpec([...(data.itemMeta?.values() ?? [])], [...(data.userMeta?.values() ?? [])], 1 << 14);
  const n = side === "item" ? model.items : model.users;
  const encoded = Array.from({ length: n }, (_, r) => (side === "item" ? encodeItem(data.itemMeta?.get(r), spec) : encodeUser(data.userMeta?.get(r), spec)));
  const { x, cols } = featureMatrix(encoded, width);
  const y = side === "item" ? model.itemFactors : model.userFactors;
  const predicted = ridgeMap(x, cols, y, model.dim, (r) => !cold[r], lambda);
  const out = y.slice();
  for (let r = 0; r < n; r++) if (cold[r]) out.set(predicted.subarray(r * model.dim, (r + 1) * model.dim), r * model.dim);
  return out;
}

export const dotScorer = (users: Float32Array, items: Float32Array, dim: number): Scorer => (u, out) => {
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += users[u * dim + d]! * items[i * dim + d]!;
    out[i] = s;
  }
};

const round = (x: number) => Math.round(x * 1e4) / 1e4;
