// Node-side access to an edge deployment's state, for `edgerec publish`, `keys`, `experiment`, `pipeline` and the
// demo (they open it through edge/node/index.ts). Three targets, one port (shared/store/edge-store.ts):
//   local      — wrangler's local state (edge-store-local.ts), so `wrangler dev` serves what was published, offline;
//   node       — the Node host's state dir and Redis (edge-store-host.ts);
//   cloudflare — a real account through the wrangler CLI (edge-store-cloudflare.ts), with the same keys as local.

import path from "node:path";
import type { EdgeStore } from "../../shared/store/edge-store.ts";
import { CloudflareEdgeStore } from "./edge-store-cloudflare.ts";
import { HostEdgeStore } from "./edge-store-host.ts";
import { LocalEdgeStore } from "./edge-store-local.ts";
import { stateDirFromEnv } from "./state-layout.ts";

export type { EdgeStore };

export const TARGETS = ["local", "node", "cloudflare"] as const;
export type Target = (typeof TARGETS)[number];

/** What `wrangler dev --persist-to` takes (it keeps its data in `<dir>/v3`). */
export const DEFAULT_PERSIST = ".wrangler/state";

export interface EdgeStoreOptions {
  /** local: the directory `wrangler dev --persist-to` takes (default .wrangler/state); node: the state dir. */
  stateDir?: string;
  redisUrl?: string;
  /** Directory holding wrangler.toml (cloudflare target; default: the current directory). */
  cwd?: string;
}

export async function openEdgeStore(target: Target, o: EdgeStoreOptions = {}): Promise<EdgeStore> {
  if (target === "local") return LocalEdgeStore.open(path.join(path.resolve(o.stateDir ?? DEFAULT_PERSIST), "v3"));
  if (target === "node") return new HostEdgeStore(stateDirFromEnv(o.stateDir), o.redisUrl ?? process.env.REDIS_URL);
  return new CloudflareEdgeStore(o.cwd ?? process.cwd());
}
