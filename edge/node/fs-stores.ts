// File-system implementations for the Node host: ArtifactStore over the state dir, ConfigStore as one JSON file per
// tenant (written to a temporary name, fsynced, then renamed, so a reader never sees half a file).

import { promises as fs } from "node:fs";
import path from "node:path";
import type { ArtifactStore, ConfigStore } from "../app/ports.ts";
import { TENANT_RE, type TenantConfig, VERSION_RE, parseTenantConfig } from "../app/tenant-config.ts";
import { isSafeArtifactPath } from "../../shared/artifact/files.ts";
import { artifactPath, configPath } from "./state-layout.ts";

async function readOrNull(file: string): Promise<Buffer | null> {
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
}

export class FsArtifactStore implements ArtifactStore {
  constructor(private readonly state: string) {}

  async get(tenant: string, version: string, file: string): Promise<Uint8Array | null> {
    // The routes validate these already; checked again because they become paths here.
    if (!TENANT_RE.test(tenant) || !VERSION_RE.test(version) || !isSafeArtifactPath(file)) return null;
    const buf = await readOrNull(artifactPath(this.state, tenant, version, file));
    return buf ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : null;
  }

  async put(tenant: string, version: string, file: string, bytes: Uint8Array): Promise<void> {
    if (!TENANT_RE.test(tenant) || !VERSION_RE.test(version) || !isSafeArtifactPath(file)) throw new Error(`unsafe artifact path ${tenant}/${version}/${file}`);
    await writeFileAtomic(artifactPath(this.state, tenant, version, file), bytes);
  }
}

export class FsConfigStore implements ConfigStore {
  constructor(private readonly state: string) {}

  async get(tenant: string): Promise<TenantConfig | null> {
    if (!TENANT_RE.test(tenant)) return null;
    const buf = await readOrNull(configPath(this.state, tenant));
    return buf ? parseTenantConfig(JSON.parse(buf.toString("utf8"))) : null;
  }

  async put(config: TenantConfig): Promise<void> {
    await writeFileAtomic(configPath(this.state, config.tenant), JSON.stringify(config, null, 2));
  }
}
