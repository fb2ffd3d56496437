// The two-tower network in tfjs ops (the same math as shared/features/tower-kernel.ts) with its gradients written
// out, as bpr-tfjs.ts does: tfjs-core's Node build registers no gradient functions (and its ESM gradient module does
// not load under Node), the wasm backend has no UnsortedSegmentSum (tf.gather's gradient), and logSigmoid's gradient
// is broken in 4.22. Every backward step below is a forward op (matMul, scatterND, softmax, step), so one code path
// trains on wasm, cpu, WebGL and WebGPU. trainer/models/two-tower.test.ts checks the gradients numerically.

import * as tf from "@tensorflow/tfjs-core";
import type { TowerWeightName } from "../../shared/features/tower-kernel.ts";
export type TowerVars = Record<TowerWeightName, tf.Variable>;

export interface TowerShapes {
  /** Items with an id embedding (+1 row: id 0 is out-of-vocabulary). */
  idRows: number;
  buckets: number;
  embed: number;
  hidden: number;
  dim: number;
  itemNumbers: number;
  userNumbers: number;
}

export function createTowerVars(s: TowerShapes, seed: number): TowerVars {
  const glorot = (shape: [number, number], k: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / (shape[0] + shape[1])), "float32", seed + k));
  const emb = (rows: number, k: number) => tf.variable(tf.randomNormal([rows, s.embed], 0, 0.05, "float32", seed + k));
  const itemIn = 2 * s.embed + s.itemNumbers;
  const userIn = s.dim + s.embed + s.userNumbers;
  return {
    "item/id_embedding": emb(s.idRows, 1),
    "item/feature_embedding": emb(s.buckets, 2),
    "item/dense1/kernel": glorot([itemIn, s.hidden], 3),
    "item/dense1/bias": tf.variable(tf.zeros([s.hidden])),
    "item/dense2/kernel": glorot([s.hidden, s.dim], 4),
    "item/dense2/bias": tf.variable(tf.zeros([s.dim])),
    "user/feature_embedding": emb(s.buckets, 5),
    "user/dense1/kernel": glorot([userIn, s.hidden], 6),
    "user/dense1/bias": tf.variable(tf.zeros([s.hidden])),
    "user/dense2/kernel": glorot([s.hidden, s.dim], 7),
    "user/dense2/bias": tf.variable(tf.zeros([s.dim])),
  };
}

/**
 * Reserves the last output coordinate for an item bias: the user tower's dense2 column there is set to 0 and its
 * bias to 1, so every user vector ends in a constant 1 and every item vector's last coordinate is that item's bias
 * (a popularity prior the item tower learns from every example, cold items' from their features). Serving is the
 * same weights and the same dot product — nothing else needs to know. towerStep keeps the column pinned when
 * `StepInput.biasColumn` is set.
 */
export function pinBiasColumn(v: TowerVars): void {
  const k = v["user/dense2/kernel"];
  const dim = k.shape[1]!;
  const keep = tf.tidy(() => biasMask(dim));
  tf.tidy(() => {
    k.assign(tf.mul(k, keep));
    const keep1 = tf.reshape(keep, [dim]);
    v["user/dense2/bias"].assign(tf.add(tf.mul(v["user/dense2/bias"], keep1), tf.sub(1, keep1)));
  });
  keep.dispose();
}

/** [1, dim]: 1 everywhere but 0 at the bias coordinate (the last). */
const biasMask = (dim: number): tf.Tensor2D => tf.concat([tf.ones([1, dim - 1]), tf.zeros([1, 1])], 1) as tf.Tensor2D;

export interface TowerBatch {
  rows: number;
  width: number;
  tokens: Int32Array;
  weights: Float32Array;
  numeric: Float32Array;
  numericWidth: number;
}

const idx2 = (a: Int32Array): tf.Tensor2D => tf.tensor2d(a, [a.length, 1], "int32");
const mat = (v: tf.Variable): tf.Tensor2D => v as unknown as tf.Tensor2D;

/**
 * a·b with optional transposes, done as an explicit transpose then a plain product: tfjs-wasm's BatchMatMul runs
 * its fast (XNNPACK) path only without transpose flags; with them it is 10–30× slower (measured on the tower step:
 * 120 ms → a few ms per 512-row batch).
 */
