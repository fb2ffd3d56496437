// Offline evaluation of a trained model (or the popularity baseline) on a held-out split: full ranking over every
// item, the user's train items excluded, metrics from shared/metrics.

import { toCsr } from "../shared/data/csr.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { type EvaluateOptions, evaluateRanking, type RankingReport } from "../shared/metrics/evaluate.ts";
import { itemCounts } from "./models/popularity.ts";
import { pairedGain } from "../shared/experiments/stats.ts";
import { factorScorer } from "../shared/scoring/item-scorer.ts";

export interface Factors {
  dim: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** `train` and `test` must share IdMaps (as the splits in shared/data/split.ts do). */
export function evaluateFactors(train: Interactions, test: Interactions, model: Factors, ks = [10, 20], onUser?: EvaluateOptions["onUser"]): RankingReport {
  return evaluateRanking({ train: toCsr(train), test: toCsr(test), ks, scoreUser: factorScorer(model), ...(onUser ? { onUser } : {}) });
}

/** Collects one metric per evaluated user (by user row), for a paired comparison of two models. */
export function perUser(metric: string): { values: Map<number, number>; onUser: NonNullable<EvaluateOptions["onUser"]> } {
  const values = new Map<number, number>();
  return { values, onUser: (u, m) => void values.set(u, m(metric)) };
}

/** `b` against `a` over the users both scored (pairedGain), and how many those were. */
export function pairedOverUsers(a: Map<number, number>, b: Map<number, number>): { mean: number; z: number; users: number } {
  const both = [...b.keys()].filter((u) => a.has(u));
  return { ...pairedGain(both.map((u) => a.get(u)!), both.map((u) => b.get(u)!)), users: both.length };
}

export function evaluatePopularity(train: Interactions, test: Interactions, ks = [10, 20]): RankingReport {
  const byUser = toCsr(train);
  const counts = itemCounts(byUser);
  return evaluateRanking({ train: byUser, test: toCsr(test), ks, scoreUser: (_u, out) => out.set(counts) });
}

/** The metrics worth a manifest: rounded, without the user count. */
export function headlineMetrics(r: RankingReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (k !== "users") out[k] = Math.round(v * 1e4) / 1e4;
  return out;
}
