// bench:quality — MovieLens-100k, per-user random 80/20 split (seed 42), full ranking with seen items excluded:
// popularity, ALS and BPR with the defaults the trainer picks by rule (--no-tune), and ALS as `train` fits it by
// default (the search). Prints one JSON object.

import { randomHoldout } from "../shared/data/split.ts";
import { evaluateFactors, evaluatePopularity } from "../trainer/evaluate-model.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { resolveParams, statsOf, trainModel, type TrainableModel } from "../trainer/train.ts";
import { machine } from "./machine.ts";
import { ml100kPath } from "./data-path.ts";

const seed = Number(process.env.SEED ?? 42);
const { data } = await loadInteractions(ml100kPath());
const { train, test } = randomHoldout(data, { testFraction: 0.2, seed });
const round = (x: number) => Math.round(x * 1e4) / 1e4;

const rows: Record<string, unknown>[] = [];
const pop = evaluatePopularity(train, test);
rows.push({ model: "popularity", "ndcg@10": round(pop["ndcg@10"]!), "recall@20": round(pop["recall@20"]!), trainSeconds: 0 });
for (const model of ["als", "bpr"] as TrainableModel[]) {
  const m = await trainModel(model, train, { seed });
  const r = evaluateFactors(train, test, m);
  rows.push({
    model,
    "ndcg@10": round(r["ndcg@10"]!),
    "recall@20": round(r["recall@20"]!),
    "map@10": round(r["map@10"]!),
    "coverage@10": round(r["coverage@10"]!),
    trainSeconds: round(m.seconds),
    params: resolveParams(model, statsOf(train), { seed }),
  });
}
// What `edgerec train` does without flags: the search on a validation split of the 80% (QUALITY_BUDGET seconds,
// default 300), then a refit on the 80%.
{
  const { benchClock, useAlsThreads } = await import("../trainer/models/als-pool.ts");
  const { tunedFit } = await import("../trainer/tuned-fit.ts");
  const threads = useAlsThreads();
  const s = performance.now();
  const fit = await tunedFit(train, { model: "als", pinned: {}, tune: true, holdout: 0, budgetSeconds: Number(process.env.QUALITY_BUDGET ?? 300), clock: benchClock(threads), seed, log: (l) => process.stderr.write(`${l}\n`) });
  const r = evaluateFactors(train, test, fit.final);
  rows.push({
    model: "als (train's default search)",
    "ndcg@10": round(r["ndcg@10"]!),
    "recall@20": round(r["recall@20"]!),
    "map@10": round(r["map@10"]!),
    "coverage@10": round(r["coverage@10"]!),
    trainSeconds: round((performance.now() - s) / 1000),
    params: fit.point,
    fits: fit.search?.trials.length,
  });
}
console.log(JSON.stringify({ bench: "quality", dataset: "ml-100k", split: "per-user random 80/20", seed, models: rows, machine: machine() }));
