// bench:graphsage — GraphSAGE (tfjs, wasm backend) on MovieLens-100k, one JSON object:
//  warm: the bench:quality split (per-user random 80/20, seed 42), Recall@20 / NDCG@20 for GraphSAGE and ALS;
//  newItems: 10% of items held out of training entirely; after training each held-out item gets its first k
//    interactions (by timestamp, k = 1, 3, 5) and the held-out items are ranked for the remaining users of those
//    items (candidates: the held-out items; an item the user is among the first k of is excluded). GraphSAGE's
//    inductive embedNewItem vs ALS fold-in of the item (the ALS normal equations over its users' vectors).
// GraphSAGE runs at the trainer's defaults (graphSageOptions); env DIM, EPOCHS, LR, BATCH, DROPOUT and SAMPLES
// (triples per epoch; default one pass) override them while exploring, WARM=0 skips the warm comparison.
// Wall-clock is noisy on a shared machine.

import { buildCsr } from "../shared/data/csr.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { randomHoldout, subsetRows } from "../shared/data/split.ts";
import { evaluateRanking } from "../shared/metrics/evaluate.ts";
import { FoldIn, gramMatrix } from "../shared/scoring/foldin.ts";
import { Rng } from "../shared/random.ts";
import { chooseBackend } from "../trainer/backend.ts";
import { evaluateFactors } from "../trainer/evaluate-model.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { embedNewItem } from "../trainer/models/graphsage/embed.ts";
import { graphSageOptions } from "../trainer/models/graphsage/model.ts";
import { type GraphSageModel, type GraphSageOptions, trainGraphSage } from "../trainer/models/graphsage/train.ts";
import type { TrainedModel } from "../trainer/models/types.ts";
import { normalisedCsr, trainModel } from "../trainer/train.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";

const seed = Number(process.env.SEED ?? 42);
// The trainer's defaults (graphSageOptions), each overridable from the environment while exploring.
const env = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const defaults = graphSageOptions({ seed });
const opts: GraphSageOptions = {
  ...defaults,
  dim: env("DIM") ?? defaults.dim,
  epochs: env("EPOCHS") ?? defaults.epochs,
  lr: env("LR") ?? defaults.lr,
  batchSize: env("BATCH") ?? defaults.batchSize,
  idDropout: env("DROPOUT") ?? defaults.idDropout,
  ...(env("SAMPLES") !== undefined ? { samplesPerEpoch: env("SAMPLES")! } : {}),
};
// WARM=0 skips the warm comparison (exploring new-item quality only).
const runWarm = process.env.WARM !== "0";
const backend = await chooseBackend({ prefer: "wasm" });
const { data } = await loadInteractions(ml100kPath());
const round = (x: number) => Math.round(x * 1e4) / 1e4;

// CPU seconds of the process over a training run: on a shared (or paused) machine wall-clock says little.
async function sage(train: Interactions): Promise<GraphSageModel & { cpuSeconds: number }> {
  const { byUser, byItem } = normalisedCsr(train);
  const cpu = process.cpuUsage();
  const m = await trainGraphSage(byUser, byItem, opts, { onEpoch: (r) => console.error(`graphsage epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} ${r.seconds.toFixed(0)}s`) });
  const used = process.cpuUsage(cpu);
  return Object.assign(m, { cpuSeconds: (used.user + used.system) / 1e6 });
}
const headline = (r: Record<string, number>) => ({ "recall@20": round(r["recall@20"]!), "ndcg@20": round(r["ndcg@20"]!) });

// Warm.
async function warmComparison(): Promise<Record<string, unknown>> {
  const warm = randomHoldout(data, { testFraction: 0.2, seed });
  const sageWarm = await sage(warm.train);
  const alsWarm = await trainModel("als", warm.train, { seed });
  return {
    split: "per-user random 80/20 (bench:quality)",
    graphsage: { ...headline(evaluateFactors(warm.train, warm.test, sageWarm)), trainSeconds: round(sageWarm.seconds), cpuSeconds: round(sageWarm.cpuSeconds), samplesPerSecond: Math.round(sageWarm.samplesPerSecond) },
    als: { ...headline(evaluateFactors(warm.train, warm.test, alsWarm)), trainSeconds: round(alsWarm.seconds) },
  };
}
const warmOut = runWarm ? await warmComparison() : "skipped (WARM=0)";

