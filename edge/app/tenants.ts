// Tenant lookup for a request: validates the tenant id, reads its config through a short per-isolate TTL cache
// bounded in bytes (so an activation elsewhere is seen within `ttlMs`; one in this isolate at once; random tenant ids
// cannot grow it), and checks the API key. A request without a key gets 401 before any lookup; a key that is not
// one of the tenant's gets 403 whether or not the tenant exists, so tenant ids cannot be enumerated.

import { authorize, bearerToken } from "./auth.ts";
import { updateTenantConfig } from "./config-update.ts";
import { HttpError, badRequest, forbidden } from "./errors.ts";
import type { Background } from "./guard.ts";
import { ByteLru } from "./lru.ts";
import type { ConfigStore } from "./ports.ts";
import { type Role, TENANT_RE, type TenantConfig } from "./tenant-config.ts";

/** Bytes of tenant configs cached per isolate. */
export const TENANT_CACHE_BYTES = 4 << 20;

/** How long a cached config may answer while the config store fails (stale-if-error). */
const STALE_IF_ERROR_MS = 10 * 60_000;

/**
 * How long past its TTL a cached config may still answer a read request while a background refresh runs
 * (stale-while-revalidate). Past this the request waits for the store, as it does without a background runner.
 */
export const STALE_WHILE_REVALIDATE_MS = 30_000;


export class TenantDirectory {
  private readonly cache: ByteLru<string, { config: TenantConfig | null; at: number }>;
  /** Tenants whose refresh runs in the background now (one at a time per tenant). */
  private readonly refreshing = new Set<string>();

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

  /**
   * The tenant's config. Given `background`, an expired entry (up to STALE_WHILE_REVALIDATE_MS past its TTL)
   * answers at once and one refresh per tenant runs after the response: a config read from R2 takes tens of ms
   * at times, and every request of the isolate would otherwise wait for it once per TTL.
   */
  async get(tenant: string, background?: Background): Promise<TenantConfig | null> {
    const hit = this.cache.get(tenant);
    const age = hit === undefined ? Infinity : Date.now() - hit.at;
    if (hit !== undefined && age < this.ttlMs) return hit.config;
    // A TTL of 0 means "always read the store" (tests that rewrite config rely on it): no stale answers then.
    if (hit !== undefined && background && this.ttlMs > 0 && age < this.ttlMs + STALE_WHILE_REVALIDATE_MS) {
      if (!this.refreshing.has(tenant)) {
        this.refreshing.add(tenant);
        background(
          this.read(tenant, hit)
            .catch(() => {}) // read() logged it; the stale entry keeps answering
            .finally(() => this.refreshing.delete(tenant)),
        );
      }
      return hit.config;
    }
    return this.read(tenant, hit);
  }

  private async read(tenant: string, hit: { config: TenantConfig | null; at: number } | undefined): Promise<TenantConfig | null> {
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
  /** `background` lets read routes answer from a config just past its TTL while it refreshes (see `get`). */
  async authorized(tenant: string, authorization: string | undefined, role: Role, background?: Background): Promise<TenantConfig> {
    bearerToken(authorization);
    if (!TENANT_RE.test(tenant)) throw badRequest("bad_tenant", `tenant id '${tenant.slice(0, 80)}' must be 1–64 of [A-Za-z0-9_-]`);
    const config = await this.get(tenant, background);
    if (!config) throw forbidden(`this key is not valid for tenant '${tenant}'`);
    await authorize(config, authorization, role);
    return config;
  }
}
