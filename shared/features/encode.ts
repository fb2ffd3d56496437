// Turns item and user metadata into model inputs, the same way in training (Node or browser) and at the edge (a
// new item PUT): text is tokenised (Unicode letters/digits, lower-cased) and every token, category and numeric bin
// is hashed (FNV-1a, 32 bit) into a fixed number of buckets, so there is no vocabulary to ship and an unseen word
// still lands somewhere. Numbers are standardised with the training catalogue's mean and deviation (clipped to ±5)
// and also bucketed by its quantiles, so a tower can learn non-linear effects of price or year.

import type { ItemMeta, UserMeta } from "../data/interactions.ts";

export interface NumericStat {
  name: string;
  mean: number;
  std: number;
  /** Quantile edges (ascending); a value's bin is the number of edges ≤ it. */
  edges: number[];
}

/** Everything needed to encode features again: saved in model.json with the weights. */
export interface FeatureSpec {
  buckets: number;
  /** Tokens per input kept (longer texts are cut): the padded width of the token matrix. */
  maxTokens: number;
  itemNumbers: NumericStat[];
  userNumbers: NumericStat[];
}

export interface Encoded {
  /** Bucket per token, then its weight (1/√n over the row's tokens); padded with bucket 0, weight 0. */
  tokens: Int32Array;
  weights: Float32Array;
  /** Standardised numbers, one per NumericStat (0 when missing). */
  numeric: Float32Array;
}

const NUMBER_BINS = 8;
const TOKEN_RE = /[\p{L}\p{N}]+/gu;

export function tokenise(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(TOKEN_RE)) if (m[0].length >= 2 || /\d/.test(m[0])) out.push(m[0]);
  return out;
}

/** FNV-1a over the UTF-16 code units of `s`, as an unsigned 32-bit integer. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Bucket 0 is padding; features hash into 1..buckets-1. */
export const bucketOf = (key: string, buckets: number): number => 1 + (fnv1a(key) % (buckets - 1));

export function fitFeatureSpec(items: Iterable<ItemMeta | undefined>, users: Iterable<UserMeta | undefined>, buckets = 1 << 14, maxTokens = 48): FeatureSpec {
  return { buckets, maxTokens, itemNumbers: numericStats(items), userNumbers: numericStats(users) };
}

function numericStats(metas: Iterable<{ numbers?: Record<string, number> } | undefined>): NumericStat[] {
  const values = new Map<string, number[]>();
  for (const m of metas) for (const [k, v] of Object.entries(m?.numbers ?? {})) if (Number.isFinite(v)) (values.get(k) ?? values.set(k, []).get(k)!).push(v);
  const out: NumericStat[] = [];
  for (const [name, vs] of [...values].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const mean = vs.reduce((s, v) => s + v, 0) / vs.length;
    const std = Math.sqrt(vs.reduce((s, v) => s + (v - mean) ** 2, 0) / vs.length) || 1;
    const sorted = Float64Array.from(vs).sort();
    const edges: number[] = [];
    for (let b = 1; b < NUMBER_BINS; b++) {
      const e = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / NUMBER_BINS))]!;
      if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
    }
    out.push({ name, mean, std, edges });
  }
  return out;
}

export function encodeItem(meta: ItemMeta | undefined, spec: FeatureSpec): Encoded {
  const keys: string[] = [];
  for (const t of tokenise(meta?.title ?? "")) keys.push(`t:${t}`);
  for (const c of meta?.categories ?? []) keys.push(`c:${c}`);
  for (const t of tokenise(meta?.description ?? "")) keys.push(`d:${t}`);
  return encodeKeys(keys, meta?.numbers, spec.itemNumbers, spec);
}

export function encodeUser(meta: UserMeta | undefined, spec: FeatureSpec): Encoded {
  return encodeKeys((meta?.categories ?? []).map((c) => `c:${c}`), meta?.numbers, spec.userNumbers, spec);
}

function encodeKeys(keys: string[], numbers: Record<string, number> | undefined, stats: NumericStat[], spec: FeatureSpec): Encoded {
  const numeric = new Float32Array(stats.length);
  const binKeys: string[] = [];
  stats.forEach((s, k) => {
    const v = numbers?.[s.name];
    if (v === undefined || !Number.isFinite(v)) return;
    numeric[k] = Math.max(-5, Math.min(5, (v - s.mean) / s.std));
    let bin = 0;
    while (bin < s.edges.length && v >= s.edges[bin]!) bin++;
    binKeys.push(`n:${s.name}:${bin}`);
  });
  // Numeric bins first: a long text is what gets cut, never a number.
  const unique = [...new Set([...binKeys, ...keys])].slice(0, spec.maxTokens);
  const tokens = new Int32Array(spec.maxTokens);
  const weights = new Float32Array(spec.maxTokens);
  const w = unique.length > 0 ? 1 / Math.sqrt(unique.length) : 0;
  unique.forEach((key, k) => {
    tokens[k] = bucketOf(key, spec.buckets);
    weights[k] = w;
  });
  return { tokens, weights, numeric };
}