// New items.
const rng = new Rng(seed + 1);
const nItems = data.itemIds.size;
const order = rng.shuffle(Int32Array.from({ length: nItems }, (_, i) => i));
const heldCount = Math.round(nItems * 0.1);
const heldIndex = new Int32Array(nItems).fill(-1);
for (let h = 0; h < heldCount; h++) heldIndex[order[h]!] = h;
const keep = new Uint8Array(data.users.length);
const byHeld: number[][] = Array.from({ length: heldCount }, () => []);
for (let k = 0; k < data.users.length; k++) {
  const h = heldIndex[data.items[k]!]!;
  if (h < 0) keep[k] = 1;
  else byHeld[h]!.push(k);
}
for (const list of byHeld) list.sort((a, b) => data.timestamps[a]! - data.timestamps[b]! || a - b);
const train = subsetRows(data, keep);
const sageNew = await sage(train);
const alsNew = await trainModel("als", train, { seed });
const alsFold = new FoldIn(alsNew.dim, gramMatrix(alsNew.userFactors, alsNew.users, alsNew.dim), alsNew.userFactors, alsNew.foldIn!.method === "als" ? alsNew.foldIn! as { alpha: number; regularization: number } : { alpha: 1, regularization: 0.1 });

function newItemMetrics(k: number, model: TrainedModel, embed: (users: Int32Array) => Float32Array): Record<string, number> {
  const dim = model.dim;
  const vecs = new Float32Array(heldCount * dim);
  const gu: number[] = [], gi: number[] = [], tu: number[] = [], ti: number[] = [];
  for (let h = 0; h < heldCount; h++) {
    const rows = byHeld[h]!;
    const given = rows.slice(0, Math.min(k, Math.max(0, rows.length - 1)));
    const users = Int32Array.from(given, (r) => data.users[r]!);
    vecs.set(embed(users), h * dim);
    for (const u of users) { gu.push(u); gi.push(h); }
    for (const r of rows.slice(given.length)) { tu.push(data.users[r]!); ti.push(h); }
  }
  const csr = (u: number[], i: number[]) => buildCsr(data.userIds.size, heldCount, Int32Array.from(u), Int32Array.from(i), new Float32Array(u.length).fill(1));
  const r = evaluateRanking({
    train: csr(gu, gi), test: csr(tu, ti), ks: [20],
    scoreUser: (u, out) => {
      const x = model.userFactors.subarray(u * dim, (u + 1) * dim);
      for (let h = 0; h < heldCount; h++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += x[d]! * vecs[h * dim + d]!;
        out[h] = s;
      }
    },
  });
  return { ...headline(r), users: r.users };
}

const newItems: Record<string, unknown> = {
  heldOutItems: heldCount, candidates: "held-out items only",
  graphsageTrainSeconds: round(sageNew.seconds), graphsageCpuSeconds: round(sageNew.cpuSeconds), graphsageSamplesPerSecond: Math.round(sageNew.samplesPerSecond), alsTrainSeconds: round(alsNew.seconds),
};
for (const k of [1, 3, 5]) {
  newItems[`first${k}`] = {
    graphsage: newItemMetrics(k, sageNew, (users) => embedNewItem(sageNew.weights, sageNew.embeddings.h1User, users)),
    alsFoldIn: newItemMetrics(k, alsNew, (users) => alsFold.user(users)),
  };
}

console.log(JSON.stringify({
  bench: "graphsage", dataset: "ml-100k", seed, backend: backend.label,
  params: { ...sageNew.params, samplesPerEpoch: opts.samplesPerEpoch ?? "one per training interaction" },
  warm: warmOut,
  newItems,
  note: "wall-clock on a shared 2-core machine (loaded, and other jobs may pause this one): trainSeconds and samples/s are noisy; cpuSeconds is the process's CPU time over training",
  machine: machine(),
}));
