// Opens an artifact's index.hnsw with the HNSW wasm module: one module instance (its own linear memory) per loaded
// model, so evicting the model from the registry frees the index with it. The module source is the runtime's:
// a `WebAssembly.Module` imported by the Worker, or one compiled from the file on the Node host. Every index opens
// with room for HNSW_HEADROOM_MIN more points than it holds, for live item PUTs (edge/app/live-catalogue.ts).

import { HnswIndex } from "../../shared/ann/hnsw.ts";
import { HNSW_HEADROOM_MIN, hnswFileInfo } from "../../shared/ann/hnsw-header.ts";
import { HnswWasm, type HnswWasmSource } from "../../shared/ann/wasm/loader.ts";
import { ArtifactError } from "../../shared/errors.ts";
import type { AnnOpener } from "./model-loader.ts";

export function hnswOpener(source: () => HnswWasmSource): AnnOpener {
  return async (bytes, manifest) => {
    const wasm = await HnswWasm.load(source());
    try {
      return HnswIndex.deserialize(wasm, bytes, {
        capacity: hnswFileInfo(bytes).count + HNSW_HEADROOM_MIN,
        space: manifest.index?.space ?? "ip",
        dim: manifest.model.dim,
        ef: manifest.index?.ef ?? 64,
      });
    } catch (e) {
      throw new ArtifactError("index", `index.hnsw: ${(e as Error).message}`);
    }
  };
}
