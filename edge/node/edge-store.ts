// Node-side access to an edge deployment's state, for `edgerec publish`, `keys`, `experiment`, `pipeline` and the
// demo (they get it as the EdgeHost port's openStore, edge/node/host.ts). Three targets, one port (shared/store/edge-store.ts):
//   local      — wrangler's local state (edge-store-local.ts), so `wrangler dev` serves what was published, offline;
//   node       — the Node host's state dir and Redis (edge-store-host.ts);
//   cloudflare — a real account through the wrangler CLI (edge-store-cloudflare.ts), with the same keys as local.

import path from "node:path";
import type { EdgeStore } from "../../shared/store/edge-store.ts";
import { DEFAULT_PERSIST, type EdgeStoreOptions, type Target } from "../../shared/store/edge-host.ts";
import { CloudflareEdgeStore } from "./edge-store-cloudflare.ts";
import { HostEdgeStore } from "./edge-store-host.ts";
import { LocalEdgeStore } from "./edge-store-local.ts";
import { stateDirFromEnv } from "./state-layout.ts";

export type { EdgeStore, EdgeStoreOptions, Target };
export { DEFAULT_PERSIST, TARGETS } from "../../shared/store/edge-host.ts";

export async function openEdgeStore(target: Target, o: EdgeStoreOptions = {}): Promise<EdgeStore> {
  if (target === "local") return LocalEdgeStore.open(path.join(path.resolve(o.stateDir ?? DEFAULT_PERSIST), "v3"));
  if (target === "node") return new HostEdgeStore(stateDirFromEnv(o.stateDir), o.redisUrl ?? process.env.REDIS_URL);
  return new CloudflareEdgeStore(o.cwd ?? process.cwd());
}
