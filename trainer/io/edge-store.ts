// Node-side access to an edge deployment's state, for `edgerec publish`, `edgerec keys` and for reading the event
// log back as training data. Three targets, one interface:
//   local      — wrangler's local state (`.wrangler/state/v3`, through Miniflare with wrangler.toml's bindings),
//                or `--state DIR` for `wrangler dev --persist-to DIR`;
//                so `wrangler dev` serves what was published, offline;
//   node       — the Node host's state dir (`.edgerec/state`) and Redis (REDIS_URL) for user vectors;
//   cloudflare — a real account through the wrangler CLI (`--remote`), with the same keys as local.

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import type { EventLine } from "../../edge/app/ports.ts";
import { type TenantConfig, parseTenantConfig } from "../../edge/app/tenant-config.ts";
import { updateTenantConfig } from "../../edge/app/config-update.ts";
import { R2ConfigStore } from "../../edge/worker/r2-config.ts";
import { readEventLog } from "../../edge/node/file-event-log.ts";
import { FsConfigStore, writeFileAtomic } from "../../edge/node/fs-stores.ts";
import { RedisEmbeddingCache } from "../../edge/node/redis-stores.ts";
import { artifactPath, stateDirFromEnv } from "../../edge/node/state-layout.ts";
import { kvConfigKey, kvUserVectorKey, r2ArtifactKey, r2ConfigKey, r2EventsPrefix } from "../../edge/worker/bindings.ts";
import { encodeVectorText } from "../../edge/worker/kv-cache.ts";
import { EdgerecError } from "../../shared/errors.ts";

export const TARGETS = ["local", "node", "cloudflare"] as const;
export type Target = (typeof TARGETS)[number];

/** Names from wrangler.toml: the local state keys KV by namespace id and R2 by bucket name. */
export const BINDINGS = { bucket: "edgerec-artifacts", embeddings: "edgerec-embeddings", config: "edgerec-config" } as const;
/** What `wrangler dev --persist-to` takes (it keeps its data in `<dir>/v3`). */
export const DEFAULT_PERSIST = ".wrangler/state";

export interface EdgeStore {
  readonly target: Target;
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

export interface EdgeStoreOptions {
  /** local: the directory `wrangler dev --persist-to` takes (default .wrangler/state); node: the state dir. */
  stateDir?: string;
  redisUrl?: string;
  /** Directory holding wrangler.toml (cloudflare target; default: the current directory). */
  cwd?: string;
}

export async function openEdgeStore(target: Target, o: EdgeStoreOptions = {}): Promise<EdgeStore> {
  if (target === "local") return LocalEdgeStore.open(path.join(path.resolve(o.stateDir ?? DEFAULT_PERSIST), "v3"));
  if (target === "node") return new NodeEdgeStore(stateDirFromEnv(o.stateDir), o.redisUrl ?? process.env.REDIS_URL);
  return new CloudflareEdgeStore(o.cwd ?? process.cwd());
}

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

class LocalEdgeStore implements EdgeStore {
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
      kvNamespaces: { CONFIG: BINDINGS.config, EMBEDDINGS: BINDINGS.embeddings },
      r2Buckets: { ARTIFACTS: BINDINGS.bucket },
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

class NodeEdgeStore implements EdgeStore {
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

const exec = promisify(execFile);

/** A real account through the wrangler CLI (needs `wrangler login` or CLOUDFLARE_API_TOKEN, and the real ids in wrangler.toml). */
class CloudflareEdgeStore implements EdgeStore {
  readonly target = "cloudflare";

  constructor(private readonly cwd: string) {}

  private async wrangler(args: string[]): Promise<string> {
    try {
      const { stdout } = await exec("npx", ["wrangler", ...args], { cwd: this.cwd, maxBuffer: 64 << 20, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new EdgerecError("wrangler", `wrangler ${args.slice(0, 3).join(" ")} failed: ${(err.stderr || err.message).trim().split("\n").slice(-3).join(" ")}`);
    }
  }

  private async withTemp<T>(name: string, bytes: Uint8Array | string, fn: (file: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(path.join(tmpdir(), "edgerec-cf-"));
    const file = path.join(dir, name);
    try {
      await writeFile(file, bytes);
      return await fn(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async putArtifactFile(tenant: string, version: string, name: string, bytes: Uint8Array): Promise<void> {
    await this.withTemp("file", bytes, (file) =>
      this.wrangler(["r2", "object", "put", `${BINDINGS.bucket}/${r2ArtifactKey(tenant, version, name)}`, "--file", file, "--remote"]),
    );
  }

  // Config lives in R2 `config/<tenant>.json` (what the Worker reads; KV CONFIG is its legacy fallback). The wrangler
  // CLI has no conditional put, so updates through this target are read-modify-write: run one at a time.
  async getConfig(tenant: string): Promise<TenantConfig | null> {
    try {
      const text = await this.wrangler(["r2", "object", "get", `${BINDINGS.bucket}/${r2ConfigKey(tenant)}`, "--remote", "--pipe"]);
      if (text.trim()) return parseTenantConfig(JSON.parse(text));
    } catch (e) {
      if (!/not found|404|does not exist/i.test((e as Error).message)) throw e;
    }
    try {
      const text = await this.wrangler(["kv", "key", "get", kvConfigKey(tenant), "--binding", "CONFIG", "--remote", "--text"]);
      return text.trim() ? parseTenantConfig(JSON.parse(text)) : null;
    } catch (e) {
      if (/not found|404/i.test((e as Error).message)) return null;
      throw e;
    }
  }

  async putConfig(config: TenantConfig): Promise<void> {
    await this.withTemp("config.json", JSON.stringify(config), (file) =>
      this.wrangler(["r2", "object", "put", `${BINDINGS.bucket}/${r2ConfigKey(config.tenant)}`, "--file", file, "--content-type", "application/json", "--remote"]),
    );
  }

  async updateConfig(tenant: string, change: (current: TenantConfig | null) => TenantConfig | null): Promise<TenantConfig | null> {
    const next = change(await this.getConfig(tenant));
    if (next) await this.putConfig({ ...next, updatedAt: new Date().toISOString() });
    return next ?? (await this.getConfig(tenant));
  }

  async putUserVectors(entries: [string, Float32Array][], ttlSeconds: number, onProgress?: (done: number) => void): Promise<void> {
    // `kv bulk put` takes up to 10,000 pairs per file; vectors are stored as base64 text (what the Worker reads).
    for (let i = 0; i < entries.length; i += 10_000) {
      const pairs = entries.slice(i, i + 10_000).map(([k, v]) => ({
        key: kvUserVectorKey(k),
        value: encodeVectorText(v),
        expiration_ttl: Math.max(60, Math.round(ttlSeconds)),
      }));
      await this.withTemp("bulk.json", JSON.stringify(pairs), (file) => this.wrangler(["kv", "bulk", "put", file, "--binding", "EMBEDDINGS", "--remote"]));
      onProgress?.(Math.min(entries.length, i + 10_000));
    }
  }

  async readEvents(): Promise<EventLine[]> {
    throw new EdgerecError("unsupported", "reading the event log from a real account is not supported here; list the R2 prefix events/<tenant>/ with wrangler");
  }

  async close(): Promise<void> {}
}

/** Writes a tenant's event log as a JSONL training file (`user_id`, `item_id`, `type`, `timestamp`). */
export async function exportEvents(store: EdgeStore, tenant: string, outFile: string): Promise<number> {
  const events = await store.readEvents(tenant);
  await writeFile(outFile, events.map((e) => JSON.stringify(e)).join("\n") + (events.length ? "\n" : ""));
  return events.length;
}
