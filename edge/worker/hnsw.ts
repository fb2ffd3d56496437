// Opens index.hnsw in the Worker. Until the HNSW wasm loader lands (shared/ann/hnsw*.ts), every model is served by
// exact search: returning undefined here makes the loader skip the index file.

import type { AnnOpener } from "../app/model-loader.ts";

export const openHnsw: AnnOpener | undefined = undefined;
