// The two-tower model's forward pass in plain TypeScript over Float32Arrays: what the edge runs for a new item
// (PUT …/items/{id}) or a new user with attributes, with the same weights tfjs trained (model/ shards). Tested
// equal to the tfjs forward pass within 1e-5 (trainer/models/two-tower.test.ts). Why not tfjs-core in workerd: the
// Worker would carry tfjs-core + the cpu backend (≈ 1 MB minified) for two small matrix products per request;
// this file is a few KB and allocates only the layer outputs.
//
//   item: x = [idEmb[idRow] ; Σ w·itemFeat[tok] ; numbers] → relu(x·W1 + b1) → ·W2 + b2
//   user: x = [mean of history item vectors ; Σ w·userFeat[tok] ; numbers] → relu(x·U1 + c1) → ·U2 + c2

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
export type TowerWeights = Record<TowerWeightName, TowerWeight>;

/** The item vector of one encoded item; `idRow` 0 is the out-of-vocabulary id (new items). */
export function itemTowerForward(w: TowerWeights, idRow: number, x: Encoded): Float32Array {
  const id = w["item/id_embedding"];
  const e = id.shape[1]!;
  if (!(idRow >= 0 && idRow < id.shape[0]!)) throw new RangeError(`idRow ${idRow} outside the id table (${id.shape[0]} rows)`);
  const input = new Float32Array(2 * e + x.numeric.length);
  input.set(id.data.subarray(idRow * e, idRow * e + e), 0);
  bag(w["item/feature_embedding"], x, input, e);
  input.set(x.numeric, 2 * e);
  return mlp(input, w["item/dense1/kernel"], w["item/dense1/bias"], w["item/dense2/kernel"], w["item/dense2/bias"]);
}

/** The user vector from up to any number of history item vectors (rows of `history`, `dim` wide) and attributes. */
export function userTowerForward(w: TowerWeights, history: Float32Array, count: number, x: Encoded): Float32Array {
  const dim = w["item/dense2/kernel"].shape[1]!;
  const e = w["user/feature_embedding"].shape[1]!;
  const input = new Float32Array(dim + e + x.numeric.length);
  for (let r = 0; r < count; r++) for (let d = 0; d < dim; d++) input[d]! += history[r * dim + d]!;
  if (count > 0) for (let d = 0; d < dim; d++) input[d]! /= count;
  bag(w["user/feature_embedding"], x, input, dim);
  input.set(x.numeric, dim + e);
  return mlp(input, w["user/dense1/kernel"], w["user/dense1/bias"], w["user/dense2/kernel"], w["user/dense2/bias"]);
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
