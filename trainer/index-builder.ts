// Builds `index.hnsw` for an export with the HNSW WebAssembly module (shared/ann). Set once the module lands.
export const hnswIndexBuilder = undefined;
