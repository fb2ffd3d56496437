// Trains a model by name on an Interactions set: normalises weights, picks defaults by rule, lets the caller override
// them, and reports epochs through hooks. The CLI, the pipeline, the benchmarks and the demo page all go through here.

import { type Csr, toCsr } from "../shared/data/csr.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { EdgerecError } from "../shared/errors.ts";
import { alsDefaults, bprDefaults, type DataStats } from "./defaults.ts";
import { type AlsInit, trainAls } from "./models/als.ts";
import { trainBpr } from "./models/bpr.ts";
import { trainTwoTower, TWO_TOWER_DEFAULTS } from "./models/two-tower.ts";
import type { TrainHooks, TrainedModel } from "./models/types.ts";
import { graphDefaults } from "./models/graph/defaults.ts";
import { type GraphParams, trainGraph } from "./models/graph/graph.ts";
import { graphSageParams, trainGraphSageModel } from "./models/graphsage/model.ts";

export const TRAINABLE_MODELS = ["als", "bpr", "graph", "two-tower", "graphsage"] as const;
export type TrainableModel = (typeof TRAINABLE_MODELS)[number];
/** Models the CLI knows by name (all of them train). */
export const KNOWN_MODELS = ["als", "bpr", "graph", "two-tower", "graphsage"] as const;

export interface TrainOverrides {
  dim?: number;
  epochs?: number;
  seed?: number;
  regularization?: number;
  alpha?: number;
  learningRate?: number;
  /** BPR: negatives tried per positive. */
  negatives?: number;
  /** How interaction weights become confidences (see WEIGHTINGS). */
  weighting?: Weighting;
  /** ALS: finish with the exact user step (search fits skip it). */
  exactFinal?: boolean | "auto";
  /** ALS: frequency-scaled regularisation of users, λ_u ∝ (their weight)^regExponent (see models/als.ts). */
  regExponent?: number;
  /** ALS: start from these factors (the search's warm start). */
  init?: AlsInit;
  /** Graph-filter parameters (trainer/models/graph); `dim` sets the rank and `epochs` the SVD iterations. */
  graph?: Partial<GraphParams>;
  /** Two-tower: new items from the cold-item head (default) or the item tower without its id (false). */
  coldItemHead?: boolean;
}

/**
 * mean: weights divided by their mean (ratings and counts keep their spread, α means the same everywhere);
 * binary: every interaction weighs 1 (repeats and ratings ignored); log: log(1 + w), then divided by its mean.
 */
export const WEIGHTINGS = ["mean", "binary", "log"] as const;
export type Weighting = (typeof WEIGHTINGS)[number];

/** The weight a model trains (and folds in) on, for a raw weight `w` of data whose raw mean is `mean` (see weightScale). */
export function weightTransform(weighting: Weighting, scale: number): (w: number) => number {
  if (weighting === "binary") return () => 1;
  if (weighting === "log") return (w) => Math.log1p(w) * scale;
  return (w) => w * scale;
}

/** The factor `weightTransform` multiplies by so the data's transformed weights have mean 1. */
export function weightScale(d: Interactions, weighting: Weighting): number {
  if (weighting === "binary") return 1;
  let sum = 0;
  for (let k = 0; k < d.weights.length; k++) sum += weighting === "log" ? Math.log1p(d.weights[k]!) : d.weights[k]!;
  return sum > 0 ? d.weights.length / sum : 1;
}

/** `also`: further names the caller accepts itself (train's `auto`), listed first in the error. */
export function checkModelName(name: string, also: string[] = []): TrainableModel {
  if ((TRAINABLE_MODELS as readonly string[]).includes(name)) return name as TrainableModel;
  const choices = [...also, ...TRAINABLE_MODELS].join(", ");
  if ((KNOWN_MODELS as readonly string[]).includes(name)) {
    throw new EdgerecError("not_implemented", `model '${name}' is not available in this release; expected one of: ${choices}`);
  }
  throw new EdgerecError("bad_model", `unknown model '${name}'; expected one of: ${choices}`);
}

export const statsOf = (d: Interactions): DataStats => ({ users: d.userIds.size, items: d.itemIds.size, interactions: d.users.length });

/** The mean interaction weight: models train (and fold in) on weights divided by it. */
export function meanWeight(d: Interactions): number {
  let sum = 0;
  for (let k = 0; k < d.weights.length; k++) sum += d.weights[k]!;
  return sum / Math.max(1, d.weights.length);
}

