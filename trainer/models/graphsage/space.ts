// GraphSAGE's entry in the tuning framework: no parameter searched yet (one fit costs minutes on 2 cores); the
// defaults in train.ts are the start and pins (--dim, --epochs, --lr, --reg, --seed) apply.

import { trainModel } from "../../train.ts";
import type { Point, SearchSpace } from "../../search/space.ts";
import { GRAPHSAGE_DEFAULTS } from "./train.ts";

const num = (p: Point, k: string): number | undefined => (typeof p[k] === "number" ? (p[k] as number) : undefined);

export const graphSageSpace: SearchSpace = {
  model: "graphsage",
  epochsParam: "epochs",
  maxEpochs: () => GRAPHSAGE_DEFAULTS.epochs,
  start: () => ({ dim: GRAPHSAGE_DEFAULTS.dim, epochs: GRAPHSAGE_DEFAULTS.epochs, learningRate: GRAPHSAGE_DEFAULTS.lr, regularization: GRAPHSAGE_DEFAULTS.reg }),
  params: () => [],
  cost: (p) => Number(p.dim),
  fit: (data, p, hooks) => {
    const o: { dim?: number; epochs?: number; learningRate?: number; regularization?: number; seed?: number } = {};
    for (const k of ["dim", "epochs", "learningRate", "regularization", "seed"] as const) if (num(p, k) !== undefined) o[k] = num(p, k)!;
    return trainModel("graphsage", data, o, hooks.signal ? { signal: hooks.signal } : {});
  },
};
