// Byte compatibility with native hnswlib (hnswlib-node, devDependency), both directions: index files written by
// native hnswlib load in the wasm module with the same neighbours and re-serialize to identical bytes, and files
// the wasm module writes load in hnswlib-node with the same neighbours. Node-only (native addon, temp files).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import hnswlibNode from "hnswlib-node"; // CommonJS addon: named ESM imports fail under tsx
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHnswWasmNode } from "../../trainer/io/hnsw-wasm-node.ts";
import { clusteredVectors } from "./contract.case.ts";
import { HnswIndex } from "./hnsw.ts";
import type { AnnSpace } from "./types.ts";
import type { HnswWasm } from "./wasm/loader.ts";

const { HierarchicalNSW } = hnswlibNode;

const dim = 32;
const n = 2000;
const vectors = clusteredVectors(n, dim, 20, 11);
const queries = clusteredVectors(100, dim, 20, 12);
const row = (vs: Float32Array, i: number) => Array.from(vs.subarray(i * dim, (i + 1) * dim));
const deleted = [17, 400, 1999];

let wasm: HnswWasm;
let dir: string;
beforeAll(async () => {
  wasm = await loadHnswWasmNode();
  dir = mkdtempSync(join(tmpdir(), "edgerec-hnsw-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fraction of queries whose top-10 label lists are identical, and the mean overlap of the sets. */
function agreement(a: number[][], b: number[][]): { identical: number; overlap: number } {
  let identical = 0;
  let overlap = 0;
  for (let q = 0; q < a.length; q++) {
    if (a[q]!.join() === b[q]!.join()) identical++;
    const set = new Set(b[q]);
    overlap += a[q]!.filter((l) => set.has(l)).length / Math.max(1, a[q]!.length);
  }
  return { identical: identical / a.length, overlap: overlap / a.length };
}

describe.each<AnnSpace>(["ip", "l2", "cosine"])("hnswlib-node ⇄ wasm (%s)", (space) => {
  it("native file → wasm: same neighbours, and serialize gives back the same bytes", () => {
    const native = new HierarchicalNSW(space, dim);
    native.initIndex({ maxElements: n + 10, m: 12, efConstruction: 100 });
    for (let i = 0; i < n; i++) native.addPoint(row(vectors, i), i * 2);
    for (const i of deleted) native.markDelete(i * 2);
    const file = join(dir, `native-${space}.hnsw`);
    native.writeIndexSync(file);
    const bytes = new Uint8Array(readFileSync(file));

    const ours = HnswIndex.deserialize(wasm, bytes, { space, dim, ef: 40 });
    native.setEf(40);
    expect(ours.size()).toBe(n - deleted.length);
    expect([ours.M, ours.efConstruction, ours.capacity]).toEqual([12, 100, n + 10]);
    expect(ours.serialize()).toEqual(bytes);

    const a: number[][] = [];
    const b: number[][] = [];
    for (let q = 0; q < 100; q++) {
      a.push(ours.search(row(queries, q), 10).map((h) => h.label));
      b.push(native.searchKnn(row(queries, q), 10).neighbors);
    }
    const agree = agreement(a, b);
    // The same graph searched with the same ef: only float rounding of the SIMD sums may differ.
    expect(agree.identical).toBeGreaterThanOrEqual(0.97);
    expect(agree.overlap).toBeGreaterThanOrEqual(0.995);
    expect(a.flat().some((l) => deleted.includes(l / 2))).toBe(false);
    ours.dispose();
  });

  it("wasm bytes → native: same neighbours, and native writes back the same bytes", () => {
    const ours = HnswIndex.create(wasm, { space, dim, capacity: n, M: 16, efConstruction: 120, ef: 40 });
    for (let i = 0; i < n; i++) ours.add(row(vectors, i), i + 5);
    for (const i of deleted) ours.remove(i + 5);
    const bytes = ours.serialize();
    const file = join(dir, `wasm-${space}.hnsw`);
    writeFileSync(file, bytes);

    const native = new HierarchicalNSW(space, dim);
    native.readIndexSync(file, true);
    native.setEf(40);
    expect(native.getCurrentCount()).toBe(n);
    const again = join(dir, `wasm-${space}-again.hnsw`);
    native.writeIndexSync(again);
    expect(new Uint8Array(readFileSync(again))).toEqual(bytes);

    const a: number[][] = [];
    const b: number[][] = [];
    for (let q = 0; q < 100; q++) {
      a.push(ours.search(row(queries, q), 10).map((h) => h.label));
      b.push(native.searchKnn(row(queries, q), 10).neighbors);
    }
    const agree = agreement(a, b);
    expect(agree.identical).toBeGreaterThanOrEqual(0.97);
    expect(agree.overlap).toBeGreaterThanOrEqual(0.995);
    expect(b.flat().some((l) => deleted.includes(l - 5))).toBe(false);
    ours.dispose();
  });
});
