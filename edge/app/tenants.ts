// Tenant lookup for a request: validates the tenant id, reads its config through a short per-isolate TTL cache
// (so an activation elsewhere is seen within `ttlMs`; one in this isolate at once), and checks the API key.

import { authorize } from "./auth.ts";
import { badRequest, notFound } from "./errors.ts";
import type { ConfigStore } from "./ports.ts";
import { type Role, TENANT_RE, type TenantConfig } from "./tenant-config.ts";

export class TenantDirectory {
  private readonly cache = new Map<string, { config: TenantConfig | null; at: number }>();

  constructor(
    readonly store: ConfigStore,
    private readonly ttlMs = 2000,
  ) {}

  async get(tenant: string): Promise<TenantConfig | null> {
    const hit = this.cache.get(tenant);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.config;
    const config = await this.store.get(tenant);
    this.cache.set(tenant, { config, at: Date.now() });
    return config;
  }

  async put(config: TenantConfig): Promise<void> {
    await this.store.put(config);
    this.cache.set(config.tenant, { config, at: Date.now() });
  }

  /** The tenant's config when `authorization` holds a key of this tenant with at least `role`. */
  async authorized(tenant: string, authorization: string | undefined, role: Role): Promise<TenantConfig> {
    if (!TENANT_RE.test(tenant)) throw badRequest("bad_tenant", `tenant id '${tenant.slice(0, 80)}' must be 1–64 of [A-Za-z0-9_-]`);
    const config = await this.get(tenant);
    if (!config) throw notFound("unknown_tenant", `unknown tenant '${tenant}'`);
    await authorize(config, authorization, role);
    return config;
  }
}