/** User→item CSR with weights transformed (default: scaled to mean 1, so α means the same on every dataset). */
export function normalisedCsr(d: Interactions, weighting: Weighting = "mean"): { byUser: Csr; byItem: Csr } {
  const byUser = toCsr(d);
  const byItem = toCsr(d, true);
  const f = weightTransform(weighting, weightScale(d, weighting));
  for (let k = 0; k < byUser.values.length; k++) byUser.values[k] = f(byUser.values[k]!);
  for (let k = 0; k < byItem.values.length; k++) byItem.values[k] = f(byItem.values[k]!);
  return { byUser, byItem };
}

/** The parameters `train` would use, before training (for the run registry and `--help`). */
export function resolveParams(model: TrainableModel, stats: DataStats, o: TrainOverrides): Record<string, number | string | boolean> {
  if (model === "two-tower") {
    const { backend: _, ...defaults } = TWO_TOWER_DEFAULTS;
    const p: Record<string, number | string | boolean> = { ...defaults };
    if (o.dim !== undefined) p.dim = o.dim;
    if (o.epochs !== undefined) p.epochs = o.epochs;
    if (o.seed !== undefined) p.seed = o.seed;
    if (o.learningRate !== undefined) p.lr = o.learningRate;
    if (o.coldItemHead !== undefined) p.coldItemHead = o.coldItemHead;
    return p;
  }
  if (model === "graph") return { ...graphParams(stats, o), weighting: o.weighting ?? "binary" };
  if (model === "graphsage") return graphSageParams(o);
  const base = model === "als" ? alsDefaults(stats) : bprDefaults(stats);
  const out: Record<string, number | string | boolean> = { ...base };
  if (o.dim !== undefined) out.dim = o.dim;
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.regularization !== undefined) out.regularization = o.regularization;
  if (o.epochs !== undefined) out[model === "als" ? "iterations" : "epochs"] = o.epochs;
  if (o.alpha !== undefined && model === "als") out.alpha = o.alpha;
  if (o.regExponent !== undefined && model === "als") out.regExponent = o.regExponent;
  if (o.learningRate !== undefined && model === "bpr") out.learningRate = o.learningRate;
  if (o.negatives !== undefined && model === "bpr") out.negatives = o.negatives;
  out.weighting = o.weighting ?? "mean";
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
  if (model === "two-tower") {
    const o = { ...TWO_TOWER_DEFAULTS, ...pick(overrides, ["dim", "seed", "epochs"]) };
    if (overrides.learningRate !== undefined) o.lr = overrides.learningRate;
    if (overrides.coldItemHead !== undefined) o.coldItemHead = overrides.coldItemHead;
    // ALS first (its rule defaults at the two-tower's dim): known items/users keep its vectors (two-tower-als.ts).
    const als = o.warmStart === "als" ? await trainModel("als", data, { ...pick(overrides, ["weighting"]), dim: o.dim, seed: o.seed }, hooks.signal ? { signal: hooks.signal } : {}) : undefined;
    return trainTwoTower(data, o, hooks, als);
  }
  // The graph filter counts an interaction once (its degree normalisation is the graph's), as the edge folds new
  // visitors in with unit weights; measured better than mean weights on MovieLens-100k ratings.
  const weighting = overrides.weighting ?? (model === "graph" ? "binary" : "mean");
  const { byUser, byItem } = normalisedCsr(data, weighting);
  let m: TrainedModel;
  if (model === "graph") {
    m = await trainGraph(byUser, byItem, graphParams(stats, overrides), hooks);
  } else if (model === "graphsage") {
    m = await trainGraphSageModel(byUser, byItem, overrides, hooks);
  } else if (model === "als") {
    const p = { ...alsDefaults(stats), ...pick(overrides, ["dim", "seed", "regularization", "alpha", "exactFinal", "regExponent"]) };
    if (overrides.epochs !== undefined) p.iterations = overrides.epochs;
    m = await trainAls(byUser, byItem, p, hooks, overrides.init);
  } else {
    const p = { ...bprDefaults(stats), ...pick(overrides, ["dim", "seed", "regularization", "epochs", "learningRate", "negatives"]) };
    m = await trainBpr(byUser, p, hooks);
  }
  m.params.weighting = weighting;
  return m;
}

/** Graph defaults by rule, then the generic overrides (dim → rank, epochs → SVD iterations), then graph-specific ones. */
export function graphParams(stats: DataStats, o: TrainOverrides): GraphParams {
  const p = graphDefaults(stats);
  // An asked-for dimension is the served one: no shoulder unless tailRank is given too.
  if (o.dim !== undefined || o.graph?.rank !== undefined) p.tailRank = 0;
  if (o.dim !== undefined) p.rank = o.dim;
  if (o.epochs !== undefined) p.iterations = o.epochs;
  if (o.seed !== undefined) p.seed = o.seed;
  return { ...p, ...o.graph };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
