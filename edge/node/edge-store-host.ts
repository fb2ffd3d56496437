// The `node` target: the Node host's state dir (`.edgerec/state`) and Redis (REDIS_URL) for user vectors, written
// with the host's own stores (fs-stores.ts, file-event-log.ts, redis-stores.ts), so a running host and the CLI
// follow one locking and layout protocol.

import { Redis } from "ioredis";
import type { EdgeStore } from "../../shared/store/edge-store.ts";
import type { EventLine } from "../../shared/store/event-line.ts";
import type { TenantConfig } from "../../shared/store/tenant-config.ts";
import { updateTenantConfig } from "../../shared/store/config-update.ts";
import { readEventLog } from "./file-event-log.ts";
import { FsConfigStore, writeFileAtomic } from "./fs-stores.ts";
import { RedisEmbeddingCache } from "./redis-stores.ts";
import { artifactPath } from "./state-layout.ts";

export class HostEdgeStore implements EdgeStore {
  readonly target = "node";
  private readonly configs: FsConfigStore;
  private redis: Redis | null = null;

  constructor(
    private readonly state: string,
    private readonly redisUrl: string | undefined,
  ) {
    this.configs = new FsConfigStore(state);
  }

  putArtifactFile(tenant: string, version: string, name: string, bytes: Uint8Array): Promise<void> {
    return writeFileAtomic(artifactPath(this.state, tenant, version, name), bytes);
  }

  getConfig(tenant: string): Promise<TenantConfig | null> {
    return this.configs.get(tenant);
  }

  putConfig(config: TenantConfig): Promise<void> {
    return this.configs.put(config);
  }

  updateConfig(tenant: string, change: (current: TenantConfig | null) => TenantConfig | null): Promise<TenantConfig | null> {
    return updateTenantConfig(this.configs, tenant, change);
  }

  async putUserVectors(entries: [string, Float32Array][], ttlSeconds: number, onProgress?: (done: number) => void): Promise<void> {
    // Without Redis the host finds trained users in the artifact's users.bin, so there is nothing to write.
    if (!this.redisUrl) return;
    this.redis ??= new Redis(this.redisUrl, { maxRetriesPerRequest: 2 });
    const cache = new RedisEmbeddingCache(this.redis);
    for (let i = 0; i < entries.length; i += 2000) {
      await cache.setMany(entries.slice(i, i + 2000), ttlSeconds);
      onProgress?.(Math.min(entries.length, i + 2000));
    }
  }

  readEvents(tenant: string): Promise<EventLine[]> {
    return readEventLog(this.state, tenant);
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit();
  }
}
