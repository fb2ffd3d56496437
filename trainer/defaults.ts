// Hyper-parameters chosen by a rule from the data's size and density, so a dataset the project has never seen gets
// sensible values without a search. The rule was fitted on MovieLens-100k and checked on synthetic sets of other
// sizes and densities (see trainer/defaults.test.ts and bench:quality). `train` searches from them by default
// (trainer/search/); `--no-tune` trains with them as they are.

import type { AlsParams } from "./models/als.ts";
import { ALS_DEFAULTS } from "./models/als.ts";
import type { BprParams } from "./models/bpr.ts";
import { BPR_DEFAULTS } from "./models/bpr.ts";

export interface DataStats {
  users: number;
  items: number;
  interactions: number;
}

export const density = (s: DataStats): number => s.interactions / Math.max(1, s.users * s.items);

/**
 * Latent dimensions grow with the information available: about log2 of interactions, capped at 64 for small data
 * (more dimensions than a sparse matrix supports only overfit) and 128 for large. (BPR; ALS: alsDim.)
 */
export function chooseDim(s: DataStats): number {
  const byData = 8 * Math.round(Math.log2(Math.max(2, s.interactions)) - 9);
  return Math.min(clamp(Math.min(byData, byCatalogue(s)), 16, 128), servingDimCap(s));
}

/**
 * What a model may take at the edge by default: the Worker's MODEL_BUDGET_MB (wrangler.toml). Defaults and the
 * default search never pick a dimension whose served model would not load there (`--dim` still sets any; the Node
 * host takes larger models).
 */
export const EDGE_MODEL_BUDGET_BYTES = 96 * 2 ** 20;

/**
 * The served footprint of a factor model by the edge loader's count (edge/app/model-loader.ts), from the data's
 * shape: items.bin and the HNSW index (its own copy of every vector, plus ≤ 280 bytes of links at M 32) per item,
 * users.bin per user, seen.bin per interaction, and the id / item tables (~64 bytes an item, ~40 a user).
 */
export function servedBytes(s: DataStats, dim: number): number {
  return s.items * (dim * 8 + 280 + 64) + s.users * (dim * 4 + 40) + s.interactions * 4;
}

/**
 * The largest dimension (a multiple of 8) whose served model fits EDGE_MODEL_BUDGET_BYTES. Gowalla (29,858 users ×
 * 40,981 items × 810k): 176 — ALS's search stepped to d256 there (validation NDCG@20 0.1015 against 0.0919 at d128),
 * a model of ≈ 127 MiB that the Worker refuses to load. Where not even d32 fits (Last.fm-size data: 360k users'
 * users.bin and seen.bin alone pass the budget) no dimension serves from a default Worker, so none is capped: such a
 * model is for the Node host or a larger MODEL_BUDGET_MB, and the quality should not be given up for nothing.
 */
export function servingDimCap(s: DataStats, budget = EDGE_MODEL_BUDGET_BYTES): number {
  const perDim = s.items * 8 + s.users * 4;
  const fixed = s.items * 344 + s.users * 40 + s.interactions * 4;
  const cap = 8 * Math.floor((budget - fixed) / Math.max(1, perDim) / 8);
  return cap >= MIN_SERVED_DIM ? cap : Number.POSITIVE_INFINITY;
}

const MIN_SERVED_DIM = 32;

/**
 * ALS dimensions: 16 more per doubling of interactions (64 at ~45k, 128 from ~600k), capped like chooseDim by
 * 1.5·√ of the smaller side and at 128. chooseDim's slope (8 per doubling) gave Gowalla-size data (650k check-ins)
 * d80, where the numpy iALS peer's d128 scored Recall@20 0.1695 against 0.1533 at about the same α and λ
 * (bench:parity); the search, at d² cost per fit, could not afford the step up within its budget, so the start has
 * to be there. ALS's cost per fit grows with d² only (CG), and its λ keeps larger d from overfitting.
 */
