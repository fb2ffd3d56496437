// The `local` target: wrangler's local state (`.wrangler/state/v3`, through Miniflare with wrangler.toml's bindings),
// or `--state DIR` for `wrangler dev --persist-to DIR`; so `wrangler dev` serves what was published, offline. It
// writes the Worker's own layout (shared/store/keys.ts) with the Worker's own config store (edge/worker/r2-config.ts):
// Miniflare hands Node the same R2 and KV bindings the Worker gets.

import type { EdgeStore } from "../../shared/store/edge-store.ts";
import type { EventLine } from "../../shared/store/event-line.ts";
import type { TenantConfig } from "../../shared/store/tenant-config.ts";
import { updateTenantConfig } from "../../shared/store/config-update.ts";
import { kvUserVectorKey, r2ArtifactKey, r2EventsPrefix } from "../../shared/store/keys.ts";
import { EdgerecError } from "../../shared/errors.ts";
import { WRANGLER_RESOURCES } from "../worker/bindings.ts";
import { encodeVectorText } from "../worker/kv-cache.ts";
import { R2ConfigStore } from "../worker/r2-config.ts";

/** Runs `fn` over `items` with at most `width` in flight. */
async function inBatches<T>(items: T[], width: number, fn: (t: T) => Promise<void>, onProgress?: (done: number) => void): Promise<void> {
  for (let i = 0; i < items.length; i += width) {
    await Promise.all(items.slice(i, i + width).map(fn));
    onProgress?.(Math.min(items.length, i + width));
  }
}

const BULK_KV_WORKER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/kv-bulk") return new Response(null, { status: 404 });
    const ttl = Number(url.searchParams.get("ttl"));
    const buf = new Uint8Array(await request.arrayBuffer());
    const view = new DataView(buf.buffer);
    const dec = new TextDecoder();
    const puts = [];
    for (let o = 0; o < buf.length; ) {
      const kl = view.getUint16(o, true), vl = view.getUint16(o + 2, true);
      const key = dec.decode(buf.subarray(o + 4, o + 4 + kl));
      const value = dec.decode(buf.subarray(o + 4 + kl, o + 4 + kl + vl));
      puts.push(env.EMBEDDINGS.put(key, value, { expirationTtl: ttl }));
      o += 4 + kl + vl;
      if (puts.length >= 100) await Promise.all(puts.splice(0));
    }
    await Promise.all(puts);
    return new Response(null, { status: 204 });
  },
};`;

export class LocalEdgeStore implements EdgeStore {
  readonly target = "local";
  // Config lives in R2 (conditional writes make updates compare-and-swap); KV CONFIG is read when R2 has none.
  private readonly configs: R2ConfigStore;

  private constructor(
    private readonly mf: import("miniflare").Miniflare,
    private readonly r2: R2Bucket,
    kvConfig: KVNamespace,
    private readonly kvEmbeddings: KVNamespace,
  ) {
    this.configs = new R2ConfigStore(r2, kvConfig);
  }

  static async open(persistRoot: string): Promise<LocalEdgeStore> {
    const { Miniflare } = await import("miniflare");
    const mf = new Miniflare({
      modules: true,
      // Bulk writes run inside workerd: one request carries a batch, the Worker writes it with concurrent puts
      // (one KV put per call through Miniflare's proxy is ~15 ms; inside the runtime it is a fraction of that).
      script: BULK_KV_WORKER,
      defaultPersistRoot: persistRoot,
      kvNamespaces: { CONFIG: WRANGLER_RESOURCES.config, EMBEDDINGS: WRANGLER_RESOURCES.embeddings },
      r2Buckets: { ARTIFACTS: WRANGLER_RESOURCES.bucket },
    });
    await mf.ready;
    const r2 = (await mf.getR2Bucket("ARTIFACTS")) as unknown as R2Bucket;
    const config = (await mf.getKVNamespace("CONFIG")) as unknown as KVNamespace;
    const emb = (await mf.getKVNamespace("EMBEDDINGS")) as unknown as KVNamespace;
    return new LocalEdgeStore(mf, r2, config, emb);
  }

  async putArtifactFile(tenant: string, version: string, name: string, bytes: Uint8Array): Promise<void> {
    await this.r2.put(r2ArtifactKey(tenant, version, name), bytes);
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
    const expirationTtl = Math.max(60, Math.round(ttlSeconds));
    const batches = [];
    for (let i = 0; i < entries.length; i += 1000) batches.push(entries.slice(i, i + 1000));
    let done = 0;
    await inBatches(batches, 2, async (batch) => {
      // Body: per entry u16 key length, key (UTF-8), u16 value length, value (the vector's base64 text).
      const parts: Uint8Array[] = [];
      for (const [k, v] of batch) {
        const key = new TextEncoder().encode(kvUserVectorKey(k));
        const bytes = new TextEncoder().encode(encodeVectorText(v));
        const head = new Uint8Array(4);
        new DataView(head.buffer).setUint16(0, key.length, true);
        new DataView(head.buffer).setUint16(2, bytes.length, true);
        parts.push(head, key, bytes);
      }
      const body = Buffer.concat(parts);
      const res = await this.mf.dispatchFetch(`http://publish/kv-bulk?ttl=${expirationTtl}`, { method: "POST", body });
      if (res.status !== 204) throw new EdgerecError("publish", `local KV bulk write failed: ${res.status} ${await res.text()}`);
      done += batch.length;
      onProgress?.(done);
    });
  }

  async readEvents(tenant: string): Promise<EventLine[]> {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.r2.list({ prefix: r2EventsPrefix(tenant), cursor });
      for (const o of page.objects) keys.push(o.key);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    const out: EventLine[] = [];
    for (const key of keys.sort()) {
      const obj = await this.r2.get(key);
      if (!obj) continue;
      for (const line of (await obj.text()).split("\n")) if (line) out.push(JSON.parse(line) as EventLine);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.mf.dispose();
  }
}
