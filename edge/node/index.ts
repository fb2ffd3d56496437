// The edge's public entry for Node processes outside it. The CLI gets `nodeEdgeHost` (the EdgeHost port,
// shared/store/edge-host.ts) from its composition root, bin/edgerec.mjs; trainer/ itself imports nothing of edge/
// (shared/layering.test.ts checks it). Tests, benchmarks and e2e suites import from here too.

export { DEFAULT_PERSIST, type EdgeStore, type EdgeStoreOptions, TARGETS, type Target, openEdgeStore } from "./edge-store.ts";
export { nodeEdgeHost } from "./host.ts";
export { checkServable } from "./servable-check.ts";
export { type WranglerDev, startWranglerDev } from "./wrangler-dev.ts";
