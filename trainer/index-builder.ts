// Node-only: builds `index.hnsw` for `edgerec train` with the HNSW WebAssembly module found on disk, parameters by
// catalog size (shared/ann/TUNING.md). Inner product, since every model scores by dot product.

import type { IndexParams } from "../shared/artifact/manifest.ts";
import { chooseHnswParams } from "../shared/ann/build-index.ts";
import { buildHnswIndexBytesNode } from "./io/hnsw-wasm-node.ts";

export async function hnswIndexBuilder(vectors: Float32Array, rows: number, dim: number): Promise<{ bytes: Uint8Array; params: IndexParams }> {
  const p = chooseHnswParams(rows, dim);
  const bytes = await buildHnswIndexBytesNode(vectors, rows, dim, "ip", p);
  return { bytes, params: { kind: "hnsw", space: "ip", M: p.M, efConstruction: p.efConstruction, ef: p.ef } };
}
