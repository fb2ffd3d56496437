// Compressed sparse rows of the user–item matrix: the layout every model and metric walks.

import type { Interactions } from "./interactions.ts";

export interface Csr {
  rows: number;
  cols: number;
  /** indptr[r]..indptr[r+1] are the entries of row r. */
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Builds user→item rows (or item→user rows with `transpose`), column indices sorted within each row. */
export function toCsr(data: Interactions, transpose = false): Csr {
  const rowsOf = transpose ? data.items : data.users;
  const colsOf = transpose ? data.users : data.items;
  const rows = transpose ? data.itemIds.size : data.userIds.size;
  const cols = transpose ? data.userIds.size : data.itemIds.size;
  return buildCsr(rows, cols, rowsOf, colsOf, data.weights);
}

export function buildCsr(rows: number, cols: number, rowOf: Int32Array, colOf: Int32Array, weight: Float32Array): Csr {
  const n = rowOf.length;
  const indptr = new Int32Array(rows + 1);
  for (let k = 0; k < n; k++) indptr[rowOf[k]! + 1]!++;
  for (let r = 0; r < rows; r++) indptr[r + 1]! += indptr[r]!;
  const fill = indptr.slice(0, rows);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const at = fill[rowOf[k]!]!++;
    indices[at] = colOf[k]!;
    values[at] = weight[k]!;
  }
  for (let r = 0; r < rows; r++) sortRow(indices, values, indptr[r]!, indptr[r + 1]!);
  return { rows, cols, indptr, indices, values };
}

function sortRow(indices: Int32Array, values: Float32Array, start: number, end: number): void {
  // Insertion sort is fine for short rows; long rows go through an index sort.
  if (end - start < 32) {
    for (let i = start + 1; i < end; i++) {
      const c = indices[i]!;
      const v = values[i]!;
      let j = i - 1;
      while (j >= start && indices[j]! > c) {
        indices[j + 1] = indices[j]!;
        values[j + 1] = values[j]!;
        j--;
      }
      indices[j + 1] = c;
      values[j + 1] = v;
    }
    return;
  }
  const order = Array.from({ length: end - start }, (_, i) => start + i).sort((a, b) => indices[a]! - indices[b]!);
  const ci = order.map((k) => indices[k]!);
  const cv = order.map((k) => values[k]!);
  indices.set(ci, start);
  values.set(cv, start);
}

export const rowLength = (m: Csr, r: number): number => m.indptr[r + 1]! - m.indptr[r]!;
