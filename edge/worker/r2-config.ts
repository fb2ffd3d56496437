// ConfigStore over R2 (`config/<tenant>.json` in ARTIFACTS): R2 has conditional writes (onlyIf etagMatches, and
// "only if absent"), so a config update is a compare-and-swap and concurrent updates (activation, `edgerec keys`)
// never lose each other's change. KV has no such condition, which is why the config moved here from KV `CONFIG`;
// a tenant that still has only a KV config is read from there until its first update writes it to R2.

import type { VersionedConfig } from "../app/config-update.ts";
import type { ConfigStore } from "../app/ports.ts";
import { type TenantConfig, parseTenantConfig } from "../app/tenant-config.ts";
import { kvConfigKey, r2ConfigKey } from "../../shared/store/keys.ts";

export class R2ConfigStore implements ConfigStore {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly legacy: KVNamespace | null = null,
  ) {}

  async get(tenant: string): Promise<TenantConfig | null> {
    return (await this.getVersioned(tenant))?.config ?? null;
  }

  async getVersioned(tenant: string): Promise<VersionedConfig | null> {
    const obj = await this.bucket.get(r2ConfigKey(tenant));
    if (obj) return { config: parseTenantConfig(await obj.json()), etag: obj.etag };
    const old = this.legacy ? await this.legacy.get(kvConfigKey(tenant), "json") : null;
    return old === null ? null : { config: parseTenantConfig(old), etag: null };
  }

  async put(config: TenantConfig): Promise<void> {
    await this.bucket.put(r2ConfigKey(config.tenant), JSON.stringify(config), { httpMetadata: { contentType: "application/json" } });
  }

  async putIfMatch(config: TenantConfig, etag: string | null): Promise<boolean> {
    // etag null: only if no object exists (no object passes "uploaded before the epoch"; any existing one fails it).
    const onlyIf: R2Conditional = etag === null ? { uploadedBefore: new Date(0) } : { etagMatches: etag };
    const res = await this.bucket.put(r2ConfigKey(config.tenant), JSON.stringify(config), { onlyIf, httpMetadata: { contentType: "application/json" } });
    return res !== null;
  }
}
