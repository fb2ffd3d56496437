// Loads an artifact's files exactly as the edge does before it serves them (every pack, the HNSW index, fold-in, the
// smoke test), so `edgerec publish` refuses a version the edge could not serve before any of it reaches a store.

import { loadServingModel } from "../app/model-loader.ts";
import { openHnswNode } from "./hnsw.ts";

/** Throws what the edge's loader would say when `files` (name → bytes, manifest included) cannot be served. */
export async function checkServable(files: ReadonlyMap<string, Uint8Array>, tenant: string, version: string): Promise<void> {
  await loadServingModel({ get: async (_t, _v, name) => files.get(name) ?? null }, tenant, version, openHnswNode);
}