export function alsDim(s: DataStats): number {
  const byData = 16 * Math.round(Math.log2(Math.max(2, s.interactions)) - 11.5);
  return Math.min(clamp(Math.min(byData, byCatalogue(s)), 16, 128), servingDimCap(s));
}

const byCatalogue = (s: DataStats): number => 8 * Math.ceil((1.5 * Math.sqrt(Math.min(s.items, s.users))) / 8);

/**
 * ALS on weights normalised to mean 1 (so α means the same for ratings, counts and binary data).
 * α grows as the data gets sparser: (1 + α) = 0.7 / √density, clamped to [2, 100] (2: the old constant, kept for
 * dense data, where it measured well on the tiny-shop and dense synthetic shapes). Every unobserved pair weighs 1
 * and every observed one 1 + α, so the observed share of a row's confidence is about density·(1 + α); the rule lets
 * that share shrink with √density rather than with density. It gives α ≈ 2 on MovieLens-100k (density 0.05, where α
 * 1–2 measured best) and ≈ 30 on Gowalla-like check-ins (density 5e-4, where the numpy iALS peer runs α = 30) — a
 * starting point: the search (trainer/search/) walks α in ×3 steps from here, carrying λ along.
 * λ = 0.59 · √(1 + α) · √min(users, items, 1000): ≈ 30 at α ≈ 2 on MovieLens-100k and on sparse synthetic sets
 * of 2000+ users (the constant the old rule was fitted on), ≈ 6 on a 40 × 60 shop, where a constant 30 drove every
 * vector to zero (measured: the search settles at 5–7 there). λ grows with √(1 + α), not 1 + α: at Gowalla's α ≈ 30
 * the linear form gave λ ≈ 355, and both the numpy iALS peer (λ 100) and our search (which stepped down to 111)
 * sit at about a third of that; the square root gives ≈ 105 there and leaves α ≈ 2 data where it was. Tried and
 * dropped: scaling with interactions per row (too weak on sparse synthetic sets). The search walks λ in ×3 steps
 * for as long as validation NDCG improves.
 */
export function alsDefaults(s: DataStats): AlsParams {
  const alpha = alsAlpha(s);
  return {
    ...ALS_DEFAULTS,
    dim: alsDim(s),
    alpha,
    regularization: alsRegularization(s, alpha),
    iterations: 10,
    regExponent: 0.5,
  };
}

/*
 * regExponent 0.5: users' λ grows with the square root of their weight relative to the mean user's (frequency-
 * scaled regularisation, models/als.ts userRegScales). Measured against a constant λ (0): MovieLens-100k, three
 * global random 80/20 splits, NDCG@10 0.457–0.459 vs 0.452 (rated and 0/1 weights alike); Gowalla, a 20% user
 * sample, 80/20, d64 α30 λ60: Recall@20 0.1293 vs 0.1273. The search keeps it (trainer/search/spaces.ts says why).
 */

export function alsAlpha(s: DataStats): number {
  const d = Math.max(1e-9, density(s));
  return Number(clamp(0.7 / Math.sqrt(d) - 1, 2, 100).toPrecision(2));
}

export function alsRegularization(s: DataStats, alpha: number): number {
  const n = Math.max(1, Math.min(s.users, s.items, 1000));
  return Number((0.59 * Math.sqrt(1 + alpha) * Math.sqrt(n)).toPrecision(3));
}

/**
 * BPR: an epoch samples every interaction once, so on sparse data an item sees few updates per epoch. Epochs are set
 * so that each item gets about 1800 updates in all (ML-100k: ~38 epochs; a catalog with 4 interactions per item:
 * the cap of 150), which held NDCG on every shape in trainer/quality.test.ts.
 */
export function bprDefaults(s: DataStats): BprParams {
  return {
    ...BPR_DEFAULTS,
    dim: chooseDim(s),
    epochs: clamp(Math.round((1800 * s.items) / Math.max(1, s.interactions)), 10, 150),
  };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
