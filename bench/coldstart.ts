// bench:coldstart — MovieLens-100k (u.item, u.user as features), cold start measured two ways, seed 1:
//   item-cold: 20% of items held out entirely; rank only the held-out items for each user, top 20;
//   user-cold: 20% of users held out entirely; rank every item from their demographics alone, top 20.
// Baselines: random, popularity (user-cold), genre profile (item-cold), ALS + a ridge map from features to ALS
// vectors; then two-tower (tfjs-wasm, defaults). Recall@20, NDCG@20, coverage (issue #11's: held-out items the
// model can recommend — a user-dependent score —, new users with attributes the model serves rather than the
// popularity fallback) and, item-cold, listCoverage@20 (held-out items in at least one test user's top 20: how
// concentrated the lists are, a stricter catalogue figure). Prints one JSON object.
// userCold.edge: the user-cold two-tower served through the edge's recommend() (bench/coldstart-edge.ts): the share
// of new users with attributes the edge serves from the model (`source: "cold-user"`), and Recall@20 against the
// edge's popularity fallback for the same users.
// EPOCHS=N overrides the two-tower's epochs (for a quicker run); PROTOCOLS=user-cold (or item-cold) runs one half;
// wall-clock figures are noisy on a shared CPU.

import { itemColdSplit, userColdSplit } from "../shared/data/cold-split.ts";
import {
  categoryProfileScorer, dotScorer, evaluateCold, mappedFactors, popularityScorer, randomScorer,
} from "../trainer/coldstart-eval.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { trainModel } from "../trainer/train.ts";
import { edgeColdUsers } from "./coldstart-edge.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";

const seed = Number(process.env.SEED ?? 1);
const epochs = process.env.EPOCHS ? Number(process.env.EPOCHS) : undefined;
/** COLD_ITEM_HEAD=0: new items from the item tower without id instead of the cold-item head (the comparison). */
const coldItemHead = process.env.COLD_ITEM_HEAD !== "0";
const protocols = (process.env.PROTOCOLS ?? "item-cold,user-cold").split(",").map((p) => p.trim());
for (const p of protocols) if (p !== "item-cold" && p !== "user-cold") throw new Error(`PROTOCOLS: unknown protocol '${p}'; expected item-cold, user-cold`);
const { data } = await loadInteractions(ml100kPath());
const out: Record<string, unknown> = { bench: "coldstart", dataset: "ml-100k", heldOut: 0.2, seed, k: 20 };
let t0 = 0;

if (protocols.includes("item-cold")) {
  const items = itemColdSplit(data, 0.2, seed);
  const itemRows: Record<string, unknown> = {};
  itemRows.random = evaluateCold(items, "item-cold", randomScorer(seed));
  itemRows.genreProfile = evaluateCold(items, "item-cold", categoryProfileScorer(items.train));
  const alsI = await trainModel("als", items.train, { seed });
  itemRows.alsLinearMap = evaluateCold(items, "item-cold", dotScorer(alsI.userFactors, mappedFactors(alsI, items.train, "item", items.cold), alsI.dim));
  t0 = performance.now();
  const ttI = await trainModel("two-tower", items.train, { seed, coldItemHead, ...(epochs ? { epochs } : {}) }, { onEpoch: (r) => void process.stderr.write(`item-cold two-tower epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(3)}\n`) });
  itemRows.twoTower = { ...evaluateCold(items, "item-cold", dotScorer(ttI.userFactors, ttI.itemFactors, ttI.dim)), trainSeconds: Math.round((performance.now() - t0) / 100) / 10, backend: ttI.backend, epochs: ttI.params.epochs, newItemsBy: coldItemHead ? "cold-item head" : "item tower" };
  out.itemCold = itemRows;
}

if (protocols.includes("user-cold")) {
  const users = userColdSplit(data, 0.2, seed);
  const userRows: Record<string, unknown> = {};
  userRows.random = evaluateCold(users, "user-cold", randomScorer(seed), { served: () => false });
  userRows.popularity = evaluateCold(users, "user-cold", popularityScorer(users.train), { served: () => false });
  const alsU = await trainModel("als", users.train, { seed });
  userRows.alsLinearMap = evaluateCold(users, "user-cold", dotScorer(mappedFactors(alsU, users.train, "user", users.cold), alsU.itemFactors, alsU.dim));
  t0 = performance.now();
  const ttU = await trainModel("two-tower", users.train, { seed, ...(epochs ? { epochs } : {}) }, { onEpoch: (r) => void process.stderr.write(`user-cold two-tower epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(3)}\n`) });
  userRows.twoTower = { ...evaluateCold(users, "user-cold", dotScorer(ttU.userFactors, ttU.itemFactors, ttU.dim)), trainSeconds: Math.round((performance.now() - t0) / 100) / 10 };
  userRows.edge = await edgeColdUsers(ttU, users, ml100kPath());
  out.userCold = userRows;
}
out.machine = machine();
console.log(JSON.stringify(out));
