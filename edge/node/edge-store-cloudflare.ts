// The `cloudflare` target: a real account through the wrangler CLI (`--remote`), with the same keys as local
// (shared/store/keys.ts).

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { EdgeStore } from "../../shared/store/edge-store.ts";
import type { EventLine } from "../../shared/store/event-line.ts";
import { type TenantConfig, parseTenantConfig } from "../../shared/store/tenant-config.ts";
import { kvConfigKey, kvUserVectorKey, r2ArtifactKey, r2ConfigKey } from "../../shared/store/keys.ts";
import { EdgerecError } from "../../shared/errors.ts";
import { WRANGLER_RESOURCES } from "../worker/bindings.ts";
import { encodeVectorText } from "../worker/kv-cache.ts";

const exec = promisify(execFile);

/** A real account through the wrangler CLI (needs `wrangler login` or CLOUDFLARE_API_TOKEN, and the real ids in wrangler.toml). */
export class CloudflareEdgeStore implements EdgeStore {
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
      this.wrangler(["r2", "object", "put", `${WRANGLER_RESOURCES.bucket}/${r2ArtifactKey(tenant, version, name)}`, "--file", file, "--remote"]),
    );
  }

  // Config lives in R2 `config/<tenant>.json` (what the Worker reads; KV CONFIG is its legacy fallback). The wrangler
  // CLI has no conditional put, so updates through this target are read-modify-write: run one at a time.
  async getConfig(tenant: string): Promise<TenantConfig | null> {
    try {
      const text = await this.wrangler(["r2", "object", "get", `${WRANGLER_RESOURCES.bucket}/${r2ConfigKey(tenant)}`, "--remote", "--pipe"]);
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
      this.wrangler(["r2", "object", "put", `${WRANGLER_RESOURCES.bucket}/${r2ConfigKey(config.tenant)}`, "--file", file, "--content-type", "application/json", "--remote"]),
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
