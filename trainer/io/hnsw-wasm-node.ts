// Node entry to the HNSW wasm module: finds shared/ann/wasm/hnsw.wasm on disk, compiles it once, and builds index
// bytes for the trainer's export (the runtime-agnostic code in shared/ann takes the module, bytes or a Response).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildHnswIndexBytes, type HnswParams } from "../../shared/ann/build-index.ts";
import type { AnnSpace } from "../../shared/ann/types.ts";
import { HnswWasm } from "../../shared/ann/wasm/loader.ts";

export const HNSW_WASM_PATH = fileURLToPath(new URL("../../shared/ann/wasm/hnsw.wasm", import.meta.url));

let compiled: WebAssembly.Module | undefined;

/** The compiled module (compiled once per process; each load() below is a fresh instance with its own memory). */
export function hnswWasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(HNSW_WASM_PATH));
  return compiled;
}

/** A new instance of hnsw.wasm. */
export function loadHnswWasmNode(): Promise<HnswWasm> {
  return HnswWasm.load(hnswWasmModule());
}

/** buildHnswIndexBytes with the module found on disk: what `edgerec train` calls to write index.hnsw. */
export async function buildHnswIndexBytesNode(vectors: Float32Array, rows: number, dim: number, space: AnnSpace, params: HnswParams): Promise<Uint8Array> {
  return buildHnswIndexBytes(vectors, rows, dim, space, params, await loadHnswWasmNode());
}
