// The export's index builder: the parameter rule, and index.hnsw bytes with label = item row.

import { describe, expect, it } from "vitest";
import { hnswWasmModule, loadHnswWasmNode } from "../../trainer/io/hnsw-wasm-node.ts";
import { buildHnswIndexBytes, chooseHnswParams } from "./build-index.ts";
import { clusteredVectors } from "./contract.case.ts";
import { AnnError } from "./errors.ts";
import { HnswIndex } from "./hnsw.ts";

describe("chooseHnswParams", () => {
  it("follows the table in TUNING.md", () => {
    expect(chooseHnswParams(0, 32)).toEqual({ M: 32, efConstruction: 200, ef: 64 });
    expect(chooseHnswParams(1682, 32)).toEqual({ M: 32, efConstruction: 200, ef: 64 });
    expect(chooseHnswParams(100_000, 64)).toEqual({ M: 16, efConstruction: 200, ef: 96 });
    expect(chooseHnswParams(100_000, 256)).toEqual({ M: 32, efConstruction: 200, ef: 96 });
    expect(chooseHnswParams(1_000_000, 64)).toEqual({ M: 32, efConstruction: 400, ef: 128 });
    expect(chooseHnswParams(1_000_000, 768)).toEqual({ M: 48, efConstruction: 400, ef: 128 });
  });

  it("refuses nonsense sizes", () => {
    expect(() => chooseHnswParams(-1, 32)).toThrow(AnnError);
    expect(() => chooseHnswParams(10, 0)).toThrow(/dimension/);
    expect(() => chooseHnswParams(1.5, 32)).toThrow(/catalog size/);
  });
});

describe("buildHnswIndexBytes", () => {
  const rows = 500;
  const dim = 12;
  const vectors = clusteredVectors(rows, dim, 10, 4);

  it("labels each point with its row, with the given parameters, from a loaded module or a Module", async () => {
    const params = { M: 8, efConstruction: 64, ef: 50 };
    const wasm = await loadHnswWasmNode();
    const bytes = await buildHnswIndexBytes(vectors, rows, dim, "l2", params, wasm);
    expect(await buildHnswIndexBytes(vectors, rows, dim, "l2", params, hnswWasmModule())).toEqual(bytes);
    const index = HnswIndex.deserialize(wasm, bytes, { space: "l2", dim, ef: params.ef });
    expect(index.size()).toBe(rows);
    expect([index.M, index.efConstruction, index.capacity]).toEqual([8, 64, rows]);
    for (let r = 0; r < rows; r += 7) expect(index.search(vectors.subarray(r * dim, (r + 1) * dim), 1)[0]).toEqual({ label: r, score: -0 });
    index.dispose();
  });

  it("refuses a matrix whose length is not rows × dim, and bad vectors", async () => {
    const wasm = await loadHnswWasmNode();
    const params = chooseHnswParams(rows, dim);
    await expect(buildHnswIndexBytes(vectors.subarray(1), rows, dim, "ip", params, wasm)).rejects.toThrow(/rows × 12/);
    const withNaN = vectors.slice();
    withNaN[40] = NaN;
    await expect(buildHnswIndexBytes(withNaN, rows, dim, "ip", params, wasm)).rejects.toMatchObject({ code: "ann_bad_vector", message: expect.stringContaining("item row 3:") });
  });
});
