// Runs the AnnIndex contract against the HNSW wasm index (in Node), plus HNSW-specific behaviour.

import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { HNSW_WASM_PATH, loadHnswWasmNode } from "../../trainer/io/hnsw-wasm-node.ts";
import { Rng } from "../random.ts";
import { annContract, clusteredVectors } from "./contract.case.ts";
import { AnnError } from "./errors.ts";
import { HnswIndex } from "./hnsw.ts";
import { HnswWasm } from "./wasm/loader.ts";

let wasm: HnswWasm;
beforeAll(async () => {
  wasm = await loadHnswWasmNode();
});

annContract("hnsw (wasm)", {
  // ef ≥ n on the contract's small sets, so search is exact and comparable with the oracle.
  create: async (opts) => HnswIndex.create(wasm, { ...opts, M: 16, efConstruction: 200, ef: 500 }),
  deserialize: async (bytes, space, dim) => HnswIndex.deserialize(wasm, bytes, { space, dim, ef: 500 }),
});

describe("HnswIndex", () => {
  it("scoreLabels gives the exact similarity of each labelled point (SIMD scan of a candidate set)", () => {
    const dim = 20;
    const n = 300;
    const vs = clusteredVectors(n, dim, 6, 4);
    const rng = new Rng(9);
    const q = Float32Array.from({ length: dim }, () => rng.normal());
    for (const space of ["ip", "l2"] as const) {
      const index = HnswIndex.create(wasm, { space, dim, capacity: n + 5, M: 8, efConstruction: 50, ef: 20 });
      for (let r = 0; r < n; r++) index.add(vs.subarray(r * dim, (r + 1) * dim), r);
      // An out-of-order label (internal id ≠ label) goes through the lookup path.
      index.add(vs.subarray(0, dim), 1000);
      index.remove(7);
      const labels = Int32Array.from([0, 5, 7, 299, 1000, 4242, 150]);
      const got = index.scoreLabels(q, labels);
      labels.forEach((label, i) => {
        if (label === 7 || label === 4242) return expect(got[i]).toBeNaN();
        const row = label === 1000 ? 0 : label;
        let want = 0;
        for (let d = 0; d < dim; d++) want += space === "ip" ? vs[row * dim + d]! * q[d]! : -((vs[row * dim + d]! - q[d]!) ** 2);
        expect(got[i]).toBeCloseTo(want, 4);
      });
      expect(() => index.scoreLabels(q, labels, new Float32Array(2))).toThrow(AnnError);
      expect(() => index.scoreLabels(q.subarray(1), labels)).toThrow(AnnError);
      index.dispose();
    }
  });

  it("reports its parameters and refuses bad ones", () => {
    const index = HnswIndex.create(wasm, { space: "ip", dim: 8, capacity: 100, M: 12, efConstruction: 150, ef: 40 });
    expect([index.M, index.efConstruction, index.ef, index.capacity]).toEqual([12, 150, 40, 100]);
    expect(() => (index.ef = 0)).toThrow(AnnError);
    index.dispose();
    expect(() => index.size()).toThrow(/disposed/);
    expect(() => HnswIndex.create(wasm, { space: "ip", dim: 8, capacity: 0 })).toThrow(AnnError);
    expect(() => HnswIndex.create(wasm, { space: "ip", dim: 8, capacity: 10, M: 1 })).toThrow(AnnError);
    expect(() => HnswIndex.create(wasm, { space: "dot" as never, dim: 8, capacity: 10 })).toThrow(/expected one of/);
  });

  it("the loader refuses what is not hnsw.wasm with a typed error", async () => {
    await expect(HnswWasm.load(new Uint8Array([1, 2, 3]))).rejects.toThrow(/cannot instantiate hnsw.wasm/);
    const other = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]); // an empty, valid module
    await expect(HnswWasm.load(other)).rejects.toThrow(/lacks the export 'memory'/);
    await expect(HnswWasm.load(Promise.resolve(new Response("nope", { status: 404 })))).rejects.toThrow(/HTTP 404/);
    const viaBytes = await HnswWasm.load(readFileSync(HNSW_WASM_PATH));
    expect(viaBytes.loadedFrom).toBe("bytes");
    const index = HnswIndex.create(viaBytes, { space: "ip", dim: 2, capacity: 2 });
    index.add([1, 0], 0);
    expect(index.search([1, 0], 1)).toEqual([{ label: 0, score: 1 }]);
    index.dispose();
    const viaResponse = await HnswWasm.load(new Response(readFileSync(HNSW_WASM_PATH)));
    expect(viaResponse.loadedFrom).toBe("response-bytes"); // no application/wasm content type: not streamed
  });

  it("deserialize with the wrong dimension says which dimension the index has", () => {
    const index = HnswIndex.create(wasm, { space: "l2", dim: 8, capacity: 10 });
    index.add([1, 2, 3, 4, 5, 6, 7, 8], 0);
    const bytes = index.serialize();
    index.dispose();
    expect(() => HnswIndex.deserialize(wasm, bytes, { space: "l2", dim: 4 })).toThrow(/dimension 8, expected 4/);
  });

  it("reuses the slot of a removed point when full, and re-adding a removed label restores it", () => {
    const index = HnswIndex.create(wasm, { space: "l2", dim: 2, capacity: 2 });
    index.add([0, 0], 1);
    index.add([1, 1], 2);
    index.remove(1);
    index.add([5, 5], 3);
    expect(index.size()).toBe(2);
    expect(index.search([5, 5], 1)[0]!.label).toBe(3);
    expect(() => index.add([9, 9], 4)).toThrow(/full/);
    index.remove(2);
    index.add([2, 2], 2);
    expect(index.search([2, 2], 1)).toEqual([{ label: 2, score: -0 }]);
    index.dispose();
  });

  it("a filter that throws fails the search with that error and leaves the index usable", () => {
    const index = HnswIndex.create(wasm, { space: "ip", dim: 2, capacity: 10 });
    for (let i = 0; i < 10; i++) index.add([i, 1], i);
    expect(() =>
      index.search([1, 0], 3, () => {
        throw new Error("filter broke");
      }),
    ).toThrow("filter broke");
    expect(index.search([1, 0], 3).map((h) => h.label)).toEqual([9, 8, 7]);
    // Re-entering the index from its own filter would overwrite the buffers the search is reading.
    expect(() => index.search([1, 0], 3, (label) => index.search([0, 1], 1).length > label)).toThrow(/must not use the index/);
    expect(() => index.search([1, 0], 3, (label) => (index.remove(label), true))).toThrow(/must not use the index/);
    expect(index.size()).toBe(10);
    expect(index.search([1, 0], 3).map((h) => h.label)).toEqual([9, 8, 7]);
    index.dispose();
  });

  it("survives memory growth: indexes made before the memory grew keep working", () => {
    const small = HnswIndex.create(wasm, { space: "l2", dim: 64, capacity: 2000, M: 8, efConstruction: 40 });
    const v = new Float32Array(64);
    const fill = (i: number) => {
      for (let d = 0; d < 64; d++) v[d] = Math.sin(i * 0.37 + d);
      return v;
    };
    for (let i = 0; i < 2000; i++) small.add(fill(i), i);
    const want = small.search(fill(1234), 5);
    expect(want[0]!.label).toBe(1234);
    const bytes = small.serialize();
    const before = wasm.exports.memory.buffer.byteLength;
    const big = HnswIndex.create(wasm, { space: "l2", dim: 64, capacity: 100_000, M: 8, efConstruction: 40 });
    for (let i = 0; i < 2000; i++) big.add(fill(i), i);
    expect(wasm.exports.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(small.search(fill(1234), 5)).toEqual(want);
    expect(small.serialize()).toEqual(bytes);
    expect(big.search(fill(1234), 1)[0]!.label).toBe(1234);
    big.dispose();
    small.dispose();
  });

  it("a C++ exception thrown deep inside the module becomes an AnnError with its message, and frees what it held", () => {
    const dim = 8;
    const index = HnswIndex.create(wasm, { space: "l2", dim, capacity: 50 });
    const vs = clusteredVectors(50, dim, 3, 1);
    for (let i = 0; i < 50; i++) index.add(vs.subarray(i * dim, (i + 1) * dim), i);
    const bytes = index.serialize();
    index.dispose();
    // Give element 1 the label of element 0: found only after the index is allocated, so the throw must unwind
    // through hnswlib's constructor-built object and free it.
    const record = 2 * 16 * 4 + 4 + dim * 4 + 8;
    const dup = bytes.slice();
    dup.copyWithin(96 + 2 * record - 8, 96 + record - 8, 96 + record);
    const memoryBefore = wasm.exports.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) {
      expect(() => HnswIndex.deserialize(wasm, dup, { space: "l2", dim })).toThrow(/label 0 appears twice/);
    }
    expect(wasm.exports.memory.buffer.byteLength).toBe(memoryBefore);
    expect(() => HnswIndex.deserialize(wasm, bytes, { space: "l2", dim, capacity: 2_000_000_000 })).toThrow(/does not fit in wasm32 memory/);
    expect(() => HnswIndex.create(wasm, { space: "l2", dim: 4096, capacity: 1_000_000 })).toThrow(/does not fit in wasm32 memory/);
    const ok = HnswIndex.deserialize(wasm, bytes, { space: "l2", dim });
    expect(ok.search(vs.subarray(0, dim), 1)[0]!.label).toBe(0);
    ok.dispose();
  });

  it("random corruption anywhere in the bytes: an AnnError, or an index whose answers are real labels", () => {
    const dim = 8;
    const n = 300;
    const vs = clusteredVectors(n, dim, 5, 2);
    const index = HnswIndex.create(wasm, { space: "ip", dim, capacity: n, M: 8 });
    for (let i = 0; i < n; i++) index.add(vs.subarray(i * dim, (i + 1) * dim), i);
    const bytes = index.serialize();
    index.dispose();
    const rng = new Rng(99);
    let refused = 0;
    for (let t = 0; t < 400; t++) {
      const bad = bytes.slice();
      const flips = 1 + rng.int(3);
      for (let f = 0; f < flips; f++) bad[rng.int(bad.length)] = rng.int(256);
      let back: HnswIndex;
      try {
        back = HnswIndex.deserialize(wasm, rng.next() < 0.2 ? bad.subarray(0, rng.int(bad.length)) : bad, { space: "ip", dim });
      } catch (e) {
        expect(e).toBeInstanceOf(AnnError);
        refused++;
        continue;
      }
      // Accepted: the change was to a vector component, a label, a deletion mark or a valid link.
      const hits = back.search(vs.subarray(0, dim), 10);
      expect(hits.length).toBeLessThanOrEqual(10);
      for (const h of hits) expect(Number.isFinite(h.score) && Number.isInteger(h.label)).toBe(true);
      back.dispose();
    }
    expect(refused).toBeGreaterThan(50);
  });
});
