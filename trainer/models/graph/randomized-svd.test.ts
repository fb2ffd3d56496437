// The randomized SVD against matrices whose SVD is known by construction (A = U diag(s) Vᵀ with random orthonormal
// U, V), and the Jacobi eigensolver against a hand-checked 2×2 and a reconstruction identity.

import { describe, expect, it } from "vitest";
import type { Csr } from "../../../shared/data/csr.ts";
import { Rng } from "../../../shared/random.ts";
import { gramSchmidt, orthonormalise, symmetricEigen } from "./dense.ts";
import { randomizedSvd } from "./randomized-svd.ts";

function randomOrthonormal(rows: number, cols: number, rng: Rng): Float64Array {
  const a = new Float64Array(rows * cols).map(() => rng.next() - 0.5);
  gramSchmidt(a, rows, cols, () => rng.next());
  return a;
}

/** Dense row-major A = U diag(s) Vᵀ as CSR (both layouts), skipping exact zeros. */
function planted(m: number, n: number, s: number[], seed: number): { byRow: Csr; byCol: Csr; u: Float64Array; v: Float64Array } {
  const rng = new Rng(seed);
  const r = s.length;
  const u = randomOrthonormal(m, r, rng);
  const v = randomOrthonormal(n, r, rng);
  const dense = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let k = 0; k < r; k++) dense[i * n + j]! += u[i * r + k]! * s[k]! * v[j * r + k]!;
  const toCsr = (rows: number, cols: number, at: (i: number, j: number) => number): Csr => {
    const indptr = new Int32Array(rows + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) if (at(i, j) !== 0) (indices.push(j), values.push(at(i, j)));
      indptr[i + 1] = indices.length;
    }
    return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
  };
  return { byRow: toCsr(m, n, (i, j) => dense[i * n + j]!), byCol: toCsr(n, m, (j, i) => dense[i * n + j]!), u, v };
}

const columnDot = (a: Float64Array, ka: number, ca: number, b: Float64Array, kb: number, cb: number, rows: number): number => {
  let s = 0;
  for (let i = 0; i < rows; i++) s += a[i * ka + ca]! * b[i * kb + cb]!;
  return s;
};

describe("symmetricEigen", () => {
  it("solves a 2×2 by hand: [[2,1],[1,2]] has eigenvalues 3 and 1", () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0]! * vectors[2]!).toBeGreaterThan(0); // (1, 1)/√2 for eigenvalue 3
  });

  it("reconstructs a random symmetric matrix as V Λ Vᵀ", () => {
    const n = 12;
    const rng = new Rng(3);
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = rng.next() - 0.5;
    const { values, vectors } = symmetricEigen(m, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
        expect(s).toBeCloseTo(m[i * n + j]!, 10);
      }
    }
    for (let k = 1; k < n; k++) expect(values[k - 1]!).toBeGreaterThanOrEqual(values[k]!);
  });
});

describe("orthonormalise", () => {
  it("makes a tall block orthonormal, even when two columns are equal", () => {
    const rows = 50;
    const cols = 6;
    const rng = new Rng(8);
    const a = new Float64Array(rows * cols).map(() => rng.next() - 0.5);
    for (let r = 0; r < rows; r++) a[r * cols + 5] = a[r * cols + 2]!; // rank-deficient: Cholesky-QR must fall back
    orthonormalise(a, rows, cols, () => rng.next());
    for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) expect(columnDot(a, cols, i, a, cols, j, rows)).toBeCloseTo(i === j ? 1 : 0, 9);
  });
});

describe("randomizedSvd", () => {
  const s = [9, 7, 5, 4, 3, 2.5, 2, 1.5, 1, 0.5];
  const m = 80;
  const n = 60;
  const { byRow, byCol, u, v } = planted(m, n, s, 11);

  it("finds the leading singular values and vectors of a matrix with a known SVD", () => {
    const svd = randomizedSvd(byRow, byCol, 6, { oversample: 6, iterations: 4, seed: 1 });
    expect(svd.rank).toBe(6);
    for (let k = 0; k < 6; k++) {
      expect(svd.values[k]).toBeCloseTo(s[k]!, 4);
      // Singular vectors are unique up to sign.
      expect(Math.abs(columnDot(svd.v, 6, k, v, s.length, k, n))).toBeCloseTo(1, 4);
      expect(Math.abs(columnDot(svd.u, 6, k, u, s.length, k, m))).toBeCloseTo(1, 4);
    }
  });

  it("returns orthonormal singular vectors with A v = σ u", () => {
    const k = 4;
    const svd = randomizedSvd(byRow, byCol, k, { oversample: 4, iterations: 3, seed: 2 });
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(columnDot(svd.v, k, i, svd.v, k, j, n)).toBeCloseTo(i === j ? 1 : 0, 8);
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < k; j++) {
        let av = 0;
        for (let p = byRow.indptr[r]!; p < byRow.indptr[r + 1]!; p++) av += byRow.values[p]! * svd.v[byRow.indices[p]! * k + j]!;
        expect(av).toBeCloseTo(svd.values[j]! * svd.u[r * k + j]!, 4);
      }
    }
  });

  it("caps the rank at the matrix size and repeats exactly by seed", () => {
    const small = planted(5, 4, [3, 2, 1], 4);
    const a = randomizedSvd(small.byRow, small.byCol, 10, { oversample: 5, iterations: 2, seed: 7 });
    const b = randomizedSvd(small.byRow, small.byCol, 10, { oversample: 5, iterations: 2, seed: 7 });
    expect(a.rank).toBe(4);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(a.values[0]).toBeCloseTo(3, 6); // CSR values are float32
    expect(a.values[3]).toBeCloseTo(0, 6);
  });
});
