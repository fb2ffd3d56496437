// ConfigStore over the KV namespace `CONFIG`: one JSON value per tenant.

import type { ConfigStore } from "../app/ports.ts";
import { type TenantConfig, parseTenantConfig } from "../app/tenant-config.ts";
import { kvConfigKey } from "./bindings.ts";

export class KvConfigStore implements ConfigStore {
  constructor(private readonly kv: KVNamespace) {}

  async get(tenant: string): Promise<TenantConfig | null> {
    const json = await this.kv.get(kvConfigKey(tenant), "json");
    return json === null ? null : parseTenantConfig(json);
  }

  async put(config: TenantConfig): Promise<void> {
    await this.kv.put(kvConfigKey(config.tenant), JSON.stringify(config));
  }
}
