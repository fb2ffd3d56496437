// bench:warm-two-tower — issue #11's warm-quality check: MovieLens-100k with bench:quality's split (per-user random
// 80/20, seed 42; full ranking, seen items excluded), popularity, ALS with the defaults `train --no-tune` picks,
// and the two-tower with its defaults (u.item/u.user as features). Reports NDCG@10 / Recall@20 and the two-tower's
// NDCG@10 as a share of ALS's (the bar: ≥ 0.95). EPOCHS=N overrides the two-tower's epochs. Prints one JSON object.

import { randomHoldout } from "../shared/data/split.ts";
import { evaluateFactors, evaluatePopularity } from "../trainer/evaluate-model.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { trainModel } from "../trainer/train.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";

const seed = Number(process.env.SEED ?? 42);
const epochs = process.env.EPOCHS ? Number(process.env.EPOCHS) : undefined;
const { data } = await loadInteractions(ml100kPath());
const { train, test } = randomHoldout(data, { testFraction: 0.2, seed });
const round = (x: number) => Math.round(x * 1e4) / 1e4;
const row = (r: Record<string, number>) => ({ "ndcg@10": round(r["ndcg@10"]!), "recall@20": round(r["recall@20"]!) });

const popularity = row(evaluatePopularity(train, test));
const als = await trainModel("als", train, { seed });
const alsRow = { ...row(evaluateFactors(train, test, als)), trainSeconds: round(als.seconds) };
const tt = await trainModel("two-tower", train, { seed, ...(epochs ? { epochs } : {}) }, {
  onEpoch: (r) => void process.stderr.write(`two-tower epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(3)} ${r.seconds.toFixed(0)}s\n`),
});
const ttRow = { ...row(evaluateFactors(train, test, tt)), trainSeconds: round(tt.seconds), backend: tt.backend, params: tt.params };
console.log(JSON.stringify({
  bench: "warm-two-tower", dataset: "ml-100k", split: "per-user random 80/20", seed,
  models: { popularity, als: alsRow, twoTower: ttRow },
  twoTowerNdcgShareOfAls: round(ttRow["ndcg@10"] / alsRow["ndcg@10"]),
  machine: machine(),
}));
