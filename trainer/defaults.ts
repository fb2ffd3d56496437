// Hyper-parameters chosen by a rule from the data's size and density, so a dataset the project has never seen gets
// sensible values without a search. The rule was fitted on MovieLens-100k and checked on synthetic sets of other
// sizes and densities (see trainer/defaults.test.ts and bench:quality); `--tune` adds a small validation search.

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
export const perUser = (s: DataStats): number => s.interactions / Math.max(1, s.users);

/**
 * Latent dimensions grow with the information available: about log2 of interactions, capped at 64 for small data
 * (more dimensions than a sparse matrix supports only overfit) and 128 for large.
 */
export function chooseDim(s: DataStats): number {
  const byData = 8 * Math.round(Math.log2(Math.max(2, s.interactions)) - 9);
  const byCatalog = 8 * Math.ceil(Math.sqrt(Math.min(s.items, s.users)) / 8);
  return clamp(Math.min(byData, byCatalog), 16, 128);
}

/**
 * ALS on weights normalised to mean 1 (so α means the same for ratings, counts and binary data).
 * λ scales with interactions per user: users with long histories have a large data term that the prior must keep
 * up with, or the model overfits rare items; short histories need little.
 */
export function alsDefaults(s: DataStats): AlsParams {
  return {
    ...ALS_DEFAULTS,
    dim: chooseDim(s),
    alpha: 2,
    regularization: clamp(0.35 * perUser(s), 1, 200),
    iterations: 10,
  };
}

/** BPR: more epochs for sparse data (each epoch samples every interaction once). */
export function bprDefaults(s: DataStats): BprParams {
  return {
    ...BPR_DEFAULTS,
    dim: chooseDim(s),
    epochs: clamp(Math.round(3_000_000 / Math.max(1, s.interactions)), 10, 50),
  };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