function mm(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor2D {
  return tf.matMul((transposeA ? tf.transpose(a) : a) as tf.Tensor2D, (transposeB ? tf.transpose(b) : b) as tf.Tensor2D);
}

/** Σ_l w[r,l] · table[tok[r,l]] → [rows, e]. */
function bag(table: tf.Variable, x: TowerBatch): tf.Tensor2D {
  const e = table.shape[1]!;
  const g = tf.reshape(tf.gatherND(table, idx2(x.tokens)), [x.rows, x.width, e]);
  return tf.sum(tf.mul(g, tf.tensor3d(x.weights, [x.rows, x.width, 1])), 1) as tf.Tensor2D;
}

/** ∂/∂table of bag(): each token's row gets weight × the row's upstream gradient. */
function bagGrad(table: tf.Variable, x: TowerBatch, dOut: tf.Tensor2D): tf.Tensor {
  const e = table.shape[1]!;
  const per = tf.mul(tf.reshape(dOut, [x.rows, 1, e]), tf.tensor3d(x.weights, [x.rows, x.width, 1]));
  return tf.scatterND(idx2(x.tokens), tf.reshape(per, [x.rows * x.width, e]), table.shape);
}

interface MlpTrace {
  x: tf.Tensor2D;
  z1: tf.Tensor2D;
  h: tf.Tensor2D;
  out: tf.Tensor2D;
}

function mlp(x: tf.Tensor2D, k1: tf.Variable, b1: tf.Variable, k2: tf.Variable, b2: tf.Variable): MlpTrace {
  const z1 = tf.add(tf.matMul(x, mat(k1)), b1) as tf.Tensor2D;
  const h = tf.relu(z1);
  return { x, z1, h, out: tf.add(tf.matMul(h, mat(k2)), b2) as tf.Tensor2D };
}

/** Gradients of an mlp for upstream dOut: the four parameters and the input. */
function mlpGrad(t: MlpTrace, k1: tf.Variable, k2: tf.Variable, dOut: tf.Tensor2D) {
  const dk2 = mm(t.h, dOut, true, false);
  const db2 = tf.sum(dOut, 0);
  const dz1 = tf.mul(mm(dOut, mat(k2), false, true), tf.step(t.z1));
  const dk1 = mm(t.x, dz1, true, false);
  const db1 = tf.sum(dz1, 0);
  return { dk1, db1, dk2, db2, dx: mm(dz1, mat(k1), false, true) };
}

interface ItemTrace {
  ids: Int32Array;
  x: TowerBatch;
  mlp: MlpTrace;
}

/** Item vectors [rows, dim] for id rows `ids` (0 = OOV) and encoded features. */
export function itemTower(v: TowerVars, ids: Int32Array, x: TowerBatch): tf.Tensor2D {
  return itemTowerTrace(v, ids, x).mlp.out;
}

/** The item tower's hidden layer [rows, hidden] (after the relu): what dense2 maps to the output. */
export function itemHidden(v: TowerVars, ids: Int32Array, x: TowerBatch): tf.Tensor2D {
  return itemTowerTrace(v, ids, x).mlp.h;
}

function itemTowerTrace(v: TowerVars, ids: Int32Array, x: TowerBatch): ItemTrace {
  const parts: tf.Tensor2D[] = [tf.gatherND(v["item/id_embedding"], idx2(ids)) as tf.Tensor2D, bag(v["item/feature_embedding"], x)];
  if (x.numericWidth > 0) parts.push(tf.tensor2d(x.numeric, [x.rows, x.numericWidth]));
  return { ids, x, mlp: mlp(tf.concat(parts, 1), v["item/dense1/kernel"], v["item/dense1/bias"], v["item/dense2/kernel"], v["item/dense2/bias"]) };
}

interface UserTrace {
  x: TowerBatch;
  pool: tf.Tensor2D;
  mlp: MlpTrace;
}

/** The masked-mean pooling matrix [rows, historyWidth] (mask / count) of a history. */
function poolWeights(mask: Float32Array, rows: number, width: number): Float32Array {
  const w = new Float32Array(mask.length);
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (let h = 0; h < width; h++) c += mask[r * width + h]!;
    if (c > 0) for (let h = 0; h < width; h++) w[r * width + h] = mask[r * width + h]! / c;
  }
  return w;
}

/** User vectors [rows, dim]: the masked mean of history item vectors (rows of `itemVectors`) with the attributes. */
export function userTower(
  v: TowerVars, itemVectors: tf.Tensor2D, historyRows: Int32Array, mask: Float32Array, historyWidth: number, x: TowerBatch,
): tf.Tensor2D {
  return userTowerTrace(v, itemVectors, historyRows, mask, historyWidth, x).mlp.out;
}

function userTowerTrace(
  v: TowerVars, itemVectors: tf.Tensor2D, historyRows: Int32Array, mask: Float32Array, width: number, x: TowerBatch,
): UserTrace {
  const dim = itemVectors.shape[1];
  const n = x.rows;
  const pool = tf.tensor3d(poolWeights(mask, n, width), [n, width, 1]);
  const h = tf.reshape(tf.gatherND(itemVectors, idx2(historyRows)), [n, width, dim]);
  const pooled = tf.sum(tf.mul(h, pool), 1) as tf.Tensor2D;
  const parts: tf.Tensor2D[] = [pooled, bag(v["user/feature_embedding"], x)];
  if (x.numericWidth > 0) parts.push(tf.tensor2d(x.numeric, [n, x.numericWidth]));
  const trace = mlp(tf.concat(parts, 1), v["user/dense1/kernel"], v["user/dense1/bias"], v["user/dense2/kernel"], v["user/dense2/bias"]);
  return { x, pool: tf.reshape(pool, [n, width]) as tf.Tensor2D, mlp: trace };
}

