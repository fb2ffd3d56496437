// The registry's entry for `--model graphsage`: maps the trainer's overrides onto GraphSAGE's options, trains, and
// attaches the network's tfjs weights (model/ files) for the artifact.

import type { Csr } from "../../../shared/data/csr.ts";
import type { TrainHooks } from "../types.ts";
import { GRAPHSAGE_DEFAULTS, type GraphSageModel, type GraphSageOptions, trainGraphSage } from "./train.ts";
import { encodeSageWeights } from "./weights.ts";

export interface GraphSageOverrides {
  dim?: number;
  epochs?: number;
  seed?: number;
  regularization?: number;
  learningRate?: number;
}

export function graphSageOptions(o: GraphSageOverrides): GraphSageOptions {
  const p: GraphSageOptions = { ...GRAPHSAGE_DEFAULTS, fanouts: [...GRAPHSAGE_DEFAULTS.fanouts] };
  if (o.dim !== undefined) p.dim = o.dim;
  if (o.epochs !== undefined) p.epochs = o.epochs;
  if (o.seed !== undefined) p.seed = o.seed;
  if (o.regularization !== undefined) p.reg = o.regularization;
  if (o.learningRate !== undefined) p.lr = o.learningRate;
  return p;
}

/** The parameters a run records (before training). */
export function graphSageParams(o: GraphSageOverrides): Record<string, number | string> {
  const p = graphSageOptions(o);
  return {
    dim: p.dim, epochs: p.epochs, learningRate: p.lr, regularization: p.reg, batchSize: p.batchSize,
    fanouts: p.fanouts.join(","), idDropout: p.idDropout, seed: p.seed,
  };
}

export async function trainGraphSageModel(byUser: Csr, byItem: Csr, o: GraphSageOverrides, hooks: TrainHooks = {}): Promise<GraphSageModel> {
  const model = await trainGraphSage(byUser, byItem, graphSageOptions(o), hooks);
  model.extraFiles = encodeSageWeights(model.weights);
  return model;
}
