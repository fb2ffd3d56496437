// File-system implementations for the Node host: ArtifactStore over the state dir, ConfigStore as one JSON file per
// tenant (written to a temporary name, fsynced, then renamed, so a reader never sees half a file).

import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import type { VersionedConfig } from "../app/config-update.ts";
import { EdgerecError } from "../../shared/errors.ts";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { ArtifactStore, ConfigStore } from "../app/ports.ts";
import { TENANT_RE, type TenantConfig, VERSION_RE, parseTenantConfig } from "../app/tenant-config.ts";
import { isSafeArtifactPath } from "../../shared/artifact/files.ts";
import { artifactPath, configPath } from "./state-layout.ts";

export async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fh = await fs.open(tmp, "w");
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  await syncDir(path.dirname(file));
}

/** fsyncs a directory, so a rename or a new file in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Longest file name the stores take (file systems refuse names over 255 bytes with ENAMETOOLONG). */
export const MAX_FILE_NAME = 128;

const safe = (tenant: string, version: string, file: string): boolean =>
  TENANT_RE.test(tenant) && VERSION_RE.test(version) && file.length <= MAX_FILE_NAME && isSafeArtifactPath(file);

export class FsArtifactStore implements ArtifactStore {
  /** Commits per tenant/version, serialised so the sealed check and the rename are one step. */
  private readonly commits = new Map<string, Promise<unknown>>();

  constructor(private readonly state: string) {}

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.commits.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.commits.set(key, next);
    void next.finally(() => this.commits.get(key) === next && this.commits.delete(key)).catch(() => undefined);
    return next;
  }

  async putStream(tenant: string, version: string, file: string, body: ReadableStream<Uint8Array>, _length: number | null): Promise<void> {
    if (!safe(tenant, version, file)) throw new Error(`unsafe artifact path ${tenant}/${version}/${file}`);
    const final = artifactPath(this.state, tenant, version, file);
    await fs.mkdir(path.dirname(final), { recursive: true });
    const tmp = `${final}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const fh = await fs.open(tmp, "w");
    try {
      try {
        const reader = body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await fh.write(value);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      const manifest = artifactPath(this.state, tenant, version, ARTIFACT_FILES.manifest);
      await this.serial(`${tenant}/${version}`, async () => {
        if (await readOrNull(manifest)) {
          throw new EdgerecError("version_sealed", `version '${version}' is already published; versions are immutable, upload a new one`, 409);
        }
        await fs.rename(tmp, final);
      });
      await syncDir(path.dirname(final));
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async getStream(tenant: string, version: string, file: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null> {
    if (!safe(tenant, version, file)) return null;
    const p = artifactPath(this.state, tenant, version, file);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(p, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    const size = (await fh.stat()).size;
    const stream = createReadStream("", { fd: fh.fd, autoClose: false, highWaterMark: 256 * 1024, end: Math.max(0, size - 1), start: 0 });
    stream.once("close", () => void fh.close().catch(() => undefined));
    if (size === 0) {
      stream.destroy();
      return { body: new ReadableStream({ start: (c) => c.close() }), size };
    }
    return { body: Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>, size };
  }

  async get(tenant: string, version: string, file: string): Promise<Uint8Array | null> {
    // The routes validate these already; checked again because they become paths here.
    if (!safe(tenant, version, file)) return null;
    const buf = await readOrNull(artifactPath(this.state, tenant, version, file));
    return buf ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : null;
  }

  async put(tenant: string, version: string, file: string, bytes: Uint8Array): Promise<void> {
    if (!safe(tenant, version, file)) throw new Error(`unsafe artifact path ${tenant}/${version}/${file}`);
    await writeFileAtomic(artifactPath(this.state, tenant, version, file), bytes);
  }
}

/** A lock file older than this is taken to be left by a crashed writer. */
const STALE_LOCK_MS = 10_000;

/**
 * Runs `fn` holding `<file>.lock` (created exclusively; other processes — the host, `edgerec keys` — wait for it),
 * so a compare-and-swap on the file is one step across processes.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      const fh = await fs.open(lock, "wx");
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const st = await fs.stat(lock).catch(() => null);
      if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS) await fs.rm(lock, { force: true });
      if (i > 1000) throw new EdgerecError("config_locked", `${path.basename(file)} stays locked (${lock}); remove the lock file if no edgerec process is writing`, 409);
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

export const etagOf = (buf: Buffer): string => createHash("sha256").update(buf).digest("hex");

export class FsConfigStore implements ConfigStore {
  constructor(private readonly state: string) {}

  async getVersioned(tenant: string): Promise<VersionedConfig | null> {
    if (!TENANT_RE.test(tenant)) return null;
    const buf = await readOrNull(configPath(this.state, tenant));
    return buf ? { config: parseTenantConfig(JSON.parse(buf.toString("utf8"))), etag: etagOf(buf) } : null;
  }

  async putIfMatch(config: TenantConfig, etag: string | null): Promise<boolean> {
    const file = configPath(this.state, config.tenant);
    return withFileLock(file, async () => {
      const buf = await readOrNull(file);
      if ((buf ? etagOf(buf) : null) !== etag) return false;
      await writeFileAtomic(file, JSON.stringify(config, null, 2));
      return true;
    });
  }

  async get(tenant: string): Promise<TenantConfig | null> {
    if (!TENANT_RE.test(tenant)) return null;
    const buf = await readOrNull(configPath(this.state, tenant));
    return buf ? parseTenantConfig(JSON.parse(buf.toString("utf8"))) : null;
  }

  /** Unconditional write (tests, first setup); updates go through putIfMatch. */
  async put(config: TenantConfig): Promise<void> {
    const file = configPath(this.state, config.tenant);
    await withFileLock(file, () => writeFileAtomic(file, JSON.stringify(config, null, 2)));
  }
}
