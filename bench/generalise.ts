// bench:generalise — does `train` without flags get close to the best it can do, on data shaped unlike MovieLens?
// For each set: a per-user random 80/20 split (seed 42); popularity; `train`'s default (`--model auto`: ALS and the
// graph filter searched with train's default budget and judged on a 10% holdout of the 80%, the better refitted;
// `model` says which); `--model als` (ALS's search alone); ALS `--no-tune` (rule defaults); and the best point of an
// offline ALS grid scored on the test split itself (an optimistic ceiling). Prints one JSON object with the machine.
//
// Bounded: every row of a set is scored on the same sample of at most GENERALISE_EVAL_USERS test users (default
// 2000; full ranking over every item), and the grid stops starting fits after GENERALISE_GRID_BUDGET seconds per set
// (default 240; `gridComplete` says whether it finished). Before, every grid point and row scored all 30k users of
// the sparse set over 40k items (~10^11 multiply-adds each), so the run never finished on 2 shared cores.
// The grid: α ∈ rule α × {⅓, 1, 3} × λ ∈ (the rule's λ for that α) × {⅓, 1, 3} at the rule's dim, then the best of
// those at ½ and 2 × dim; GENERALISE_GRID=wide: α × {1/9 … 9}, λ × {1/9 … 3}.
//
// Sets: sparse check-ins (30k users × 40k items, few per user), a dense small catalogue, long-tail music-like
// listening counts, a tiny shop, MovieLens-100k, and Gowalla's train.txt (../shared/data/gowalla/train.txt or
// $EDGEREC_GOWALLA) when GENERALISE_GOWALLA=1. Env: GENERALISE_BUDGET (search seconds per set; default: what
// `train` gives that set), GENERALISE_SETS (comma list), SEED.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import type { Interactions } from "../shared/data/interactions.ts";
import { toCsr } from "../shared/data/csr.ts";
import { randomHoldout } from "../shared/data/split.ts";
import { evaluateRanking } from "../shared/metrics/evaluate.ts";
import { factorScorer } from "../shared/scoring/item-scorer.ts";
import { generateSynthetic } from "../shared/data/synthetic.ts";
import { alsRegularization } from "../trainer/defaults.ts";
import { itemCounts } from "../trainer/models/popularity.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { benchClock, useAlsThreads } from "../trainer/models/als-pool.ts";
import { alsSpace } from "../trainer/search/spaces.ts";
import { statsOf } from "../trainer/train.ts";
import { defaultBudgetSeconds, tunedFit } from "../trainer/tuned-fit.ts";
import { autoFit } from "../trainer/model-choice.ts";
import { evaluateServedGraph } from "../trainer/models/graph/served-eval.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";

const seed = Number(process.env.SEED ?? 42);
const budgetEnv = process.env.GENERALISE_BUDGET;
const wide = process.env.GENERALISE_GRID === "wide";
const evalUsers = Number(process.env.GENERALISE_EVAL_USERS ?? 2000);
const gridBudget = Number(process.env.GENERALISE_GRID_BUDGET ?? 240);
const threads = useAlsThreads();
const t0 = performance.now();

/** Listening counts: repeat plays on a long tail (weights 1…~200, heavy-tailed), so weighting matters. */
function withCounts(d: Interactions, s: number): Interactions {
  let x = s;
  const w = Float32Array.from(d.weights, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.max(1, Math.floor(Math.exp((x / 2 ** 31) * 5.3)));
  });
  return { ...d, weights: w };
}

const gowallaPath = process.env.EDGEREC_GOWALLA ?? resolve(fileURLToPath(import.meta.url), "../../../shared/data/gowalla/train.txt");
const SETS: Record<string, () => Promise<Interactions>> = {
  "sparse-checkins": async () => generateSynthetic({ users: 30_000, items: 40_000, interactionsPerUser: 8, categories: 300, dim: 24, popularitySkew: 0.7, affinity: 5, seed: 11 }),
  "dense-small-catalogue": async () => generateSynthetic({ users: 3_000, items: 300, interactionsPerUser: 60, categories: 10, popularitySkew: 1, affinity: 3, seed: 12 }),
  "long-tail-music": async () => withCounts(generateSynthetic({ users: 2_000, items: 8_000, interactionsPerUser: 40, categories: 40, popularitySkew: 1.3, affinity: 4, seed: 13 }), 13),
  "tiny-shop": async () => generateSynthetic({ users: 40, items: 60, interactionsPerUser: 8, categories: 4, seed: 3 }),
  "ml-100k": async () => (await loadInteractions(ml100kPath())).data,
  gowalla: async () => (await loadInteractions(gowallaPath)).data,
};
const names = (process.env.GENERALISE_SETS ?? `tiny-shop,ml-100k,dense-small-catalogue,long-tail-music,sparse-checkins${process.env.GENERALISE_GOWALLA === "1" && existsSync(gowallaPath) ? ",gowalla" : ""}`).split(",");

