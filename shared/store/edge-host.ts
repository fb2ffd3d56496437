// What the `edgerec` CLI needs from an edge host, as a port: the publish targets, opening a target's store, the
// edge's own check that an artifact is servable, and starting the Worker locally for the demo. The trainer depends on
// this interface only; the composition root (bin/edgerec.mjs) hands it the Node implementation (edge/node/host.ts),
// and tests hand the same one in, so trainer/ never imports edge/.

import type { EdgeStore } from "./edge-store.ts";

/** Where `publish`, `keys`, `experiment` and `pipeline` write: wrangler's local state, the Node host, Cloudflare. */
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

/** A Worker running locally (`wrangler dev`) on published state. */
export interface DevServer {
  url: string;
  stop(): Promise<void>;
  /** Everything it printed (for error messages). */
  log(): string;
}

export interface DevServerOptions {
  cwd: string;
  persistTo: string;
  vars?: Record<string, string>;
  timeoutMs?: number;
  port?: number;
}

export interface EdgeHost {
  openStore(target: Target, o?: EdgeStoreOptions): Promise<EdgeStore>;
  /** Throws what the edge's loader would say when `files` (name → bytes, manifest included) cannot be served. */
  checkServable(files: ReadonlyMap<string, Uint8Array>, tenant: string, version: string): Promise<void>;
  startDevServer(o: DevServerOptions): Promise<DevServer>;
}
