// Tenant lookup for a request: validates the tenant id, reads its config through a short per-isolate TTL cache
// bounded in bytes (so an activation elsewhere is seen within `ttlMs`; one in this isolate at once; random tenant ids
// cannot grow it), and checks the API key. A request without a key gets 401 before any lookup; a key that is not
// one of the tenant's gets 403 whether or not the tenant exists, so tenant ids cannot be enumerated.

import { authorize, bearerToken } from "./auth.ts";
import { updateTenantConfig } from "./config-update.ts";
import { HttpError, badRequest, forbidden } from "./errors.ts";
import { ByteLru } from "./lru.ts";
import type { ConfigStore } from "./ports.ts";
import { type Role, TENANT_RE, type TenantConfig } from "./tenant-config.ts";

/** Bytes of tenant configs cached per isolate. */
export const TENANT_CACHE_BYTES = 4 << 20;

/** How long a cached config may answer while the config store fails (stale-if-error). */
const STALE_IF_ERROR_MS = 10 * 60_000;

export class TenantDirectory {
  private readonly cache: ByteLru<string, { config: TenantConfig | null; at: number }>;

  constructor(
    readonly store: ConfigStore,
    private readonly ttlMs = 2000,
    cacheBytes = TENANT_CACHE_BYTES,
  ) {
    this.cache = new ByteLru(cacheBytes, STALE_IF_ERROR_MS);
  }

  /** Entries in the per-isolate cache (bounded by bytes). */
  get cached(): number {
    return this.cache.size;
  }

  async get(tenant: string): Promise<TenantConfig | null> {
    const hit = this.cache.get(tenant);
    if (hit !== undefined && Date.now() - hit.at < this.ttlMs) return hit.config;
    let config: TenantConfig | null;
    try {
      config = await this.store.get(tenant);
    } catch (e) {
      // The config store is down: the last config read here keeps answering (for up to 10 min), else 503.
      if (hit !== undefined) return hit.config;
      console.error(`edgerec: tenant config of '${tenant}' unavailable: ${(e as Error).message}`);
      throw new HttpError(503, "config_unavailable", "tenant configuration is unavailable right now; retry shortly");
    }
    this.remember(tenant, config);
    return config;
  }

  private remember(tenant: string, config: TenantConfig | null): void {
    const bytes = 128 + tenant.length * 2 + (config ? 256 + config.keys.length * 200 + config.variants.length * 120 : 0);
    this.cache.set(tenant, { config, at: Date.now() }, bytes);
  }

  async put(config: TenantConfig): Promise<void> {
    await this.store.put(config);
    this.remember(config.tenant, config);
  }

  /** Changes the tenant's config by compare-and-swap on the stored one (never on this cache's copy). */
  async update(tenant: string, change: (current: TenantConfig | null) => TenantConfig | null): Promise<TenantConfig | null> {
    const next = await updateTenantConfig(this.store, tenant, change);
    if (next) this.remember(tenant, next);
    return next;
  }

  /** Drops a tenant from this isolate's cache (after a compare-and-swap update, the next read sees the store). */
  forget(tenant: string): void {
    this.cache.delete(tenant);
  }

  /** The tenant's config when `authorization` holds a key of this tenant with at least `role`. */
  async authorized(tenant: string, authorization: string | undefined, role: Role): Promise<TenantConfig> {
    bearerToken(authorization);
    if (!TENANT_RE.test(tenant)) throw badRequest("bad_tenant", `tenant id '${tenant.slice(0, 80)}' must be 1–64 of [A-Za-z0-9_-]`);
    const config = await this.get(tenant);
    if (!config) throw forbidden(`this key is not valid for tenant '${tenant}'`);
    await authorize(config, authorization, role);
    return config;
  }
}
