// bench:graph — the graph-filter model against ALS and BPR (repo defaults, chosen by rule) on Gowalla (the LightGCN
// training file; our own per-user random 80/20 validation split of it, seed 42) and MovieLens-100k (the
// bench:quality split). Recall@20 / NDCG@20 with full ranking and train items excluded, and training seconds.
// Gowalla is scored on an even sample of EVAL_USERS users (default 5000; 0 = all) to bound the run time; each
// iterative model stops after MODEL_BUDGET_S seconds (default 900, reported as stoppedEarly). With the graph model
// further rows, "graph+itemItem", score it as served with its sparse item–item term (neighbours.bin; the scorer the
// edge and `recommend` run, shared/scoring/neighbour-scorer.ts): GF-CF's linear filter cut to the top k per item for
// each k in NEIGHBOURS (default 50, the served default; "" skips), quantised to NEIGHBOUR_VALUE_BYTES (1 = u8, default; 2 = u16), at each
// dense weight in LOW_PASS_WEIGHT (default 0.5), with the file's size. The graph row itself is the dense part alone.
// DATASETS=ml-100k,gowalla picks the datasets. Prints one JSON object.
//   EDGEREC_GOWALLA=path/train.txt EVAL_USERS=5000 MODELS=als,bpr,graph DATASETS=ml-100k,gowalla npm run bench:graph
//   EVAL_USERS=1000 MODELS=graph DATASETS=gowalla NEIGHBOURS=50,100,200 NEIGHBOUR_VALUE_BYTES=1,2 npm run bench:graph

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { toCsr } from "../shared/data/csr.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { randomHoldout } from "../shared/data/split.ts";
import { evaluateRanking } from "../shared/metrics/evaluate.ts";
import { factorScorer } from "../shared/scoring/item-scorer.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { itemNeighbours, truncateRows } from "../trainer/models/graph/neighbours.ts";
import { encodeNeighbours, quantiseNeighbours } from "../shared/artifact/neighbours.ts";
import { NeighbourScorer } from "../shared/scoring/neighbour-scorer.ts";
import type { TrainedModel } from "../trainer/models/types.ts";
import { normalisedCsr, resolveParams, statsOf, trainModel, type TrainableModel } from "../trainer/train.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";

const seed = 42;
const evalUsers = Number(process.env.EVAL_USERS ?? 5000);
const budget = Number(process.env.MODEL_BUDGET_S ?? 900);
const models = (process.env.MODELS ?? "als,bpr,graph").split(",") as TrainableModel[];
const list = (v: string) => v.split(",").filter(Boolean).map(Number);
const neighbours = list(process.env.NEIGHBOURS ?? "50").filter((k) => k > 0);
const lowPassWeights = list(process.env.LOW_PASS_WEIGHT ?? "0.5");
const valueWidths = list(process.env.NEIGHBOUR_VALUE_BYTES ?? "1") as (1 | 2)[];
const wanted = (process.env.DATASETS ?? "ml-100k,gowalla").split(",");
const gowalla = process.env.EDGEREC_GOWALLA ?? resolve(fileURLToPath(import.meta.url), "../../../shared/data/gowalla/train.txt");
const round = (x: number) => Math.round(x * 1e4) / 1e4;

async function benchDataset(name: string, path: string, maxUsers: number): Promise<Record<string, unknown>> {
  const { data } = await loadInteractions(path);
  const { train, test } = randomHoldout(data, { testFraction: 0.2, seed });
  const users = sampleUsers(test, maxUsers);
  const rows: Record<string, unknown>[] = [];
  for (const model of models) {
    let stoppedEarly = false;
    const m = await trainModel(model, train, { seed, ...(model === "graph" ? { graph: { neighbours: 0 } } : {}) }, {
      onEpoch: (r) => {
        process.stderr.write(`${name} ${model} epoch ${r.epoch}/${r.epochs} ${r.seconds.toFixed(0)}s\n`);
        if (r.seconds > budget && r.epoch < r.epochs) return (stoppedEarly = true), "stop";
        return undefined;
      },
    });
    const r = evaluateRanking({
      train: toCsr(train),
      test: toCsr(test),
      ks: [20],
      users,
      scoreUser: factorScorer(m),
    });
    rows.push({
      model,
      "recall@20": round(r["recall@20"]!),
      "ndcg@20": round(r["ndcg@20"]!),
      trainSeconds: round(m.seconds),
      ...(stoppedEarly ? { stoppedEarly } : {}),
      params: model === "graph" ? m.params : resolveParams(model, statsOf(train), { seed }),
    });
    process.stderr.write(`${name} ${model}: ${JSON.stringify(rows.at(-1))}\n`);
    if (model === "graph" && neighbours.length > 0) {
      rows.push(...itemItemRows(train, test, users, m));
    }
  }
  return { dataset: name, ...statsOf(data), evaluatedUsers: users.length, models: rows };
}

