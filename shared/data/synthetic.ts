// Synthetic implicit feedback with a planted, learnable structure and a known right answer.
//
// Each category k has a unit centre c_k in R^dim; an item of category k has the latent vector c_k + noise, a
// user leans to one or two categories (a mix of their centres plus noise). A user picks item j with probability
// ∝ popularity_j · exp(affinity · <u, v_j>), where popularity is Zipf-like (rank^-popularitySkew, ranks shuffled
// over the catalog). Sampling is two-stage so that a million interactions take seconds: a category by
// Σ popularity · exp(affinity · <u, c_k>), then an item inside it by sampling-importance-resampling (candidates
// drawn by popularity, one kept by exp(affinity · <u, v_j − c_k>)). Items are distinct per user; timestamps
// increase along each user's sequence. The catalog holds every generated item, even one nobody picked.

import { EdgerecError } from "../errors.ts";
import { Rng } from "../random.ts";
import { IdMap, type Interactions, type ItemMeta } from "./interactions.ts";
import { ADJECTIVES, CATEGORY_WORDS } from "./synthetic-words.ts";

export interface SyntheticOptions {
  users?: number;
  items?: number;
  /** Mean interactions per user; each user's count varies around it (log-normal). */
  interactionsPerUser?: number;
  dim?: number;
  categories?: number;
  /** Zipf exponent of item popularity (0 = uniform). */
  popularitySkew?: number;
  /** Strength of the latent preference (the inverse temperature of the softmax). */
  affinity?: number;
  seed?: number;
}

/** The planted model behind a synthetic data set, for oracle checks. */
export interface SyntheticTruth {
  dim: number;
  affinity: number;
  /** users × dim and items × dim, row-major. */
  userFactors: Float32Array;
  itemFactors: Float32Array;
  itemCategory: Int32Array;
  /** Normalised popularity prior of each item (sums to 1). */
  popularity: Float64Array;
  categoryNames: string[];
}

export function generateSynthetic(options: SyntheticOptions = {}): Interactions {
  return plantSynthetic(options).data;
}

const CANDIDATES = 12;
const START_TS = 1_700_000_000;

