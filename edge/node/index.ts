// The edge's public entry for Node processes outside it: the trainer's CLI (`publish`, `keys`, `experiment`,
// `pipeline`) and the demo import from here and nowhere else in edge/ (shared/layering.test.ts checks it). The data
// they exchange with the edge — key layouts, the tenant-config document and its compare-and-swap contract, API key
// records, event lines, the publisher port — is in shared/store/; the edge's stores, loader and dev server stay
// internal behind these few functions.

export { DEFAULT_PERSIST, type EdgeStore, type EdgeStoreOptions, TARGETS, type Target, openEdgeStore } from "./edge-store.ts";
export { checkServable } from "./servable-check.ts";
export { type WranglerDev, startWranglerDev } from "./wrangler-dev.ts";
