// The HNSW item index against the exact one (the oracle): recall of top-10, filters applied inside the search,
// and `k` still met when a filter leaves only a few items.
import { describe, expect, it } from "vitest";
import { HnswIndex } from "../../shared/ann/hnsw.ts";
import { HnswWasm } from "../../shared/ann/wasm/loader.ts";
import { buildHnswIndexBytes } from "../../shared/ann/build-index.ts";
import { Rng } from "../../shared/random.ts";
import { hnswModuleNode } from "../node/hnsw.ts";
import { AnnItemIndex, ExactItemIndex } from "./item-index.ts";

describe("AnnItemIndex vs ExactItemIndex", async () => {
  const rows = 3000;
  const dim = 16;
  const rng = new Rng(3);
  const items = Float32Array.from({ length: rows * dim }, () => rng.normal());
  const params = { M: 16, efConstruction: 200, ef: 64 };
  const bytes = await buildHnswIndexBytes(items, rows, dim, "ip", params, hnswModuleNode());
  const ann = HnswIndex.deserialize(await HnswWasm.load(hnswModuleNode()), bytes, { space: "ip", dim, ef: 64 });
  const hnsw = new AnnItemIndex(ann, bytes.byteLength, items, dim, rows);
  const exact = new ExactItemIndex(items, dim, rows);
  const queries = Array.from({ length: 50 }, () => Float32Array.from({ length: dim }, () => rng.normal()));

  it("finds at least 90% of the exact top-10", () => {
    let found = 0;
    for (const q of queries) {
      const truth = new Set(exact.search(q, 10).rows);
      for (const r of hnsw.search(q, 10).rows) if (truth.has(r)) found++;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.9);
  });

  it("applies a filter inside the search and meets k", () => {
    const skip = (r: number) => r % 4 !== 1;
    for (const q of queries.slice(0, 10)) {
      const got = hnsw.search(q, 20, skip);
      expect(got.rows).toHaveLength(20);
      for (const r of got.rows) expect(r % 4).toBe(1);
    }
  });

  it("meets k with an exact finish when a filter leaves a handful of items", () => {
    const allowed = new Set([5, 77, 901, 1500, 2999, 42, 1234]);
    const got = hnsw.search(queries[0]!, 7, (r) => !allowed.has(r));
    expect([...got.rows].sort((a, b) => a - b)).toEqual([...allowed].sort((a, b) => a - b));
  });
});