const round = (x: number | undefined) => Math.round((x ?? 0) * 1e4) / 1e4;
const pick = (r: Record<string, number>) => ({ "ndcg@10": round(r["ndcg@10"]), "ndcg@20": round(r["ndcg@20"]), "recall@20": round(r["recall@20"]) });

const rows: Record<string, unknown>[] = [];
for (const name of names) {
  const load = SETS[name];
  if (!load) throw new Error(`unknown set '${name}'; expected one of: ${Object.keys(SETS).join(", ")}`);
  const setStarted = performance.now();
  const data = await load();
  const { train, test } = randomHoldout(data, { testFraction: 0.2, seed });
  const stats = statsOf(train);
  const budget = budgetEnv !== undefined ? Number(budgetEnv) : defaultBudgetSeconds(stats.interactions);
  const trainCsr = toCsr(train);
  const testCsr = toCsr(test);
  const users = sampleUsers(testCsr.indptr, evalUsers);
  const score = (f: { dim: number; userFactors: Float32Array; itemFactors: Float32Array }) =>
    pick(evaluateRanking({ train: trainCsr, test: testCsr, ks: [10, 20], users, scoreUser: factorScorer(f) }));
  const row: Record<string, unknown> = { set: name, ...stats, evaluatedUsers: users.length };
  const counts = itemCounts(trainCsr);
  row.popularity = pick(evaluateRanking({ train: trainCsr, test: testCsr, ks: [10, 20], users, scoreUser: (_u, out) => out.set(counts) }));

  // `train` without flags: --model auto (ALS and the graph filter judged on a 10% holdout, the better refitted).
  let s = performance.now();
  const auto = await autoFit(train, { tune: true, holdout: 0.1, budgetSeconds: budget, clock: benchClock(threads), seed, log: () => {}, hooks: () => ({}) });
  const candidates = Object.fromEntries(auto.candidates.map((c) => [c.model, round(c.metrics["ndcg@20"])]));
  row.defaults = { model: auto.model, ...pick(evaluateServedGraph(train, test, auto.final, [10, 20], users)), trainSeconds: round((performance.now() - s) / 1000), budget, holdoutNdcg20: candidates, point: auto.point };
  progress(name, "defaults", row.defaults);

  // `train --model als`: ALS's own search with the whole budget (the grid below is ALS's).
  s = performance.now();
  const tuned = await tunedFit(train, { model: "als", pinned: {}, tune: true, holdout: 0, budgetSeconds: budget, clock: benchClock(threads), seed });
  row.als = { ...score(tuned.final), trainSeconds: round((performance.now() - s) / 1000), budget, point: tuned.point, fits: tuned.search?.trials.length, outOfBudget: tuned.search?.outOfBudget };
  progress(name, "als", row.als);

  s = performance.now();
  const rule = alsSpace.start(stats, train);
  const ruleModel = await alsSpace.fit(train, { ...rule, seed }, {}, true);
  row.noTune = { ...score(ruleModel), trainSeconds: round((performance.now() - s) / 1000), point: rule };
  progress(name, "noTune", row.noTune);

  // The grid: α × λ (around the rule's λ for that α) at the rule's dim, then the best at ½ and 2 × dim; each at
  // 15 iterations, scored on test. New fits stop after gridBudget seconds.
  s = performance.now();
  const ruleAlpha = Number(rule.alpha);
  const alphaMults = wide ? [1 / 9, 1 / 3, 1, 3, 9] : [1 / 3, 1, 3];
  const lambdaMults = wide ? [1 / 9, 1 / 3, 1, 3] : [1 / 3, 1, 3];
  let best: { score: ReturnType<typeof pick>; point: Record<string, unknown> } | null = null;
  let fits = 0;
  let complete = true;
  const tryPoint = async (point: Record<string, string | number>) => {
    if ((performance.now() - s) / 1000 > gridBudget) return (complete = false);
    const r = score(await alsSpace.fit(train, point, {}, true));
    fits++;
    if (!best || r["ndcg@20"] > best.score["ndcg@20"]) best = { score: r, point };
    return true;
  };
  const dim = Number(rule.dim);
  for (const am of alphaMults) {
    const alpha = Number((ruleAlpha * am).toPrecision(2));
    for (const m of lambdaMults) {
      await tryPoint({ ...rule, alpha, dim, regularization: Number((alsRegularization(stats, alpha) * m).toPrecision(3)), iterations: 15, seed });
    }
  }
  const centre = (best as { point: Record<string, string | number> } | null)?.point;
  if (centre) for (const d of [Math.max(8, Math.round(dim / 2)), dim * 2]) await tryPoint({ ...centre, dim: d });
  const b = best as { score: ReturnType<typeof pick>; point: Record<string, unknown> } | null;
  row.gridBest = { ...(b?.score ?? {}), point: b?.point, fits, gridComplete: complete, seconds: round((performance.now() - s) / 1000) };
  const g = b?.score["ndcg@20"] ?? 0;
  row.defaultsGapNdcg20 = g > 0 ? round(((row.defaults as { "ndcg@20": number })["ndcg@20"] - g) / g) : 0;
  row.alsGapNdcg20 = g > 0 ? round(((row.als as { "ndcg@20": number })["ndcg@20"] - g) / g) : 0;
  row.setSeconds = round((performance.now() - setStarted) / 1000);
  rows.push(row);
  process.stderr.write(`generalise: ${JSON.stringify(row)}\n`);
}

