// bench:generalise — does `train` without flags get close to the best its model family can do, on data shaped
// unlike MovieLens? For each set: a per-user random 80/20 split (seed 42); popularity; `train`'s default (the
// search with its budget, on the 80% only); `--no-tune` (rule defaults); and the best point of a wide offline grid
// scored on the test split itself (an optimistic ceiling). Prints one JSON object with the machine.
//
// Sets: sparse check-ins (30k users × 40k items, few per user), a dense small catalogue, long-tail music-like
// listening counts, a tiny shop, MovieLens-100k, and Gowalla's train.txt (../shared/data/gowalla/train.txt or
// $EDGEREC_GOWALLA) when GENERALISE_GOWALLA=1. Env: GENERALISE_BUDGET (search seconds per set, default 60),
// GENERALISE_GRID=wide (4 α × 5 λ × 2 dims instead of 3 × 3 × 1), GENERALISE_SETS (comma list), SEED.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import type { Interactions } from "../shared/data/interactions.ts";
import { randomHoldout } from "../shared/data/split.ts";
import { generateSynthetic } from "../shared/data/synthetic.ts";
import { alsRegularization } from "../trainer/defaults.ts";
import { evaluateFactors, evaluatePopularity } from "../trainer/evaluate-model.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { useAlsThreads } from "../trainer/models/als-pool.ts";
import { alsSpace } from "../trainer/search/spaces.ts";
import { statsOf } from "../trainer/train.ts";
import { tunedFit } from "../trainer/tuned-fit.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";

const seed = Number(process.env.SEED ?? 42);
const budget = Number(process.env.GENERALISE_BUDGET ?? 60);
const wide = process.env.GENERALISE_GRID === "wide";
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
const names = (process.env.GENERALISE_SETS ?? `sparse-checkins,dense-small-catalogue,long-tail-music,tiny-shop,ml-100k${process.env.GENERALISE_GOWALLA === "1" && existsSync(gowallaPath) ? ",gowalla" : ""}`).split(",");

const round = (x: number | undefined) => Math.round((x ?? 0) * 1e4) / 1e4;
const pick = (r: Record<string, number>) => ({ "ndcg@10": round(r["ndcg@10"]), "ndcg@20": round(r["ndcg@20"]), "recall@20": round(r["recall@20"]) });

const rows: Record<string, unknown>[] = [];
for (const name of names) {
  const load = SETS[name];
  if (!load) throw new Error(`unknown set '${name}'; expected one of: ${Object.keys(SETS).join(", ")}`);
  const data = await load();
  const { train, test } = randomHoldout(data, { testFraction: 0.2, seed });
  const stats = statsOf(train);
  const row: Record<string, unknown> = { set: name, ...stats };
  row.popularity = pick(evaluatePopularity(train, test));

  let s = performance.now();
  const tuned = await tunedFit(train, { model: "als", pinned: {}, tune: true, holdout: 0, budgetSeconds: budget, seed });
  row.defaults = { ...pick(evaluateFactors(train, test, tuned.final)), trainSeconds: round((performance.now() - s) / 1000), point: tuned.point, fits: tuned.search?.trials.length };

  s = performance.now();
  const rule = alsSpace.start(stats, train);
  const ruleModel = await alsSpace.fit(train, { ...rule, seed }, {}, true);
  row.noTune = { ...pick(evaluateFactors(train, test, ruleModel)), trainSeconds: round((performance.now() - s) / 1000), point: rule };

  // The grid: α × λ (around the rule's λ for that α) × dim, each at the rule's iterations, scored on test.
  s = performance.now();
  const alphas = wide ? [0.5, 2, 8, 32] : [1, 4, 16];
  const lambdaMults = wide ? [1 / 9, 1 / 3, 1, 3, 9] : [1 / 3, 1, 3];
  const dims = wide ? [Number(rule.dim), Number(rule.dim) * 2] : [Number(rule.dim)];
  let best: { score: Record<string, number>; point: Record<string, unknown> } | null = null;
  for (const alpha of alphas) {
    for (const m of lambdaMults) {
      for (const dim of dims) {
        const point = { ...rule, alpha, dim, regularization: Number((alsRegularization(stats, alpha) * m).toPrecision(3)), iterations: 15, seed };
        const r = pick(evaluateFactors(train, test, await alsSpace.fit(train, point, {}, true)));
        if (!best || r["ndcg@20"] > best.score["ndcg@20"]!) best = { score: r, point };
      }
    }
  }
  row.gridBest = { ...best!.score, point: best!.point, fits: alphas.length * lambdaMults.length * dims.length, seconds: round((performance.now() - s) / 1000) };
  const g = best!.score["ndcg@20"]!;
  row.defaultsGapNdcg20 = g > 0 ? round(((row.defaults as { "ndcg@20": number })["ndcg@20"] - g) / g) : 0;
  rows.push(row);
  process.stderr.write(`generalise: ${JSON.stringify(row)}\n`);
}

console.log(JSON.stringify({
  bench: "generalise",
  split: "per-user random 80/20",
  seed,
  searchBudgetSeconds: budget,
  grid: wide ? "wide" : "default",
  threads,
  sets: rows,
  totalSeconds: round((performance.now() - t0) / 1000),
  note: "wall-clock on a shared machine; gridBest is scored on the test split (an optimistic ceiling), defaults never see it",
  machine: machine(),
}));
