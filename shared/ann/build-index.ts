// Builds the artifact's index.hnsw: chooses HNSW parameters by catalog size (the rule and its measurements are in
// TUNING.md) and writes hnswlib's format with label = item row.

import { AnnError, type AnnErrorCode } from "./errors.ts";
import { HnswIndex } from "./hnsw.ts";
import type { AnnSpace } from "./types.ts";
import { HnswWasm, type HnswWasmSource } from "./wasm/loader.ts";

export interface HnswParams {
  /** Links per node. */
  M: number;
  /** Candidate list size while building. */
  efConstruction: number;
  /** Default candidate list size while searching (recorded in the manifest). */
  ef: number;
}

/**
 * Parameters for a catalog of `n` items of dimension `dim` (the rule and the measurements behind it are in
 * TUNING.md): recall@10 ≥ 0.99 at the default ef on the data measured, with memory and build time kept small.
 */
export function chooseHnswParams(n: number, dim: number): HnswParams {
  if (!Number.isInteger(n) || n < 0) throw new AnnError("ann_bad_params", `catalog size must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(dim) || dim < 1) throw new AnnError("ann_bad_params", `dimension must be a positive integer, got ${dim}`);
  // Wide vectors have flatter distance distributions and need more links (hnswlib's ALGO_PARAMS.md); not measured here.
  const wide = dim > 128;
  // Small catalogs: links are cheap, and inner-product search over ALS factors gains most from them.
  if (n <= 20_000) return { M: 32, efConstruction: 200, ef: 64 };
  if (n <= 200_000) return { M: wide ? 32 : 16, efConstruction: 200, ef: 96 };
  return { M: wide ? 48 : 32, efConstruction: 400, ef: 128 };
}

/**
 * hnswlib index bytes over the `rows` × `dim` row-major `vectors`, label = row. `wasm` is a loaded module or any
 * source HnswWasm.load accepts (Node callers can use trainer/io/hnsw-wasm-node.ts).
 */
export async function buildHnswIndexBytes(
  vectors: Float32Array,
  rows: number,
  dim: number,
  space: AnnSpace,
  params: HnswParams,
  wasm: HnswWasm | HnswWasmSource,
): Promise<Uint8Array> {
  if (vectors.length !== rows * dim) {
    throw new AnnError("ann_dimension", `vectors hold ${vectors.length} floats; ${rows} rows × ${dim} needs ${rows * dim}`);
  }
  const module = wasm instanceof HnswWasm ? wasm : await HnswWasm.load(wasm);
  const index = HnswIndex.create(module, { space, dim, capacity: Math.max(1, rows), M: params.M, efConstruction: params.efConstruction, ef: params.ef });
  try {
    for (let r = 0; r < rows; r++) {
      try {
        index.add(vectors.subarray(r * dim, (r + 1) * dim), r);
      } catch (e) {
        throw e instanceof AnnError ? new AnnError(e.code as AnnErrorCode, `item row ${r}: ${e.message}`) : e;
      }
    }
    return index.serialize();
  } finally {
    index.dispose();
  }
}