export function plantSynthetic(options: SyntheticOptions = {}): { data: Interactions; truth: SyntheticTruth } {
  const nu = options.users ?? 1000;
  const ni = options.items ?? 1700;
  const mean = options.interactionsPerUser ?? 50;
  const dim = options.dim ?? 8;
  const nc = options.categories ?? 12;
  const skew = options.popularitySkew ?? 1;
  const affinity = options.affinity ?? 4;
  for (const [name, v, min] of [["users", nu, 1], ["items", ni, 2], ["dim", dim, 1], ["categories", nc, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new EdgerecError("bad_option", `${name} must be an integer ≥ ${min}, got ${v}`);
  }
  if (!(mean >= 1)) throw new EdgerecError("bad_option", `interactionsPerUser must be ≥ 1, got ${mean}`);
  const rng = new Rng(options.seed ?? 42);

  const centres = new Float32Array(nc * dim);
  for (let k = 0; k < nc; k++) normalise(fillNormal(rng, centres.subarray(k * dim, (k + 1) * dim), 1));

  // Items: uneven category sizes, vector = centre + noise, Zipf popularity over a shuffled rank.
  const catShare = Array.from({ length: nc }, () => 0.5 + rng.next());
  const catCum = cumulative(catShare);
  const itemCategory = new Int32Array(ni);
  const itemFactors = new Float32Array(ni * dim);
  const noise = 0.5 / Math.sqrt(dim);
  for (let j = 0; j < ni; j++) {
    const k = pick(catCum, rng.next() * catCum[nc - 1]!);
    itemCategory[j] = k;
    for (let d = 0; d < dim; d++) itemFactors[j * dim + d] = centres[k * dim + d]! + noise * rng.normal();
  }
  const rank = rng.shuffle(Int32Array.from({ length: ni }, (_, i) => i + 1));
  const popularity = new Float64Array(ni);
  let popSum = 0;
  for (let j = 0; j < ni; j++) popSum += popularity[j] = Math.pow(rank[j]!, -skew);
  for (let j = 0; j < ni; j++) popularity[j]! /= popSum;

  // Items of each category, with an alias table (restricted to the category) to draw candidates by popularity in
  // O(1), and each item's offset from its category centre.
  const catStart = new Int32Array(nc + 1);
  for (let j = 0; j < ni; j++) catStart[itemCategory[j]! + 1]!++;
  for (let k = 0; k < nc; k++) catStart[k + 1]! += catStart[k]!;
  const catItems = new Int32Array(ni);
  const fill = catStart.slice(0, nc);
  for (let j = 0; j < ni; j++) catItems[fill[itemCategory[j]!]!++] = j;
  const catPop = new Float64Array(nc);
  const aliasProb = new Float64Array(ni);
  const aliasOf = new Int32Array(ni);
  for (let k = 0; k < nc; k++) catPop[k] = buildAlias(popularity, catItems, catStart[k]!, catStart[k + 1]!, aliasProb, aliasOf);
  const offsets = new Float32Array(ni * dim);
  for (let j = 0; j < ni; j++) {
    const k = itemCategory[j]!;
    for (let d = 0; d < dim; d++) offsets[j * dim + d] = itemFactors[j * dim + d]! - centres[k * dim + d]!;
  }

  // Users: one or two favourite categories, plus noise.
  const userFactors = new Float32Array(nu * dim);
  const counts = new Int32Array(nu);
  const cap = Math.max(1, Math.floor(ni / 2));
  let total = 0;
  for (let u = 0; u < nu; u++) {
    const a = pick(catCum, rng.next() * catCum[nc - 1]!);
    const b = rng.next() < 0.5 ? rng.int(nc) : a;
    const wa = b === a ? 1 : 0.5 + 0.3 * rng.next();
    const row = userFactors.subarray(u * dim, (u + 1) * dim);
    for (let d = 0; d < dim; d++) {
      row[d] = wa * centres[a * dim + d]! + (1 - wa) * centres[b * dim + d]! + (0.3 / Math.sqrt(dim)) * rng.normal();
    }
    normalise(row);
    const n = Math.round(mean * Math.exp(0.6 * rng.normal() - 0.18));
    counts[u] = Math.min(cap, Math.max(Math.min(5, Math.ceil(mean)), n));
    total += counts[u]!;
  }

  const users = new Int32Array(total);
  const items = new Int32Array(total);
  const timestamps = new Float64Array(total);
  const stamp = new Int32Array(ni).fill(-1);
  const catWeight = new Float64Array(nc);
  const candScore = new Float64Array(CANDIDATES);
  const candItem = new Int32Array(CANDIDATES);
  let o = 0;
  for (let u = 0; u < nu; u++) {
    const uo = u * dim;
    let acc = 0;
    for (let k = 0; k < nc; k++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += userFactors[uo + d]! * centres[k * dim + d]!;
      catWeight[k] = acc += catPop[k]! * Math.exp(affinity * dot);
    }
    let ts = START_TS + Math.floor(rng.next() * 180 * 86400);
    for (let t = 0, tries = 0; t < counts[u]! && tries < counts[u]! * 20; tries++) {
      const k = pick(catWeight, rng.next() * acc);
      const s = catStart[k]!;
      const e = catStart[k + 1]!;
      if (e === s) continue;
      let sum = 0;
      for (let c = 0; c < CANDIDATES; c++) {
        const x = rng.next() * (e - s);
        const slot = s + Math.floor(x);
        const p = x - Math.floor(x) < aliasProb[slot]! ? slot : aliasOf[slot]!;
        const j = catItems[p]!;
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += userFactors[uo + d]! * offsets[j * dim + d]!;
        candItem[c] = j;
        candScore[c] = sum += Math.exp(affinity * dot);
      }
      const j = candItem[pick(candScore, rng.next() * sum)]!;
      if (stamp[j] === u) continue;
      stamp[j] = u;
      ts += 60 + Math.floor(-Math.log(1 - rng.next()) * 7200);
      users[o] = u;
      items[o] = j;
      timestamps[o] = ts;
      o++;
      t++;
    }
  }

  const categoryNames = Array.from({ length: nc }, (_, k) => CATEGORY_WORDS[k]?.[0] ?? `Category ${k + 1}`);
  const itemMeta = new Map<number, ItemMeta>();
  const titleCount = new Map<string, number>();
  for (let j = 0; j < ni; j++) {
    const k = itemCategory[j]!;
    const nouns = CATEGORY_WORDS[k % CATEGORY_WORDS.length]![1];
    const base = `${ADJECTIVES[rng.int(ADJECTIVES.length)]} ${nouns[rng.int(nouns.length)]}`;
    const seen = (titleCount.get(base) ?? 0) + 1;
    titleCount.set(base, seen);
    itemMeta.set(j, { title: seen === 1 ? base : `${base} ${seen}`, categories: [categoryNames[k]!] });
  }

  const data: Interactions = {
    userIds: IdMap.from(Array.from({ length: nu }, (_, u) => `u${u + 1}`)),
    itemIds: IdMap.from(Array.from({ length: ni }, (_, j) => `i${j + 1}`)),
    users: users.slice(0, o),
    items: items.slice(0, o),
    weights: new Float32Array(o).fill(1),
    timestamps: timestamps.slice(0, o),
    itemMeta,
  };
  return { data, truth: { dim, affinity, userFactors, itemFactors, itemCategory, popularity, categoryNames } };
}

function fillNormal(rng: Rng, out: Float32Array, scale: number): Float32Array {
  for (let d = 0; d < out.length; d++) out[d] = scale * rng.normal();
  return out;
}

function normalise(v: Float32Array): void {
  let s = 0;
  for (let d = 0; d < v.length; d++) s += v[d]! * v[d]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let d = 0; d < v.length; d++) v[d]! *= inv;
}

function cumulative(w: number[]): Float64Array {
  const out = new Float64Array(w.length);
  let acc = 0;
  for (let i = 0; i < w.length; i++) out[i] = acc += w[i]!;
  return out;
}

/**
 * Vose's alias table over positions lo..hi of `members` weighted by `weight[members[p]]`: slot p keeps itself
 * with probability prob[p], else yields alias[p] (positions, not items). Returns the total weight.
 */
function buildAlias(
  weight: Float64Array,
  members: Int32Array,
  lo: number,
  hi: number,
  prob: Float64Array,
  alias: Int32Array,
): number {
  const n = hi - lo;
  let total = 0;
  for (let p = lo; p < hi; p++) total += weight[members[p]!]!;
  if (n === 0) return 0;
  const small: number[] = [];
  const large: number[] = [];
  for (let p = lo; p < hi; p++) {
    prob[p] = (weight[members[p]!]! * n) / total;
    (prob[p]! < 1 ? small : large).push(p);
  }
  while (small.length > 0 && large.length > 0) {
    const l = small.pop()!;
    const g = large[large.length - 1]!;
    alias[l] = g;
    prob[g] = prob[g]! + prob[l]! - 1;
    if (prob[g]! < 1) small.push(large.pop()!);
  }
  for (const p of large) prob[p] = 1;
  for (const p of small) prob[p] = 1; // rounding leftovers
  return total;
}

/** First index whose cumulative weight exceeds x (binary search). */
const pick = (cum: ArrayLike<number>, x: number): number => pickRange(cum, 0, cum.length, x);

function pickRange(cum: ArrayLike<number>, lo: number, hi: number, x: number): number {
  const last = hi - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return Math.min(lo, last);
}
