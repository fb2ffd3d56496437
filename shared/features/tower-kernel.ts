// The two-tower model's forward pass in plain TypeScript over Float32Arrays: what the edge runs for a new item
// (PUT …/items/{id}) or a new user with attributes, with the same weights tfjs trained (model/ shards). Tested
// equal to the tfjs forward pass within 1e-5 (trainer/models/two-tower.test.ts). Why not tfjs-core in workerd: the
// Worker would carry tfjs-core + the cpu backend (≈ 1 MB minified) for two small matrix products per request;
// this file is a few KB and allocates only the layer outputs.
//
//   item: x = [idEmb[idRow] ; Σ w·itemFeat[tok] ; numbers] → relu(x·W1 + b1) → ·W2 + b2
//   user: x = [mean of history item vectors ; Σ w·userFeat[tok] ; numbers] → relu(x·U1 + c1) → ·U2 + c2
//   new user without history, when the model has the cold-user head: bias + Σ w·coldFeat[tok] + numbers·N
//   (a linear map from attributes to user vectors, fitted after training to the warm users' tower outputs)
//   new item (id row 0), when the model has the cold-item head: the same linear form over the item's features,
//   fitted to the warm items' vectors

import type { Encoded } from "./encode.ts";

export const TOWER_WEIGHTS = [
  "item/id_embedding", "item/feature_embedding", "item/dense1/kernel", "item/dense1/bias", "item/dense2/kernel", "item/dense2/bias",
  "user/feature_embedding", "user/dense1/kernel", "user/dense1/bias", "user/dense2/kernel", "user/dense2/bias",
] as const;
export type TowerWeightName = (typeof TOWER_WEIGHTS)[number];

export interface TowerWeight {
  shape: number[];
  data: Float32Array;
}
/**
 * Optional (models trained since the cold-user head): the attribute → user-vector map for users without history.
 * `buckets` lists the feature buckets the map has a row for (ascending, float32-coded integers: tfjs weights are
 * float32), `feature_embedding` their rows [k, dim], `numeric` [userNumbers, dim], `bias` [dim].
 */
export const COLD_USER_WEIGHTS = ["user/cold/buckets", "user/cold/feature_embedding", "user/cold/numeric", "user/cold/bias"] as const;
export type ColdUserWeightName = (typeof COLD_USER_WEIGHTS)[number];
/** Optional (models trained since the cold-item head): the feature → item-vector map for new items, same layout. */
export const COLD_ITEM_WEIGHTS = ["item/cold/buckets", "item/cold/feature_embedding", "item/cold/numeric", "item/cold/bias"] as const;
export type ColdItemWeightName = (typeof COLD_ITEM_WEIGHTS)[number];
export type TowerWeights = Record<TowerWeightName, TowerWeight> & Partial<Record<ColdUserWeightName | ColdItemWeightName, TowerWeight>>;

/** The item vector of one encoded item; `idRow` 0 is the out-of-vocabulary id (new items: the cold-item head if any). */
export function itemTowerForward(w: TowerWeights, idRow: number, x: Encoded): Float32Array {
  if (idRow === 0 && w["item/cold/bias"]) return linearHeadForward(w, "item", x);
  const id = w["item/id_embedding"];
  const e = id.shape[1]!;
  if (!(idRow >= 0 && idRow < id.shape[0]!)) throw new RangeError(`idRow ${idRow} outside the id table (${id.shape[0]} rows)`);
  const input = new Float32Array(2 * e + x.numeric.length);
  input.set(id.data.subarray(idRow * e, idRow * e + e), 0);
  bag(w["item/feature_embedding"], x, input, e);
  input.set(x.numeric, 2 * e);
  return mlp(input, w["item/dense1/kernel"], w["item/dense1/bias"], w["item/dense2/kernel"], w["item/dense2/bias"]);
}

/**
 * The user vector from up to any number of history item vectors (rows of `history`, `dim` wide) and attributes;
 * with no history, the cold-user head when the model has one.
 */
