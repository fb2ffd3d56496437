// Opens index.hnsw on the Node host. Until the HNSW wasm loader lands (shared/ann/hnsw*.ts) models are served by
// exact search: undefined makes the loader skip the index file.

import type { AnnOpener } from "../app/model-loader.ts";

export const openHnswNode: AnnOpener | undefined = undefined;
