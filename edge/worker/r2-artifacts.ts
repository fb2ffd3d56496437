// ArtifactStore over the R2 bucket `ARTIFACTS`. Uploads stream into R2 through a FixedLengthStream (R2 takes a
// stream only when its length is known, so an upload without Content-Length gets 411); R2 keeps nothing of a put
// whose stream fails. Reads stream the object's body.

import { EdgerecError } from "../../shared/errors.ts";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { ArtifactStore } from "../app/ports.ts";
import { r2ArtifactKey } from "../../shared/store/keys.ts";

export class R2ArtifactStore implements ArtifactStore {
  constructor(private readonly bucket: R2Bucket) {}

  async get(tenant: string, version: string, file: string): Promise<Uint8Array | null> {
    const obj = await this.bucket.get(r2ArtifactKey(tenant, version, file));
    return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
  }

  async put(tenant: string, version: string, file: string, bytes: Uint8Array): Promise<void> {
    await this.bucket.put(r2ArtifactKey(tenant, version, file), bytes);
  }

  async putStream(tenant: string, version: string, file: string, body: ReadableStream<Uint8Array>, length: number | null): Promise<void> {
    if (length === null) {
      await body.cancel().catch(() => undefined);
      throw new EdgerecError("length_required", "an artifact upload needs a Content-Length header (R2 stores streams of known length)", 411);
    }
    const sealed = () => this.bucket.head(r2ArtifactKey(tenant, version, ARTIFACT_FILES.manifest));
    if (await sealed()) {
      await body.cancel().catch(() => undefined);
      throw new EdgerecError("version_sealed", `version '${version}' is already published; versions are immutable, upload a new one`, 409);
    }
    const fixed = new FixedLengthStream(length);
    const piping = body.pipeTo(fixed.writable);
    const key = r2ArtifactKey(tenant, version, file);
    // The manifest is written only if no manifest exists yet (R2's conditional put), so two sealing uploads cannot both win.
    const options: R2PutOptions = file === ARTIFACT_FILES.manifest ? { onlyIf: { uploadedBefore: new Date(0) } } : {};
    const [put, piped] = await Promise.allSettled([this.bucket.put(key, fixed.readable, options), piping]);
    if (piped.status === "rejected") throw piped.reason;
    if (put.status === "rejected") throw put.reason;
    if (put.value === null) throw new EdgerecError("version_sealed", `version '${version}' was sealed by another upload`, 409);
  }

  async getStream(tenant: string, version: string, file: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null> {
    const obj = await this.bucket.get(r2ArtifactKey(tenant, version, file));
    return obj ? { body: obj.body, size: obj.size } : null;
  }
}
