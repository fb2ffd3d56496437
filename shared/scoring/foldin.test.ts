import { describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { createFoldIn, FilterFoldIn, FoldIn, gramMatrix, ProjectionFoldIn, solveSpdInPlace } from "./foldin.ts";

/** The closed form written out naively: build A and b densely, solve by Gaussian elimination. */
function naiveFoldIn(y: Float32Array, dim: number, rows: number[], weights: number[], alpha: number, lambda: number): number[] {
  const n = y.length / dim;
  const a = Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? lambda : 0)));
  const b = new Array(dim).fill(0);
  for (let r = 0; r < n; r++) for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) a[i]![j]! += y[r * dim + i]! * y[r * dim + j]!;
  rows.forEach((r, k) => {
    const c = 1 + alpha * weights[k]!;
    for (let i = 0; i < dim; i++) {
      b[i] += c * y[r * dim + i]!;
      for (let j = 0; j < dim; j++) a[i]![j]! += (c - 1) * y[r * dim + i]! * y[r * dim + j]!;
    }
  });
  for (let col = 0; col < dim; col++) {
    for (let row = col + 1; row < dim; row++) {
      const f = a[row]![col]! / a[col]![col]!;
      for (let j = col; j < dim; j++) a[row]![j]! -= f * a[col]![j]!;
      b[row] -= f * b[col];
    }
  }
  const x = new Array(dim).fill(0);
  for (let i = dim - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < dim; j++) s -= a[i]![j]! * x[j];
    x[i] = s / a[i]![i]!;
  }
  return x;
}

describe("FoldIn", () => {
  const dim = 8;
  const rng = new Rng(11);
  const y = Float32Array.from({ length: 40 * dim }, () => rng.normal() * 0.3);

  it("equals the closed form solved naively", () => {
    const f = new FoldIn(dim, gramMatrix(y, 40, dim), y, { alpha: 2, regularization: 0.5 });
    const rows = [3, 7, 7, 19, 33];
    const weights = [1, 2, 1, 0.5, 3];
    const got = Array.from(f.user(rows, weights));
    const want = naiveFoldIn(y, dim, rows, weights, 2, 0.5);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it("gives the zero vector for no items and does not keep state between calls", () => {
    const f = new FoldIn(dim, gramMatrix(y, 40, dim), y, { alpha: 1, regularization: 1 });
    expect(Array.from(f.user([])).every((v) => v === 0)).toBe(true);
    const a = Array.from(f.user([1, 2]));
    f.user([5, 6, 7]);
    expect(Array.from(f.user([1, 2]))).toEqual(a);
  });

  it("refuses a gram matrix of the wrong size", () => {
    expect(() => new FoldIn(dim, new Float64Array(10), y, { alpha: 1, regularization: 1 })).toThrow(/expected 8×8/);
  });

  it("solveSpdInPlace solves a known system", () => {
    const a = Float64Array.from([4, 0, 2, 3]); // lower triangle of [[4,2],[2,3]] is read
    const b = Float64Array.from([2, 5]);
    solveSpdInPlace(a, b, 2);
    expect(b[0]).toBeCloseTo(-0.5, 10);
    expect(b[1]).toBeCloseTo(2, 10);
  });
});

describe("MeanFoldIn (BPR)", () => {
  it("is the weighted mean of the items' vectors, with the bias coordinate fixed at 1", () => {
    const items = Float32Array.from([1, 0, 0.5, 0, 1, -0.5, 3, 3, 2]);
    const f = createFoldIn({ method: "mean", biasLast: true }, 3, items, null)!;
    expect(Array.from(f.user([0, 1], [1, 3]))).toEqual([0.25, 0.75, 1]);
    expect(Array.from(f.user([]))).toEqual([0, 0, 0]);
  });

  it("createFoldIn needs the gram matrix for ALS and nothing for no fold-in", () => {
    const items = new Float32Array(6);
    expect(createFoldIn(null, 3, items, null)).toBeNull();
    expect(createFoldIn({ method: "als", alpha: 1, regularization: 1 }, 3, items, null)).toBeNull();
    expect(createFoldIn({ method: "als", alpha: 1, regularization: 1 }, 3, items, new Float64Array(9))).toBeInstanceOf(FoldIn);
  });

  it("projection fold-in is (Σw + offset)^-exponent · Σ w_i P_i, needs its matrix and skips unknown rows", () => {
    const projection = Float32Array.from([1, 0, 0, 2, 3, 3]); // 3 items × dim 2
    expect(createFoldIn({ method: "projection", offset: 1, exponent: 0.5 }, 2, new Float32Array(6), null, null)).toBeNull();
    const f = createFoldIn({ method: "projection", offset: 1, exponent: 0.5 }, 2, new Float32Array(6), null, projection)!;
    expect(f).toBeInstanceOf(ProjectionFoldIn);
    const v = f.user([0, 2, 99], [1, 2, 5]);
    expect(v[0]).toBeCloseTo((1 + 2 * 3) / Math.sqrt(1 + 2 + 1), 6);
    expect(v[1]).toBeCloseTo((2 * 3) / Math.sqrt(4), 6);
    expect(Array.from(f.user([]))).toEqual([0, 0]);
  });

  it("filter fold-in is the projection fold-in with P_i = s_i · (y_i ⊙ h), derived from the item matrix", () => {
    const rng = new Rng(11);
    const dim = 5;
    const rows = 40;
    const items = Float32Array.from({ length: rows * dim }, () => rng.next() * 2 - 1);
    const scales = Float32Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? 0 : rng.next()));
    const filter = [1, 1, 0.3, 0.3, 0];
    const params = { method: "filter" as const, offset: 3, exponent: 0.5, filter };
    const projection = new Float32Array(rows * dim);
    for (let i = 0; i < rows; i++) for (let d = 0; d < dim; d++) projection[i * dim + d] = scales[i]! * items[i * dim + d]! * filter[d]!;
    const byFilter = createFoldIn(params, dim, items, null, scales)!;
    expect(byFilter).toBeInstanceOf(FilterFoldIn);
    const byProjection = new ProjectionFoldIn(dim, projection, params);
    const user = [0, 3, 9, 21, 39, 14];
    const weights = [1, 2, 0.5, 1, 3, 1];
    const a = byFilter.user(user, weights);
    const b = byProjection.user(user, weights);
    for (let d = 0; d < dim; d++) expect(a[d]).toBeCloseTo(b[d]!, 6);
    expect(a[4]).toBe(0); // h = 0 drops a direction
    expect(Array.from(byFilter.user([]))).toEqual([0, 0, 0, 0, 0]);
  });

  it("filter fold-in needs its scales, skips rows past them (items added live) and refuses a filter unlike dim", () => {
    const params = { method: "filter" as const, offset: 1, exponent: 1, filter: [2, 1] };
    const items = Float32Array.from([1, 0, 0, 1, 5, 5]); // 3 rows × dim 2: the third added after the scales
    const scales = Float32Array.from([1, 0.5]);
    expect(createFoldIn(params, 2, items, null, null)).toBeNull();
    const f = createFoldIn(params, 2, items, null, scales)!;
    // Rows 0 and 1 count (Σw = 2); rows 2 (no scale) and 99 (no item) add nothing, not even to Σw.
    expect(Array.from(f.user([0, 1, 2, 99]))).toEqual([(1 * 2) / 3, (0.5 * 1) / 3].map(Math.fround));
    expect(() => new FilterFoldIn(3, new Float32Array(6), scales, params)).toThrow(/2 weights, not dim 3/);
  });
});
