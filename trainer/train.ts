// Trains a model by name on an Interactions set: normalises weights, picks defaults by rule, lets the caller override
// them, and reports epochs through hooks. The CLI, the pipeline, the benchmarks and the demo page all go through here.

import { type Csr, toCsr } from "../shared/data/csr.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { EdgerecError } from "../shared/errors.ts";
import { alsDefaults, bprDefaults, type DataStats } from "./defaults.ts";
import { trainAls } from "./models/als.ts";
import { trainBpr } from "./models/bpr.ts";
import type { TrainHooks, TrainedModel } from "./models/types.ts";

export const TRAINABLE_MODELS = ["als", "bpr"] as const;
export type TrainableModel = (typeof TRAINABLE_MODELS)[number];
/** Models the CLI knows by name; two-tower and graphsage are designed but not built yet. */
export const KNOWN_MODELS = ["als", "bpr", "two-tower", "graphsage"] as const;

export interface TrainOverrides {
  dim?: number;
  epochs?: number;
  seed?: number;
  regularization?: number;
  alpha?: number;
  learningRate?: number;
}

export function checkModelName(name: string): TrainableModel {
  if ((TRAINABLE_MODELS as readonly string[]).includes(name)) return name as TrainableModel;
  if ((KNOWN_MODELS as readonly string[]).includes(name)) {
    throw new EdgerecError("not_implemented", `model '${name}' is not available in this release; expected one of: ${TRAINABLE_MODELS.join(", ")}`);
  }
  throw new EdgerecError("bad_model", `unknown model '${name}'; expected one of: ${TRAINABLE_MODELS.join(", ")}`);
}

export const statsOf = (d: Interactions): DataStats => ({ users: d.userIds.size, items: d.itemIds.size, interactions: d.users.length });

/** The mean interaction weight: models train (and fold in) on weights divided by it. */
export function meanWeight(d: Interactions): number {
  let sum = 0;
  for (let k = 0; k < d.weights.length; k++) sum += d.weights[k]!;
  return sum / Math.max(1, d.weights.length);
}

/** User→item CSR with weights scaled to mean 1, so confidence parameters mean the same on every dataset. */
export function normalisedCsr(d: Interactions): { byUser: Csr; byItem: Csr } {
  const byUser = toCsr(d);
  const byItem = toCsr(d, true);
  const mean = meanWeight(d);
  if (mean > 0) {
    for (let k = 0; k < byUser.values.length; k++) byUser.values[k]! /= mean;
    for (let k = 0; k < byItem.values.length; k++) byItem.values[k]! /= mean;
  }
  return { byUser, byItem };
}

/** The parameters `train` would use, before training (for the run registry and `--help`). */
export function resolveParams(model: TrainableModel, stats: DataStats, o: TrainOverrides): Record<string, number | string> {
  const base = model === "als" ? alsDefaults(stats) : bprDefaults(stats);
  const out: Record<string, number | string> = { ...base };
  if (o.dim !== undefined) out.dim = o.dim;
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.regularization !== undefined) out.regularization = o.regularization;
  if (o.epochs !== undefined) out[model === "als" ? "iterations" : "epochs"] = o.epochs;
  if (o.alpha !== undefined && model === "als") out.alpha = o.alpha;
  if (o.learningRate !== undefined && model === "bpr") out.learningRate = o.learningRate;
  return out;
}

export async function trainModel(
  model: TrainableModel,
  data: Interactions,
  overrides: TrainOverrides = {},
  hooks: TrainHooks = {},
): Promise<TrainedModel> {
  if (data.users.length === 0) throw new EdgerecError("bad_data", "no interactions to train on");
  const stats = statsOf(data);
  const { byUser, byItem } = normalisedCsr(data);
  if (model === "als") {
    const p = { ...alsDefaults(stats), ...pick(overrides, ["dim", "seed", "regularization", "alpha"]) };
    if (overrides.epochs !== undefined) p.iterations = overrides.epochs;
    return trainAls(byUser, byItem, p, hooks);
  }
  const p = { ...bprDefaults(stats), ...pick(overrides, ["dim", "seed", "regularization", "epochs", "learningRate"]) };
  return trainBpr(byUser, p, hooks);
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
