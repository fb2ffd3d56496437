// The sparse GF-CF linear filter against the dense R̃ᵀR̃ computed by hand, and its top-k cut.

import { describe, expect, it } from "vitest";
import { buildCsr } from "../../../shared/data/csr.ts";
import { generateSynthetic } from "../../../shared/data/synthetic.ts";
import { normalisedCsr } from "../../train.ts";
import { addNeighbourScores, itemNeighbours } from "./neighbours.ts";

const data = generateSynthetic({ users: 60, items: 40, interactionsPerUser: 8, dim: 4, categories: 4, seed: 2 });
const { byUser, byItem } = normalisedCsr(data, "binary");

/** Dense G = D_i^-½ Rᵀ D_u^-u R D_i^-c (GF-CF's: u = 1, c = ½). */
function denseGram(userExp = 1, itemExp = 0.5): Float64Array {
  const n = byItem.rows;
  const g = new Float64Array(n * n);
  const di = Array.from({ length: n }, (_, i) => byItem.indptr[i + 1]! - byItem.indptr[i]!);
  for (let u = 0; u < byUser.rows; u++) {
    const a = byUser.indptr[u]!;
    const b = byUser.indptr[u + 1]!;
    for (let p = a; p < b; p++) {
      for (let q = a; q < b; q++) {
        const i = byUser.indices[p]!;
        const j = byUser.indices[q]!;
        g[i * n + j]! += (b - a) ** -userExp * di[i]! ** -0.5 * di[j]! ** -itemExp;
      }
    }
  }
  return g;
}

describe("itemNeighbours", () => {
  const n = byItem.rows;
  const dense = denseGram();

  it("with k ≥ items is R̃ᵀR̃ exactly (every co-occurring pair, nothing else)", () => {
    const g = itemNeighbours(byUser, byItem, n);
    for (let i = 0; i < n; i++) {
      const row = new Float64Array(n);
      for (let q = g.indptr[i]!; q < g.indptr[i + 1]!; q++) row[g.indices[q]!] = g.values[q]!;
      for (let j = 0; j < n; j++) expect(row[j]).toBeCloseTo(dense[i * n + j]!, 6);
    }
  });

  it("takes the shape of G from its exponents (users u, target items c)", () => {
    const shaped = denseGram(0.6, 0.45);
    const g = itemNeighbours(byUser, byItem, n, { userExponent: 0.6, itemExponent: 0.45 });
    for (let i = 0; i < n; i++) {
      const row = new Float64Array(n);
      for (let q = g.indptr[i]!; q < g.indptr[i + 1]!; q++) row[g.indices[q]!] = g.values[q]!;
      for (let j = 0; j < n; j++) expect(row[j]).toBeCloseTo(shaped[i * n + j]!, 6);
    }
  });

  it("keeps each row's k largest entries, sorted by column", () => {
    const k = 5;
    const g = itemNeighbours(byUser, byItem, k);
    for (let i = 0; i < n; i++) {
      const kept = Array.from(g.indices.subarray(g.indptr[i]!, g.indptr[i + 1]!));
      const nonzero = Array.from({ length: n }, (_, j) => dense[i * n + j]!).filter((x) => x > 0).length;
      expect(kept.length).toBe(Math.min(k, nonzero));
      expect(kept).toEqual([...kept].sort((a, b) => a - b));
      const smallestKept = Math.min(...kept.map((j) => dense[i * n + j]!));
      const largestDropped = Math.max(0, ...Array.from({ length: n }, (_, j) => j).filter((j) => !kept.includes(j)).map((j) => dense[i * n + j]!));
      expect(smallestKept).toBeGreaterThanOrEqual(largestDropped - 1e-9);
    }
  });

  it("scores a history as the weighted sum of its items' rows", () => {
    const g = buildCsr(3, 3, Int32Array.from([0, 0, 1, 2]), Int32Array.from([0, 2, 1, 0]), Float32Array.from([1, 0.5, 2, 4]));
    const out = new Float64Array(3);
    addNeighbourScores(g, [0, 2], [1, 2], out);
    expect(Array.from(out)).toEqual([9, 0, 0.5]);
  });
});
