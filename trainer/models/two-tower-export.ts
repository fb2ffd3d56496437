// A trained two-tower model's `model/` files: the tower weights as tfjs sharded weights, and in model.json's
// `edgerec` block what the edge needs to run the item tower on a new item: the feature spec and the id row of
// every item row (0 = out-of-vocabulary).

import { encodeTfjsWeights } from "../../shared/artifact/tfjs-weights.ts";
import { COLD_ITEM_WEIGHTS, COLD_USER_WEIGHTS, TOWER_WEIGHTS } from "../../shared/features/tower-kernel.ts";
import type { TrainedModel } from "./types.ts";
import type { TwoTowerExtras } from "./two-tower.ts";

export function twoTowerModelFiles(model: TrainedModel): Map<string, Uint8Array> {
  const extras = (model as TrainedModel & { twoTower?: TwoTowerExtras }).twoTower;
  if (!extras) return new Map();
  const weights: { name: string; shape: number[]; data: Float32Array }[] = TOWER_WEIGHTS.map((name) => ({ name, shape: extras.weights[name].shape, data: extras.weights[name].data }));
  for (const name of [...COLD_USER_WEIGHTS, ...COLD_ITEM_WEIGHTS]) {
    const t = extras.weights[name];
    if (t) weights.push({ name, shape: t.shape, data: t.data });
  }
  return encodeTfjsWeights(weights, { kind: "two-tower", spec: extras.spec, idRowOf: Array.from(extras.idRowOf) });
}
