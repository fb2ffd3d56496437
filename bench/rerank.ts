// bench:rerank — the ranking stage as the widget runs it (web/widget/local-ranker.ts → shared/ranking/rerank.ts), on a
// 10k-item catalogue × 64 dims with planted categories, for a visitor with three clicks. Median of RUNS each:
// Each figure is {medianMs, minMs}:
//   rerank10kMmr          the widget's re-rank (LocalRanker.rerankPool: MMR similarity updates on the wasm SIMD
//                         scorer) over all 10,000 items as the candidate pool, diversity 0.5, count 10
//   rerank10kMmrJsLazy    the same in plain JS with lazy updates (what runs without wasm SIMD)
//   rerank10kMmrCaps      the same with maxPerCategory 2 and a boost rule
//   rankPlain             LocalRanker.rank: fold-in, score every item, top 10 (no re-ranking), for reference
//   rankMmrPool1000       LocalRanker.rank with diversity 0.5 over the largest pool a request may ask for (1000)
// Node's V8 (the engine of Chromium); the machine is shared, so wall-clock figures are noisy.

import { decodeItemsJson } from "../shared/artifact/reader.ts";
import { decodePack } from "../shared/artifact/pack.ts";
import { rerank } from "../shared/ranking/rerank.ts";
import { topK } from "../shared/scoring/topk.ts";
import { makeShopArtifact } from "../e2e/fixtures/widget/make-artifact.ts";
import { LocalRanker } from "../web/widget/local-ranker.ts";
import { machine } from "./machine.ts";

const ITEMS = Number(process.env.RERANK_BENCH_ITEMS ?? 10_000);
const DIM = 64;
const RUNS = Number(process.env.RERANK_BENCH_RUNS ?? 50);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** Median and minimum (the least disturbed run: this machine's cores are shared) of RUNS timed calls. */
function time(fn: () => unknown): { medianMs: number; minMs: number } {
  for (let i = 0; i < 5; i++) fn(); // warm-up (JIT)
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return { medianMs: round(median(t)), minMs: round(Math.min(...t)) };
}

const a = await makeShopArtifact({ items: ITEMS, dim: DIM, seed: 5 });
const vectors = decodePack(a.files.get("items.bin")!);
const gram = decodePack(a.files.get("gram.bin")!);
const items = decodeItemsJson(a.files.get("items.json")!);
const ranker = new LocalRanker(items, vectors, gram, { method: "als", alpha: 4, regularization: 0.1 }, null, "wasm-simd");
const history = a.items.filter((_, row) => a.categoryOf[row] === 1).slice(0, 3).map((i) => ({ itemId: i.id, type: "click" as const }));

// The full catalogue as the candidate pool, best first (what rerank receives after retrieval).
const user = ranker.rank(history, 1);
const v = ranker.itemVectors;
const scores = new Float32Array(ITEMS);
const probe = vectors.data.subarray(user.items[0]!.row * DIM, (user.items[0]!.row + 1) * DIM);
for (let r = 0; r < ITEMS; r++) {
  let s = 0;
  for (let d = 0; d < DIM; d++) s += v[r * DIM + d]! * probe[d]!;
  scores[r] = s;
}
const pool = topK(scores, ITEMS);
const ctx = { vectors: v, dim: DIM, items };
const cat = items[pool.rows[0]!]!.categories?.[0] ?? "none";

const out = {
  rerank10kMmr: time(() => ranker.rerankPool(pool.rows, pool.scores, 10, { diversity: 0.5 })),
  rerank10kMmrJsLazy: time(() => rerank(ctx, pool.rows, pool.scores, 10, { diversity: 0.5 })),
  rerank10kMmrCaps: time(() => ranker.rerankPool(pool.rows, pool.scores, 10, { diversity: 0.5, maxPerCategory: 2, boost: [{ if: { category: cat }, by: 0.1 }] })),
  rankPlain: time(() => ranker.rank(history, 10)),
  rankMmrPool1000: time(() => ranker.rank(history, 10, { diversity: 0.5, pool: 1000 })),
  loadAverage: (await import("node:os")).loadavg().map((x) => Math.round(x * 10) / 10),
  setup: { items: ITEMS, dim: DIM, runs: RUNS, count: 10, scorer: ranker.scorerKind, engine: `V8 ${process.versions.v8}` },
  machine: machine(),
};
process.stdout.write(JSON.stringify(out) + "\n");