/**
 * The served scorer with the sparse term (shared/scoring/neighbour-scorer.ts, as the edge and `recommend` score):
 * one G at the largest NEIGHBOURS, cut to each k, quantised to each NEIGHBOUR_VALUE_BYTES, at each LOW_PASS_WEIGHT.
 */
function itemItemRows(train: Interactions, test: Interactions, users: Int32Array, m: TrainedModel): Record<string, unknown>[] {
  const t0 = performance.now();
  const { byUser, byItem } = normalisedCsr(train, "binary");
  const full = itemNeighbours(byUser, byItem, Math.max(...neighbours));
  const gSeconds = (performance.now() - t0) / 1000;
  const { offset, exponent } = m.foldIn as { offset: number; exponent: number };
  const out: Record<string, unknown>[] = [];
  for (const k of neighbours) {
    const g = truncateRows(full, k);
    for (const valueBytes of valueWidths) {
      const list = quantiseNeighbours(g, valueBytes);
      for (const denseWeight of lowPassWeights) {
        const scorer = new NeighbourScorer(list, { denseWeight, offset, exponent });
        const dense = factorScorer(m);
        const r = evaluateRanking({
          train: toCsr(train),
          test: toCsr(test),
          ks: [20],
          users,
          scoreUser: (u, out) => {
            dense(u, out);
            scorer.scoreAllInto(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!), out);
          },
        });
        out.push({
          model: "graph+itemItem",
          "recall@20": round(r["recall@20"]!),
          "ndcg@20": round(r["ndcg@20"]!),
          trainSeconds: round(m.seconds + gSeconds),
          served: true,
          params: { neighbours: k, denseWeight, valueBytes, entries: list.columns.length, fileBytes: encodeNeighbours(list).byteLength },
        });
        process.stderr.write(`graph+itemItem: ${JSON.stringify(out.at(-1))}\n`);
      }
    }
  }
  return out;
}

/** An even spread of up to `max` users with held-out items (all when max is 0). */
function sampleUsers(test: Interactions, max: number): Int32Array {
  const t = toCsr(test);
  const withTest: number[] = [];
  for (let u = 0; u < t.rows; u++) if (t.indptr[u + 1]! > t.indptr[u]!) withTest.push(u);
  if (max <= 0 || max >= withTest.length) return Int32Array.from(withTest);
  const step = withTest.length / max;
  return Int32Array.from({ length: max }, (_, i) => withTest[Math.floor(i * step)]!);
}

const datasets: Record<string, unknown>[] = [];
if (wanted.includes("ml-100k")) datasets.push(await benchDataset("ml-100k", ml100kPath(), 0));
if (!wanted.includes("gowalla")) process.stderr.write("Gowalla skipped (DATASETS)\n");
else if (existsSync(gowalla)) datasets.push(await benchDataset("gowalla (own split of the LightGCN train.txt)", gowalla, evalUsers));
else process.stderr.write(`Gowalla not found at ${gowalla}; set EDGEREC_GOWALLA\n`);
console.log(
  JSON.stringify({
    bench: "graph",
    split: "per-user random 80/20, seed 42",
    metrics: "full ranking, train items excluded",
    evalUsersGowalla: evalUsers,
    modelBudgetSeconds: budget,
    datasets,
    machine: machine(),
  }),
);