export interface StepInput {
  /** Distinct items of the batch: id rows (after id dropout) and features. */
  itemIds: Int32Array;
  items: TowerBatch;
  /**
   * The softmax's columns as indices among the distinct items: the n examples' positives first (row r's target is
   * column r), then any extra sampled negatives. Per example: the history's indices, mask and width.
   */
  candidates: Int32Array;
  history: Int32Array;
  mask: Float32Array;
  historyWidth: number;
  users: TowerBatch;
  /** Keep the user tower's last output pinned to 1 (see pinBiasColumn): its gradient is dropped. */
  biasColumn?: boolean;
  /** log Q of each column's item (already scaled), and 1e9 where column j holds row i's own item (j ≠ i): [n, columns]. */
  logQ: Float32Array;
  sameItem: Float32Array;
}

/**
 * Forward and backward of one batch of sampled softmax with log-Q correction: row r's positive is column r, every
 * other column (the batch's other positives, then the extra negatives) a negative with its logit lowered by log Q.
 * Applies the gradients with `optimizer` and returns the mean cross-entropy. Also returns the raw gradients (tests).
 */
export function towerStep(v: TowerVars, optimizer: tf.Optimizer | null, b: StepInput): { loss: tf.Scalar; grads: Record<string, tf.Tensor> } {
  const it = itemTowerTrace(v, b.itemIds, b.items);
  const V = it.mlp.out;
  const S = V.shape[0];
  const dim = V.shape[1];
  const ut = userTowerTrace(v, V, b.history, b.mask, b.historyWidth, b.users);
  const U = ut.mlp.out;
  const n = U.shape[0];
  const c = b.candidates.length;
  const C = tf.gatherND(V, idx2(b.candidates)) as tf.Tensor2D;
  const logits = tf.sub(tf.sub(mm(U, C, false, true), tf.tensor2d(b.logQ, [1, c])), tf.tensor2d(b.sameItem, [n, c]));
  const eye = tf.eye(n, c);
  const loss = tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, eye), 1))) as tf.Scalar;
  // ∂loss/∂logits = (softmax − I) / n
  const dLogits = tf.div(tf.sub(tf.softmax(logits), eye), n) as tf.Tensor2D;
  let dU = tf.matMul(dLogits, C) as tf.Tensor2D;
  if (b.biasColumn) dU = tf.mul(dU, biasMask(dim));
  const dC = mm(dLogits, U, true, false);
  const ug = mlpGrad(ut.mlp, v["user/dense1/kernel"], v["user/dense2/kernel"], dU as tf.Tensor2D);
  const e = v["user/feature_embedding"].shape[1]!;
  const dPooled = tf.slice(ug.dx, [0, 0], [n, dim]) as tf.Tensor2D;
  const dUserBag = tf.slice(ug.dx, [0, dim], [n, e]) as tf.Tensor2D;
  // V receives gradient from the positives and, through the pooling, from every history slot.
  const dHist = tf.mul(tf.reshape(dPooled, [n, 1, dim]), tf.reshape(ut.pool, [n, b.historyWidth, 1]));
  const dV = tf.add(
    tf.scatterND(idx2(b.candidates), dC, [S, dim]),
    tf.scatterND(idx2(b.history), tf.reshape(dHist, [n * b.historyWidth, dim]), [S, dim]),
  ) as tf.Tensor2D;
  const ig = mlpGrad(it.mlp, v["item/dense1/kernel"], v["item/dense2/kernel"], dV);
  const ie = v["item/id_embedding"].shape[1]!;
  const grads: Record<TowerWeightName, tf.Tensor> = {
    "item/id_embedding": tf.scatterND(idx2(b.itemIds), tf.slice(ig.dx, [0, 0], [S, ie]), v["item/id_embedding"].shape),
    "item/feature_embedding": bagGrad(v["item/feature_embedding"], b.items, tf.slice(ig.dx, [0, ie], [S, ie]) as tf.Tensor2D),
    "item/dense1/kernel": ig.dk1,
    "item/dense1/bias": ig.db1,
    "item/dense2/kernel": ig.dk2,
    "item/dense2/bias": ig.db2,
    "user/feature_embedding": bagGrad(v["user/feature_embedding"], b.users, dUserBag),
    "user/dense1/kernel": ug.dk1,
    "user/dense1/bias": ug.db1,
    "user/dense2/kernel": ug.dk2,
    "user/dense2/bias": ug.db2,
  };
  if (optimizer) {
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[v[k as TowerWeightName].name] = g;
    optimizer.applyGradients(named);
  }
  return { loss, grads };
}
