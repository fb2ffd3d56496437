// Recall of the HNSW wasm index against exact search, with the parameters chooseHnswParams picks: on clustered
// synthetic data, and on real item vectors (ALS item factors trained on MovieLens-100k, queried with the user
// factors, as the edge does). Node-only: it reads the dataset from disk.

import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ml100kPath } from "../../bench/data-path.ts";
import { buildHnswIndexBytesNode, loadHnswWasmNode } from "../../trainer/io/hnsw-wasm-node.ts";
import { loadInteractions } from "../../trainer/io/load-data.ts";
import { trainModel } from "../../trainer/train.ts";
import { chooseHnswParams } from "./build-index.ts";
import { clusteredVectors } from "./contract.case.ts";
import { ExactIndex } from "./exact.ts";
import { HnswIndex } from "./hnsw.ts";
import type { AnnIndex, AnnSpace } from "./types.ts";
import type { HnswWasm } from "./wasm/loader.ts";

let wasm: HnswWasm;
beforeAll(async () => {
  wasm = await loadHnswWasmNode();
});

/** Mean recall@k of `index` against `oracle` over the row-major `queries`. */
export function recallAt(k: number, index: AnnIndex, oracle: AnnIndex, queries: Float32Array, dim: number): number {
  let found = 0;
  let total = 0;
  for (let o = 0; o < queries.length; o += dim) {
    const q = queries.subarray(o, o + dim);
    const truth = new Set(oracle.search(q, k).map((h) => h.label));
    found += index.search(q, k).filter((h) => truth.has(h.label)).length;
    total += truth.size;
  }
  return found / total;
}

describe("HNSW recall against exact search", () => {
  it.each<AnnSpace>(["cosine", "l2", "ip"])("clustered synthetic 10,000 × 32 (%s): recall@10 ≥ 0.95 at the chosen ef", (space) => {
    const n = 10_000;
    const dim = 32;
    const vectors = clusteredVectors(n, dim, 100, 21);
    const queries = clusteredVectors(200, dim, 100, 21, 0.35, 22); // same centres, other points
    const params = chooseHnswParams(n, dim);
    const hnsw = HnswIndex.create(wasm, { space, dim, capacity: n, ...params });
    const exact = new ExactIndex({ space, dim });
    for (let i = 0; i < n; i++) {
      const v = vectors.subarray(i * dim, (i + 1) * dim);
      hnsw.add(v, i);
      exact.add(v, i);
    }
    const recall = recallAt(10, hnsw, exact, queries, dim);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // A tiny ef must be worse: the test would notice a search that ignores ef (e.g. brute force in disguise).
    hnsw.ef = 1;
    expect(recallAt(10, hnsw, exact, queries, dim)).toBeLessThan(recall);
    hnsw.dispose();
  });

  const ml100k = (() => {
    try {
      return ml100kPath();
    } catch {
      return undefined;
    }
  })();
  it.skipIf(ml100k === undefined || !existsSync(ml100k))(
    "MovieLens-100k ALS item factors, queried with user factors (ip): recall@10 ≥ 0.95 through buildHnswIndexBytes",
    async () => {
      const { data } = await loadInteractions(ml100k!);
      const model = await trainModel("als", data, { seed: 42 });
      const { dim, items } = model;
      const params = chooseHnswParams(items, dim);
      const bytes = await buildHnswIndexBytesNode(model.itemFactors, items, dim, "ip", params);
      const hnsw = HnswIndex.deserialize(wasm, bytes, { space: "ip", dim, ef: params.ef });
      expect(hnsw.size()).toBe(items);
      expect([hnsw.M, hnsw.efConstruction]).toEqual([params.M, params.efConstruction]);
      const exact = new ExactIndex({ space: "ip", dim });
      for (let r = 0; r < items; r++) exact.add(model.itemFactors.subarray(r * dim, (r + 1) * dim), r);
      const recall = recallAt(10, hnsw, exact, model.userFactors, dim);
      expect(recall).toBeGreaterThanOrEqual(0.95);
      hnsw.dispose();
    },
    180_000,
  );
});
