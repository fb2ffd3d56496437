// GF-CF's linear filter kept sparse: the item–item matrix G = D_i^-½ Rᵀ D_u^-1 R D_i^-½ (Shen et al. CIKM 2021,
// R̃ᵀR̃ of the symmetrically normalised graph; its exponents are searched, see TermShape), each item's row cut to
// its `k` largest entries. A user's score is the sum of the rows of their items, s_u = r_u G_k, so it serves as a
// sum over the user's history (the "small sparse part"). Served: quantised into neighbours.bin
// (shared/artifact/neighbours.ts) and scored by shared/scoring/neighbour-scorer.ts offline and at the edge. Cost
// Σ_u d_u² multiply–adds (4·10⁷ on Gowalla), memory items × k.

import type { Csr } from "../../../shared/data/csr.ts";

/**
 * The shape of G: G = D_i^-½ Rᵀ D_u^-userExponent R D_i^-itemExponent. GF-CF's is (1, ½). A smaller user exponent
 * lets the co-occurrences of heavy users count for more, a smaller item exponent tilts each row towards popular
 * neighbours. Exact linear filter + low-pass on an own Gowalla 80/20 split (6,000 users, each at its best low-pass
 * weight): (1, ½) Recall@20 / NDCG@20 0.1921 / 0.1317; (0.6, 0.45) 0.2007 / 0.1397; (0.6, 0.4) 0.2009 / 0.1391;
 * (0.5, ½) 0.1989 / 0.1382; (0.4, ½) 0.1992 / 0.1376. The graph search tries both shapes (search.ts).
 */
export interface TermShape {
  userExponent: number;
  itemExponent: number;
}
export const GFCF_SHAPE: TermShape = { userExponent: 1, itemExponent: 0.5 };

/** Rows of G (items × items, CSR) with the `k` largest entries of each row, diagonal included. */
export function itemNeighbours(byUser: Csr, byItem: Csr, k: number, shape: TermShape = GFCF_SHAPE): Csr {
  const items = byItem.rows;
  const userScale = new Float64Array(byUser.rows);
  for (let u = 0; u < byUser.rows; u++) {
    let d = 0;
    for (let p = byUser.indptr[u]!; p < byUser.indptr[u + 1]!; p++) d += byUser.values[p]!;
    userScale[u] = d > 0 ? d ** -shape.userExponent : 0;
  }
  const rowScale = new Float64Array(items);
  const colScale = new Float64Array(items);
  for (let i = 0; i < items; i++) {
    let d = 0;
    for (let p = byItem.indptr[i]!; p < byItem.indptr[i + 1]!; p++) d += byItem.values[p]!;
    rowScale[i] = d > 0 ? d ** -0.5 : 0;
    colScale[i] = d > 0 ? d ** -shape.itemExponent : 0;
  }
  const acc = new Float64Array(items);
  const touched = new Int32Array(items);
  const heap = new TopK(k);
  const indptr = new Int32Array(items + 1);
  const indices = new Int32Array(items * Math.min(k, items));
  const values = new Float32Array(indices.length);
  let nnz = 0;
  for (let i = 0; i < items; i++) {
    let count = 0;
    for (let q = byItem.indptr[i]!; q < byItem.indptr[i + 1]!; q++) {
      const u = byItem.indices[q]!;
      const w = byItem.values[q]! * userScale[u]!;
      for (let p = byUser.indptr[u]!; p < byUser.indptr[u + 1]!; p++) {
        const j = byUser.indices[p]!;
        if (acc[j] === 0) touched[count++] = j;
        acc[j]! += w * byUser.values[p]!;
      }
    }
    heap.clear();
    for (let t = 0; t < count; t++) {
      const j = touched[t]!;
      heap.offer(j, acc[j]! * rowScale[i]! * colScale[j]!);
      acc[j] = 0;
    }
    nnz = heap.drainInto(indices, values, nnz);
    indptr[i + 1] = nnz;
  }
  return { rows: items, cols: items, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** Adds `weight` × the rows of `g` for the user's items into `out` (length items). */
export function addNeighbourScores(g: Csr, rows: ArrayLike<number>, weights: ArrayLike<number>, out: Float32Array | Float64Array): void {
  for (let n = 0; n < rows.length; n++) {
    const i = rows[n]!;
    const w = weights[n]!;
    for (let q = g.indptr[i]!; q < g.indptr[i + 1]!; q++) out[g.indices[q]!]! += w * g.values[q]!;
  }
}

/** The same rows cut to their `k` largest entries (columns stay ascending): a search tries several k off one G. */
export function truncateRows(g: Csr, k: number): Csr {
  const heap = new TopK(k);
  const indptr = new Int32Array(g.rows + 1);
  const indices = new Int32Array(g.indices.length);
  const values = new Float32Array(g.indices.length);
  let nnz = 0;
  for (let i = 0; i < g.rows; i++) {
    heap.clear();
    for (let q = g.indptr[i]!; q < g.indptr[i + 1]!; q++) heap.offer(g.indices[q]!, g.values[q]!);
    nnz = heap.drainInto(indices, values, nnz);
    indptr[i + 1] = nnz;
  }
  return { rows: g.rows, cols: g.cols, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** A min-heap of (index, score) keeping the `k` largest scores offered; ties keep the earlier offer. */
class TopK {
  private readonly index: Int32Array;
  private readonly score: Float64Array;
  private size = 0;
  constructor(private readonly k: number) {
    this.index = new Int32Array(k);
    this.score = new Float64Array(k);
  }
  clear(): void {
    this.size = 0;
  }
  offer(i: number, s: number): void {
    if (this.k === 0) return;
    if (this.size < this.k) {
      let c = this.size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (this.score[parent]! <= s) break;
        this.index[c] = this.index[parent]!;
        this.score[c] = this.score[parent]!;
        c = parent;
      }
      this.index[c] = i;
      this.score[c] = s;
    } else if (s > this.score[0]!) {
      this.siftDown(i, s);
    }
  }
  private siftDown(i: number, s: number): void {
    let c = 0;
    for (;;) {
      let child = 2 * c + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.score[child + 1]! < this.score[child]!) child++;
      if (this.score[child]! >= s) break;
      this.index[c] = this.index[child]!;
      this.score[c] = this.score[child]!;
      c = child;
    }
    this.index[c] = i;
    this.score[c] = s;
  }
  /** Writes the kept entries (sorted by index) at `at`; returns the next free position. */
  drainInto(indices: Int32Array, values: Float32Array, at: number): number {
    const order = Array.from({ length: this.size }, (_, n) => n).sort((a, b) => this.index[a]! - this.index[b]!);
    for (const n of order) {
      indices[at] = this.index[n]!;
      values[at++] = this.score[n]!;
    }
    this.size = 0;
    return at;
  }
}
