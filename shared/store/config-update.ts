// Atomic tenant-config updates: read the config with its version tag (etag), change it, write it only if the
// stored tag is still the same (compare-and-swap), else read again and retry. Activation and `edgerec keys` use
// this, so neither overwrites a change made in between (a new key is never lost, a newer activation never undone).

import { EdgerecError } from "../errors.ts";
import type { TenantConfig } from "./tenant-config.ts";

export interface VersionedConfig {
  config: TenantConfig;
  /** The stored version's tag; null when nothing is stored yet. */
  etag: string | null;
}

export interface CasConfigStore {
  getVersioned(tenant: string): Promise<VersionedConfig | null>;
  /** Writes `config` only if the stored tag is `etag` (null: only if nothing is stored); false when it was not. */
  putIfMatch(config: TenantConfig, etag: string | null): Promise<boolean>;
}

/**
 * Applies `change` to the freshest stored config until the write wins. `change` gets null when the tenant has no
 * config; it returns the new config, or null to leave the stored one as it is. Returns what is stored afterwards.
 */
export async function updateTenantConfig(
  store: CasConfigStore,
  tenant: string,
  change: (current: TenantConfig | null) => TenantConfig | null,
  tries = 10,
): Promise<TenantConfig | null> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const current = await store.getVersioned(tenant);
    const next = change(current?.config ?? null);
    if (next === null) return current?.config ?? null;
    if (await store.putIfMatch({ ...next, updatedAt: new Date().toISOString() }, current?.etag ?? null)) return next;
    // Someone else wrote in between: back off a little (jittered) and apply the change to their version.
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
  }
  throw new EdgerecError("config_conflict", `tenant '${tenant}': the config kept changing under ${tries} attempts to update it; try again`, 409);
}
