// ItemOverlayStore on the Node host: `overlays/<tenant>/items.json` in the state dir, written atomically (temp file,
// fsync, rename) under the same cross-process file lock as tenant config, so a write is a compare-and-swap on the
// content's SHA-256 even with several processes on one state dir.

import type { ItemOverlayStore, StoredOverlay } from "../app/ports.ts";
import { TENANT_RE } from "../app/tenant-config.ts";
import { etagOf, readOrNull, withFileLock, writeFileAtomic } from "./fs-stores.ts";
import { itemOverlayPath } from "./state-layout.ts";

export class FsItemOverlayStore implements ItemOverlayStore {
  constructor(private readonly state: string) {}

  private file(tenant: string): string {
    if (!TENANT_RE.test(tenant)) throw new Error(`unsafe tenant id '${tenant.slice(0, 80)}'`);
    return itemOverlayPath(this.state, tenant);
  }

  async get(tenant: string): Promise<StoredOverlay | null> {
    const buf = await readOrNull(this.file(tenant));
    return buf ? { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), etag: etagOf(buf) } : null;
  }

  async etag(tenant: string): Promise<string | null> {
    const buf = await readOrNull(this.file(tenant));
    return buf ? etagOf(buf) : null;
  }

  async putIfMatch(tenant: string, bytes: Uint8Array, etag: string | null): Promise<string | null> {
    const file = this.file(tenant);
    return withFileLock(file, async () => {
      const buf = await readOrNull(file);
      if ((buf ? etagOf(buf) : null) !== etag) return null;
      await writeFileAtomic(file, bytes);
      return etagOf(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  }
}

