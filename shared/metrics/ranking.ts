// Per-user ranking metrics with binary relevance. `ranked` lists item rows best first (it may be shorter than K:
// missing positions count as misses); `relevant` is the user's held-out items.
//
//   precision@K = hits in the top K / K
//   recall@K    = hits in the top K / |relevant|
//   hitRate@K   = 1 when the top K holds at least one relevant item
//   ndcg@K      = Σ_{hit at position i (0-based)} 1/log2(i + 2)  /  Σ_{i < min(|relevant|, K)} 1/log2(i + 2)
//   AP@K        = Σ_{hit at position i} precision@(i+1)  /  min(|relevant|, K)        (MAP@K is its mean)
// Every metric is 0 for a user with no relevant items.

/** A set of relevant item rows: a `Set<number>` works, as does a stamp-array view (see evaluate.ts). */
export interface Relevant {
  has(item: number): boolean;
  readonly size: number;
}

const hitsAt = (ranked: ArrayLike<number>, relevant: Relevant, k: number): number => {
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) hits++;
  return hits;
};

export function precisionAt(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  if (relevant.size === 0 || k <= 0) return 0;
  return hitsAt(ranked, relevant, k) / k;
}

export function recallAt(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  if (relevant.size === 0 || k <= 0) return 0;
  return hitsAt(ranked, relevant, k) / relevant.size;
}

export function hitRateAt(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  if (relevant.size === 0 || k <= 0) return 0;
  return hitsAt(ranked, relevant, k) > 0 ? 1 : 0;
}

/** Ideal DCG of `n` relevant items at the top; cached, since evaluation asks for the same few values. */
const idcgCache: number[] = [0];
export function idealDcg(n: number): number {
  for (let i = idcgCache.length; i <= n; i++) idcgCache[i] = idcgCache[i - 1]! + 1 / Math.log2(i + 1);
  return idcgCache[n]!;
}

export function ndcgAt(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  if (relevant.size === 0 || k <= 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  return dcg / idealDcg(Math.min(relevant.size, k));
}

export function averagePrecisionAt(ranked: ArrayLike<number>, relevant: Relevant, k: number): number {
  if (relevant.size === 0 || k <= 0) return 0;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    if (!relevant.has(ranked[i]!)) continue;
    hits++;
    sum += hits / (i + 1);
  }
  return sum / Math.min(relevant.size, k);
}
