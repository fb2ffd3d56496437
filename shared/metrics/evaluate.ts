// Full-ranking offline evaluation: for each user with held-out items, score every item, drop the user's train
// items, take the top K (shared/scoring/topk.ts) and average the per-user metrics of ranking.ts. Catalog
// coverage@K is the share of all items that appear in at least one evaluated user's top K.

import { EdgerecError } from "../errors.ts";
import type { Csr } from "../data/csr.ts";
import { topK } from "../scoring/topk.ts";
import { averagePrecisionAt, hitRateAt, ndcgAt, precisionAt, recallAt, type Relevant } from "./ranking.ts";

export interface EvaluateOptions {
  train: Csr;
  test: Csr;
  /** Cut-offs, e.g. [10, 20]. */
  ks: number[];
  /** Writes the user's score for every item (length = item count) into `out`. */
  scoreUser: (user: number, out: Float32Array) => void;
  /** Only these users (rows); default every user with ≥ 1 test item. */
  users?: ArrayLike<number>;
  /** Called once per evaluated user with that user's value of each metric (`metric("ndcg@20")`), for paired tests. */
  onUser?: (user: number, metric: (name: string) => number) => void;
}

/** Flat record: `ndcg@K`, `recall@K`, `precision@K`, `map@K`, `hitRate@K`, `coverage@K` per K, and `users`. */
export type RankingReport = Record<string, number> & { users: number };

/** Marks the relevant items of the current user in a stamp array, so `has` is one comparison. */
class StampSet implements Relevant {
  private readonly stamp: Int32Array;
  private current = 0;
  size = 0;
  constructor(n: number) {
    this.stamp = new Int32Array(n);
  }
  reset(items: Int32Array, from: number, to: number): void {
    this.current++;
    for (let p = from; p < to; p++) this.stamp[items[p]!] = this.current;
    this.size = to - from;
  }
  has(item: number): boolean {
    return this.stamp[item] === this.current;
  }
}

const METRICS = [
  ["ndcg", ndcgAt],
  ["recall", recallAt],
  ["precision", precisionAt],
  ["map", averagePrecisionAt],
  ["hitRate", hitRateAt],
] as const;

export function evaluateRanking(options: EvaluateOptions): RankingReport {
  const { train, test, scoreUser } = options;
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new EdgerecError(
      "bad_option",
      `train (${train.rows}×${train.cols}) and test (${test.rows}×${test.cols}) must have the same users and items`,
    );
  }
  const ks = [...new Set(options.ks)].sort((a, b) => a - b);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new EdgerecError("bad_option", `ks must be positive integers, got ${options.ks.join(",")}`);
  }
  const maxK = ks[ks.length - 1]!;
  const items = test.cols;
  const scores = new Float32Array(items);
  const relevant = new StampSet(items);
  const seen = new StampSet(items);
  const covered = ks.map(() => new Uint8Array(items));
  const sums = new Float64Array(ks.length * METRICS.length);
  const values = new Float64Array(sums.length);
  const slot = new Map<string, number>();
  for (let a = 0; a < ks.length; a++) for (let m = 0; m < METRICS.length; m++) slot.set(`${METRICS[m]![0]}@${ks[a]}`, a * METRICS.length + m);
  const metric = (name: string): number => {
    const i = slot.get(name);
    if (i === undefined) throw new EdgerecError("bad_option", `no metric '${name}'; expected one of: ${[...slot.keys()].join(", ")}`);
    return values[i]!;
  };
  let users = 0;
  const candidates = options.users ?? rangeOf(test.rows);
  for (let c = 0; c < candidates.length; c++) {
    const u = candidates[c]!;
    const from = test.indptr[u]!;
    const to = test.indptr[u + 1]!;
    if (to === from) continue;
    users++;
    relevant.reset(test.indices, from, to);
    seen.reset(train.indices, train.indptr[u]!, train.indptr[u + 1]!);
    scoreUser(u, scores);
    const { rows } = topK(scores, maxK, (row) => seen.has(row));
    for (let a = 0; a < ks.length; a++) {
      const k = ks[a]!;
      const cov = covered[a]!;
      for (let i = 0; i < Math.min(k, rows.length); i++) cov[rows[i]!] = 1;
      for (let m = 0; m < METRICS.length; m++) sums[a * METRICS.length + m]! += values[a * METRICS.length + m] = METRICS[m]![1](rows, relevant, k);
    }
    options.onUser?.(u, metric);
  }
  const report: Record<string, number> = {};
  for (let m = 0; m < METRICS.length; m++) {
    for (let a = 0; a < ks.length; a++) {
      report[`${METRICS[m]![0]}@${ks[a]}`] = users > 0 ? sums[a * METRICS.length + m]! / users : 0;
    }
  }
  for (let a = 0; a < ks.length; a++) {
    let distinct = 0;
    for (const v of covered[a]!) distinct += v;
    report[`coverage@${ks[a]}`] = items > 0 ? distinct / items : 0;
  }
  return Object.assign(report, { users });
}

function rangeOf(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
