// The Node implementation of the CLI's EdgeHost port (shared/store/edge-host.ts): the three publish targets' stores,
// the edge's servability check, and `wrangler dev`. bin/edgerec.mjs (the composition root) passes it to the CLI.

import type { EdgeHost } from "../../shared/store/edge-host.ts";
import { openEdgeStore } from "./edge-store.ts";
import { checkServable } from "./servable-check.ts";
import { startWranglerDev } from "./wrangler-dev.ts";

export const nodeEdgeHost: EdgeHost = {
  openStore: openEdgeStore,
  checkServable,
  startDevServer: startWranglerDev,
};
