// One GraphSAGE mini-batch: BPR triples (user, positive, negative) drawn uniformly over the training interactions,
// each node's two-hop neighbour tree, and the item-ID dropout masks. Every draw comes from the one seeded Rng in a
// fixed order, in plain JavaScript (32-bit integer arithmetic), so a seed gives the same batches in every runtime
// (Node, Chromium, a Worker) and on every tfjs backend: the backend only ever sees the finished index arrays.

import type { Csr } from "../../../shared/data/csr.ts";
import type { Rng } from "../../../shared/random.ts";
import { sampleTree, type Tree } from "./sampler.ts";

export interface SageBatch {
  users: Int32Array;
  pos: Int32Array;
  neg: Int32Array;
  userTree: Tree;
  posTree: Tree;
  negTree: Tree;
  /** 1 keeps a target item's own ID embedding, 0 drops it (positives and negatives drawn independently). */
  dropPos: Float32Array;
  dropNeg: Float32Array;
}

/** The user of every interaction (CSR position → row), for drawing interactions uniformly. */
export function interactionRows(byUser: Csr): Int32Array {
  const rowOf = new Int32Array(byUser.indices.length);
  for (let r = 0; r < byUser.rows; r++) rowOf.fill(r, byUser.indptr[r]!, byUser.indptr[r + 1]!);
  return rowOf;
}

/**
 * Draws `want` triples (fewer when a user has interacted with every item and has no negative) and their trees.
 * Returns null when no triple could be drawn.
 */
export function drawBatch(
  byUser: Csr, byItem: Csr, rowOf: Int32Array, want: number, fanouts: readonly [number, number], idDropout: number, rng: Rng,
): SageBatch | null {
  const nnz = byUser.indices.length;
  const nItems = byUser.cols;
  const bu = new Int32Array(want);
  const bi = new Int32Array(want);
  const bj = new Int32Array(want);
  let n = 0;
  for (let s = 0; s < want; s++) {
    const k = rng.int(nnz);
    const u = rowOf[k]!;
    const neg = sampleNegative(byUser, u, nItems, rng);
    if (neg < 0) continue;
    bu[n] = u;
    bi[n] = byUser.indices[k]!;
    bj[n] = neg;
    n++;
  }
  if (n === 0) return null;
  const users = bu.slice(0, n);
  const pos = bi.slice(0, n);
  const neg = bj.slice(0, n);
  const userTree = sampleTree(byUser, byItem, users, fanouts, rng);
  const posTree = sampleTree(byItem, byUser, pos, fanouts, rng);
  const negTree = sampleTree(byItem, byUser, neg, fanouts, rng);
  const dropPos = new Float32Array(n);
  const dropNeg = new Float32Array(n);
  for (let k = 0; k < n; k++) dropPos[k] = rng.next() < idDropout ? 0 : 1;
  for (let k = 0; k < n; k++) dropNeg[k] = rng.next() < idDropout ? 0 : 1;
  return { users, pos, neg, userTree, posTree, negTree, dropPos, dropNeg };
}

/** An item the user has not interacted with (rejection sampling, binary search in the sorted CSR row); −1 if none. */
export function sampleNegative(m: Csr, user: number, nItems: number, rng: Rng): number {
  const start = m.indptr[user]!;
  const end = m.indptr[user + 1]!;
  if (end - start >= nItems) return -1;
  for (;;) {
    const j = rng.int(nItems);
    let lo = start;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m.indices[mid]! < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= end || m.indices[lo] !== j) return j;
  }
}
