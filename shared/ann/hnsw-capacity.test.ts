// Issue 13 findings 2 and 3 at the index layer: a header whose max_elements overflows a 64-bit size product is
// refused (it used to pass, get truncated to a one-element wasm32 buffer and corrupt the heap), and a small file
// claiming a huge capacity gets at most count + count/4 + 1024 slots (it used to allocate them all).

import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { AnnError } from "./errors.ts";
import { HNSW_SLOT_OVERHEAD, hnswCapacityBound, hnswFileInfo } from "./hnsw-header.ts";
import { HnswIndex } from "./hnsw.ts";
import { HnswWasm } from "./wasm/loader.ts";
import { hnswWasmModule } from "../../trainer/io/hnsw-wasm-node.ts";

const dim = 8;
const M = 16;
const record = 2 * M * 4 + 4 + dim * 4 + 8;

function indexBytes(wasm: HnswWasm, n: number, capacity = n): { bytes: Uint8Array; vectors: Float32Array } {
  const rng = new Rng(5);
  const vectors = Float32Array.from({ length: n * dim }, () => rng.normal());
  const index = HnswIndex.create(wasm, { space: "l2", dim, capacity, M });
  for (let i = 0; i < n; i++) index.add(vectors.subarray(i * dim, (i + 1) * dim), i);
  const bytes = index.serialize();
  index.dispose();
  return { bytes, vectors };
}

const withMaxElements = (bytes: Uint8Array, max: bigint): Uint8Array => {
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(8, max, true);
  return out;
};

describe("hnsw capacity from a file header", () => {
  let wasm: HnswWasm;
  beforeAll(async () => {
    wasm = await HnswWasm.load(hnswWasmModule());
  });

  it("refuses max_elements = 2^62 + 1 with 20 items (the 64-bit size product overflowed)", async () => {
    const { bytes } = indexBytes(wasm, 20);
    for (const max of [2n ** 62n + 1n, 2n ** 64n - 1n, 2n ** 32n + 1n, 2n ** 58n]) {
      const crafted = withMaxElements(bytes, max);
      expect(() => HnswIndex.deserialize(wasm, crafted, { space: "l2", dim }), `max_elements ${max}`).toThrow(AnnError);
      expect(() => HnswIndex.deserialize(wasm, crafted, { space: "l2", dim })).toThrow(/does not fit in wasm32 memory/);
    }
    // The module is still sound: a valid file loads and answers.
    const ok = HnswIndex.deserialize(wasm, bytes, { space: "l2", dim });
    expect(ok.search(new Float32Array(dim).fill(0.1), 5)).toHaveLength(5);
    ok.dispose();
  });

  it("bounds an 18 KB index claiming 9,000,000 slots to count + count/4 + 1024, and the header says so", async () => {
    const { bytes, vectors } = indexBytes(wasm, 20);
    const roomy = withMaxElements(bytes, 9_000_000n);
    const before = wasm.exports.memory.buffer.byteLength;
    const index = HnswIndex.deserialize(wasm, roomy, { space: "l2", dim });
    expect(index.capacity).toBe(hnswCapacityBound(20));
    expect(index.capacity).toBe(20 + 5 + 1024);
    expect(wasm.exports.memory.buffer.byteLength - before).toBeLessThan(8 * 2 ** 20);
    expect(index.search(vectors.subarray(0, dim), 1)[0]!.label).toBe(0);
    index.dispose();
    const info = hnswFileInfo(roomy);
    expect(info.count).toBe(20);
    expect(info.capacity).toBe(1049);
    expect(info.residentBytes).toBeGreaterThanOrEqual(1049 * (record + HNSW_SLOT_OVERHEAD));
    expect(info.residentBytes).toBeLessThan(1049 * (record + HNSW_SLOT_OVERHEAD) + roomy.byteLength);
  });

  it("keeps a file's own headroom when it is within the bound (hnswlib files built with spare capacity)", () => {
    const { bytes } = indexBytes(wasm, 50, 60);
    const index = HnswIndex.deserialize(wasm, bytes, { space: "l2", dim });
    expect(index.capacity).toBe(60);
    index.dispose();
    expect(hnswFileInfo(bytes).capacity).toBe(60);
  });

  it("refuses a count the bytes cannot hold before sizing anything by it", () => {
    const { bytes } = indexBytes(wasm, 20);
    const lying = bytes.slice();
    const view = new DataView(lying.buffer);
    view.setBigUint64(8, 2n ** 40n, true);
    view.setBigUint64(16, 2n ** 40n, true);
    expect(() => HnswIndex.deserialize(wasm, lying, { space: "l2", dim })).toThrow(AnnError);
    expect(() => hnswFileInfo(lying)).toThrow(AnnError);
    view.setBigUint64(8, 4_000_000n, true);
    view.setBigUint64(16, 4_000_000n, true);
    expect(() => HnswIndex.deserialize(wasm, lying, { space: "l2", dim })).toThrow(/truncated/);
  });
});
