// The validation side of the search: a per-user holdout carved from the training data, and a scorer over a sample of
// its users (full ranking, training items excluded), cheap enough to run after every epoch.

import { toCsr, type Csr } from "../../shared/data/csr.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { randomHoldout, type Split } from "../../shared/data/split.ts";
import { evaluateRanking } from "../../shared/metrics/evaluate.ts";
import { Rng } from "../../shared/random.ts";
import { itemCounts } from "../models/popularity.ts";
import { factorScorer } from "../../shared/scoring/item-scorer.ts";

export interface Validation {
  split: Split;
  /** Sampled user rows with ≥ 1 validation item. */
  users: Int32Array;
  score(f: { dim: number; userFactors: Float32Array; itemFactors: Float32Array }): Record<string, number>;
  popularity(): Record<string, number>;
}

export const SEARCH_METRIC = "ndcg@20";

/**
 * Holds out `fraction` of each user's interactions and samples up to `maxUsers` of the users that have any (by
 * default about 1e8 / items, 500 to 5000: one scoring pass then costs about 1e8 multiply-adds per dimension).
 */
export function carveValidation(data: Interactions, seed: number, fraction = 0.1, maxUsers?: number): Validation {
  const split = randomHoldout(data, { testFraction: fraction, seed });
  const train = toCsr(split.train);
  const test = toCsr(split.test);
  const limit = maxUsers ?? Math.round(Math.min(5000, Math.max(500, 1e8 / Math.max(1, data.itemIds.size))));
  const users = sampleUsers(test, limit, seed);
  const ks = [10, 20];
  return {
    split,
    users,
    score: (model) => evaluateRanking({ train, test, ks, users, scoreUser: factorScorer(model) }),
    popularity: () => {
      const counts = itemCounts(train);
      return evaluateRanking({ train, test, ks, users, scoreUser: (_u, out) => out.set(counts) });
    },
  };
}

function sampleUsers(test: Csr, limit: number, seed: number): Int32Array {
  const all: number[] = [];
  for (let u = 0; u < test.rows; u++) if (test.indptr[u + 1]! > test.indptr[u]!) all.push(u);
  if (all.length <= limit) return Int32Array.from(all);
  const rng = new Rng(seed + 7);
  for (let i = 0; i < limit; i++) {
    const j = i + rng.int(all.length - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return Int32Array.from(all.slice(0, limit)).sort();
}
