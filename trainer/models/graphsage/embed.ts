// GraphSAGE inference in plain typed arrays (Node, browser, Worker alike): the final user and item embeddings with
// full-neighbourhood means (what users.bin / items.bin hold), and the inductive embedding of an item that arrived
// after training, from the users who interacted with it, through the trained layers.

import type { Csr } from "../../../shared/data/csr.ts";

/** The trained network: ID embeddings and one weight matrix per layer and node side ((2·dim) × dim, row-major). */
export interface SageWeights {
  dim: number;
  userEmb: Float32Array;
  itemEmb: Float32Array;
  w1User: Float32Array;
  w1Item: Float32Array;
  w2User: Float32Array;
  w2Item: Float32Array;
}

/** Layer-1 outputs and final embeddings of every node. */
export interface SageEmbeddings {
  h1User: Float32Array;
  h1Item: Float32Array;
  users: Float32Array;
  items: Float32Array;
}

/** Mean of `table` rows over each node's neighbours (zeros for a node without any). */
function neighbourMean(adj: Csr, table: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(adj.rows * dim);
  for (let r = 0; r < adj.rows; r++) {
    const s = adj.indptr[r]!;
    const e = adj.indptr[r + 1]!;
    if (e === s) continue;
    const o = r * dim;
    for (let k = s; k < e; k++) {
      const q = adj.indices[k]! * dim;
      for (let d = 0; d < dim; d++) out[o + d]! += table[q + d]!;
    }
    const inv = 1 / (e - s);
    for (let d = 0; d < dim; d++) out[o + d]! *= inv;
  }
  return out;
}

/** One layer for one row: out = [self ‖ mean] · W, then relu + L2 normalise when `hidden`. */
export function layerRow(self: Float32Array, mean: Float32Array, w: Float32Array, dim: number, hidden: boolean, out: Float32Array): void {
  out.fill(0);
  for (let k = 0; k < dim; k++) {
    const a = self[k]!;
    const b = mean[k]!;
    const ra = k * dim;
    const rb = (dim + k) * dim;
    for (let j = 0; j < dim; j++) out[j]! += a * w[ra + j]! + b * w[rb + j]!;
  }
  if (!hidden) return;
  let ss = 0;
  for (let j = 0; j < dim; j++) {
    const v = out[j]! > 0 ? out[j]! : 0;
    out[j] = v;
    ss += v * v;
  }
  const inv = 1 / Math.sqrt(ss + 1e-12);
  for (let j = 0; j < dim; j++) out[j]! *= inv;
}

function layerAll(self: Float32Array, mean: Float32Array, w: Float32Array, rows: number, dim: number, hidden: boolean): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    layerRow(self.subarray(o, o + dim), mean.subarray(o, o + dim), w, dim, hidden, out.subarray(o, o + dim));
  }
  return out;
}

/** Every node's final embedding over its whole neighbourhood (byUser: user→item CSR, byItem: item→user). */
export function embedAll(w: SageWeights, byUser: Csr, byItem: Csr): SageEmbeddings {
  const { dim } = w;
  const h1User = layerAll(w.userEmb, neighbourMean(byUser, w.itemEmb, dim), w.w1User, byUser.rows, dim, true);
  const h1Item = layerAll(w.itemEmb, neighbourMean(byItem, w.userEmb, dim), w.w1Item, byItem.rows, dim, true);
  const users = layerAll(h1User, neighbourMean(byUser, h1Item, dim), w.w2User, byUser.rows, dim, false);
  const items = layerAll(h1Item, neighbourMean(byItem, h1User, dim), w.w2Item, byItem.rows, dim, false);
  return { h1User, h1Item, users, items };
}

/**
 * The embedding of an item unseen in training, from the rows of the (known) users who interacted with it. Its own
 * ID embedding is unknown, so it is zero: the path training exercises through item-ID dropout. Returns zeros for
 * no users; throws on a user row out of range.
 */
export function embedNewItem(w: SageWeights, h1User: Float32Array, userRows: ArrayLike<number>): Float32Array {
  const { dim } = w;
  const nUsers = w.userEmb.length / dim;
  const meanX = new Float32Array(dim);
  const meanH = new Float32Array(dim);
  const out = new Float32Array(dim);
  if (userRows.length === 0) return out;
  for (let n = 0; n < userRows.length; n++) {
    const u = userRows[n]!;
    if (!Number.isInteger(u) || u < 0 || u >= nUsers) throw new RangeError(`embedNewItem: user row ${u} is not in 0..${nUsers - 1}`);
    for (let d = 0; d < dim; d++) {
      meanX[d]! += w.userEmb[u * dim + d]!;
      meanH[d]! += h1User[u * dim + d]!;
    }
  }
  for (let d = 0; d < dim; d++) {
    meanX[d]! /= userRows.length;
    meanH[d]! /= userRows.length;
  }
  const h1 = new Float32Array(dim);
  layerRow(new Float32Array(dim), meanX, w.w1Item, dim, true, h1);
  layerRow(h1, meanH, w.w2Item, dim, false, out);
  return out;
}
