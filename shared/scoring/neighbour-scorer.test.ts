// The served item–item term against a hand computation from the dequantised list: distinct history rows, the
// (h + α)^-a scale, w · dense + sparse, and rows the list does not know ignored.

import { describe, expect, it } from "vitest";
import { quantiseNeighbours } from "../artifact/neighbours.ts";
import { NeighbourScorer, neighbourTermParams } from "./neighbour-scorer.ts";
import type { Manifest } from "../artifact/manifest.ts";

const csr = {
  rows: 5,
  indptr: Int32Array.of(0, 2, 4, 4, 6, 7),
  indices: Int32Array.of(1, 3, 0, 4, 0, 1, 2),
  values: Float32Array.of(0.4, 0.2, 0.5, 0.1, 0.3, 0.6, 0.9),
};
const list = quantiseNeighbours(csr, 2);
const value = (i: number, j: number): number => {
  for (let k = list.offsets[i]!; k < list.offsets[i + 1]!; k++) if (list.columns[k] === j) return list.scales[i]! * list.values[k]!;
  return 0;
};

describe("NeighbourScorer", () => {
  const scorer = new NeighbourScorer(list, { denseWeight: 0.3, offset: 2, exponent: 0.5 });

  it("sums each distinct history row once, scaled by (h + α)^-a, ignoring rows outside the list", () => {
    const { rows, scores } = scorer.sparse([3, 0, 3, 7, -1]);
    expect(Array.from(rows)).toEqual([0, 1, 3]);
    const scale = (2 + 2) ** -0.5;
    const want = [0, 1, 3].map((j) => (value(0, j) + value(3, j)) * scale);
    for (let k = 0; k < 3; k++) expect(scores[k]).toBeCloseTo(want[k]!, 6);
    expect(value(0, 1)).toBeCloseTo(0.4, 4);
  });

  it("turns dense scores into w · dense + sparse, in place", () => {
    const dense = Float32Array.of(1, -2, 0.5, 3, 0);
    const out = dense.slice();
    scorer.scoreAllInto([4], out);
    const scale = (1 + 2) ** -0.5;
    for (let i = 0; i < 5; i++) expect(out[i]).toBeCloseTo(0.3 * dense[i]! + value(4, i) * scale, 6);
    // An empty history leaves the dense order (scaled by w).
    const plain = dense.slice();
    scorer.scoreAllInto([], plain);
    expect(Array.from(plain)).toEqual(Array.from(dense, (d) => Math.fround(0.3 * d)));
  });

  it("reads its parameters from the manifest: denseWeight and the graph fold-in (filter, or projection in older versions)", () => {
    const manifest = { model: { params: { denseWeight: 0.5 }, foldIn: { method: "projection", offset: 8, exponent: 0.5 } } } as unknown as Manifest;
    expect(neighbourTermParams(manifest)).toEqual({ denseWeight: 0.5, offset: 8, exponent: 0.5 });
    const filtered = { model: { params: { denseWeight: 0.25 }, foldIn: { method: "filter", offset: 10, exponent: 0.4, filter: [1, 0.3] } } } as unknown as Manifest;
    expect(neighbourTermParams(filtered)).toEqual({ denseWeight: 0.25, offset: 10, exponent: 0.4 });
    expect(neighbourTermParams({ model: { params: {}, foldIn: null } } as unknown as Manifest)).toBeNull();
    expect(neighbourTermParams({ model: { params: { denseWeight: -1 }, foldIn: null } } as unknown as Manifest)).toBeNull();
  });
});