console.log(JSON.stringify({
  bench: "generalise",
  split: "per-user random 80/20",
  seed,
  searchBudgetSeconds: budgetEnv !== undefined ? Number(budgetEnv) : "train's default (10 min per 1M interactions, 2–10 min)",
  grid: wide ? "wide" : "default",
  gridBudgetSeconds: gridBudget,
  evalUsers,
  threads,
  sets: rows,
  totalSeconds: round((performance.now() - t0) / 1000),
  summary: rows.map((r) => ({ set: r.set, popularity: (r.popularity as { "ndcg@20": number })["ndcg@20"], defaults: (r.defaults as { "ndcg@20": number })["ndcg@20"], chose: (r.defaults as { model: string }).model, als: (r.als as { "ndcg@20": number })["ndcg@20"], noTune: (r.noTune as { "ndcg@20": number })["ndcg@20"], gridBest: (r.gridBest as { "ndcg@20"?: number })["ndcg@20"], gap: r.defaultsGapNdcg20, defaultsSeconds: (r.defaults as { trainSeconds: number }).trainSeconds })),
  meanGapNdcg20: round(rows.reduce((a, r) => a + Number(r.defaultsGapNdcg20), 0) / Math.max(1, rows.length)),
  meanAlsGapNdcg20: round(rows.reduce((a, r) => a + Number(r.alsGapNdcg20), 0) / Math.max(1, rows.length)),
  note: "ndcg@20 on a sample of test users; wall-clock on a shared machine (loaded); gridBest is scored on the test split (an optimistic ceiling), defaults never see it",
  machine: machine(),
}));

function progress(set: string, what: string, r: unknown): void {
  process.stderr.write(`generalise ${set} ${what}: ${JSON.stringify(r)} (${round((performance.now() - t0) / 1000)}s)\n`);
}

/** An even spread of at most `max` users with held-out items. */
function sampleUsers(indptr: Int32Array, max: number): Int32Array {
  const withTest: number[] = [];
  for (let u = 0; u + 1 < indptr.length; u++) if (indptr[u + 1]! > indptr[u]!) withTest.push(u);
  if (max <= 0 || max >= withTest.length) return Int32Array.from(withTest);
  const step = withTest.length / max;
  return Int32Array.from({ length: max }, (_, i) => withTest[Math.floor(i * step)]!);
}
