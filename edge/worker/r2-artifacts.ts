// ArtifactStore over the R2 bucket `ARTIFACTS`.

import type { ArtifactStore } from "../app/ports.ts";
import { r2ArtifactKey } from "./bindings.ts";

export class R2ArtifactStore implements ArtifactStore {
  constructor(private readonly bucket: R2Bucket) {}

  async get(tenant: string, version: string, file: string): Promise<Uint8Array | null> {
    const obj = await this.bucket.get(r2ArtifactKey(tenant, version, file));
    return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
  }

  async put(tenant: string, version: string, file: string, bytes: Uint8Array): Promise<void> {
    await this.bucket.put(r2ArtifactKey(tenant, version, file), bytes);
  }
}
