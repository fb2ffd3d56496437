// The publisher's port: what `edgerec publish`, `keys`, `experiment`, `pipeline` and the demo do to an edge
// deployment's state. It speaks in the shared document shapes only; the implementations (wrangler's local state,
// the Node host's state dir and Redis, a real Cloudflare account) live in edge/node and open through
// edge/node/index.ts.

import type { EventLine } from "./event-line.ts";
import type { TenantConfig } from "./tenant-config.ts";

export interface EdgeStore {
  /** Which deployment this is (`local`, `node`, `cloudflare`), for summaries. */
  readonly target: string;
  putArtifactFile(tenant: string, version: string, name: string, bytes: Uint8Array): Promise<void>;
  getConfig(tenant: string): Promise<TenantConfig | null>;
  putConfig(config: TenantConfig): Promise<void>;
  /**
   * Changes the tenant's config atomically (compare-and-swap, retried): `change` gets the freshest stored config
   * (null when none) and returns the new one, or null for no change. Returns what is stored afterwards.
   */
  updateConfig(tenant: string, change: (current: TenantConfig | null) => TenantConfig | null): Promise<TenantConfig | null>;
  /** Writes user vectors (cache key → vector) into KV / Redis; `onProgress` gets the count written so far. */
  putUserVectors(entries: [string, Float32Array][], ttlSeconds: number, onProgress?: (done: number) => void): Promise<void>;
  /** The tenant's event log, in order (the JSONL training format). */
  readEvents(tenant: string): Promise<EventLine[]>;
  close(): Promise<void>;
}
