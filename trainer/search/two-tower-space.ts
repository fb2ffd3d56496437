// The two-tower model's search space. Its own small search (trainer/models/two-tower.ts defaults were measured on
// the ML-100k item-cold split) is all it has: no parameter is searched here yet, because one two-tower fit costs
// minutes on this machine; pins (--dim, --epochs, --lr) still apply.

import { trainModel } from "../train.ts";
import { TWO_TOWER_DEFAULTS } from "../models/two-tower.ts";
import type { Point, SearchSpace } from "./space.ts";

const num = (p: Point, k: string): number | undefined => (typeof p[k] === "number" ? (p[k] as number) : undefined);

export const twoTowerSpace: SearchSpace = {
  model: "two-tower",
  epochsParam: "epochs",
  maxEpochs: () => 12,
  start: () => ({ dim: TWO_TOWER_DEFAULTS.dim, epochs: TWO_TOWER_DEFAULTS.epochs, learningRate: TWO_TOWER_DEFAULTS.lr }),
  params: () => [],
  cost: (p) => Number(p.dim),
  fit: (data, p, hooks) => {
    const o: { dim?: number; epochs?: number; learningRate?: number; seed?: number } = {};
    for (const k of ["dim", "epochs", "learningRate", "seed"] as const) if (num(p, k) !== undefined) o[k] = num(p, k)!;
    // No per-epoch validation (early stopping) yet: a two-tower epoch report carries no factors.
    return trainModel("two-tower", data, o, hooks.signal ? { signal: hooks.signal } : {});
  },
};