export function userTowerForward(w: TowerWeights, history: Float32Array, count: number, x: Encoded): Float32Array {
  if (count === 0 && w["user/cold/bias"]) return coldUserForward(w, x);
  const dim = w["item/dense2/kernel"].shape[1]!;
  const e = w["user/feature_embedding"].shape[1]!;
  const input = new Float32Array(dim + e + x.numeric.length);
  for (let r = 0; r < count; r++) for (let d = 0; d < dim; d++) input[d]! += history[r * dim + d]!;
  if (count > 0) for (let d = 0; d < dim; d++) input[d]! /= count;
  bag(w["user/feature_embedding"], x, input, dim);
  input.set(x.numeric, dim + e);
  return mlp(input, w["user/dense1/kernel"], w["user/dense1/bias"], w["user/dense2/kernel"], w["user/dense2/bias"]);
}

export const coldUserForward = (w: TowerWeights, x: Encoded): Float32Array => linearHeadForward(w, "user", x);

/** A cold head: bias + Σ_l weights[l] · rows[bucket tokens[l]] (buckets without a row add nothing) + numbers · N. */
export function linearHeadForward(w: TowerWeights, side: "user" | "item", x: Encoded): Float32Array {
  const bias = w[`${side}/cold/bias`]!;
  const buckets = w[`${side}/cold/buckets`]!.data;
  const rows = w[`${side}/cold/feature_embedding`]!.data;
  const numeric = w[`${side}/cold/numeric`]!;
  const dim = bias.shape[0]!;
  if (numeric.shape[0] !== x.numeric.length) throw new RangeError(`the cold-${side} head takes ${numeric.shape[0]} numbers, got ${x.numeric.length}`);
  const acc = Float64Array.from(bias.data);
  for (let l = 0; l < x.tokens.length; l++) {
    const wt = x.weights[l]!;
    if (wt === 0) continue;
    const r = findSorted(buckets, x.tokens[l]!);
    if (r >= 0) for (let d = 0; d < dim; d++) acc[d]! += wt * rows[r * dim + d]!;
  }
  for (let k = 0; k < x.numeric.length; k++) {
    const v = x.numeric[k]!;
    if (v !== 0) for (let d = 0; d < dim; d++) acc[d]! += v * numeric.data[k * dim + d]!;
  }
  return Float32Array.from(acc);
}

/** Index of `value` in ascending `sorted`, or -1. */
function findSorted(sorted: Float32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** input[offset..offset+e) = Σ_l weights[l] · table[tokens[l]]. */
function bag(table: TowerWeight, x: Encoded, input: Float32Array, offset: number): void {
  const e = table.shape[1]!;
  const rows = table.shape[0]!;
  for (let l = 0; l < x.tokens.length; l++) {
    const wt = x.weights[l]!;
    if (wt === 0) continue;
    const t = x.tokens[l]!;
    if (!(t >= 0 && t < rows)) throw new RangeError(`token bucket ${t} outside the feature table (${rows} rows)`);
    const base = t * e;
    for (let d = 0; d < e; d++) input[offset + d]! += wt * table.data[base + d]!;
  }
}

function mlp(input: Float32Array, k1: TowerWeight, b1: TowerWeight, k2: TowerWeight, b2: TowerWeight): Float32Array {
  const hidden = dense(input, k1, b1);
  for (let h = 0; h < hidden.length; h++) if (hidden[h]! < 0) hidden[h] = 0;
  return dense(hidden, k2, b2);
}

/** x·K + b for K of shape [in, out], row-major; accumulates in float64 then rounds, like tfjs's float32 closely. */
function dense(x: Float32Array, k: TowerWeight, b: TowerWeight): Float32Array {
  const [nIn, nOut] = k.shape as [number, number];
  if (x.length !== nIn) throw new RangeError(`dense layer takes ${nIn} inputs, got ${x.length}`);
  const acc = new Float64Array(nOut);
  for (let i = 0; i < nIn; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = i * nOut;
    for (let o = 0; o < nOut; o++) acc[o]! += xi * k.data[row + o]!;
  }
  const out = new Float32Array(nOut);
  for (let o = 0; o < nOut; o++) out[o] = acc[o]! + b.data[o]!;
  return out;
}
