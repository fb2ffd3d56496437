// ItemOverlayStore over the R2 bucket `ARTIFACTS` (`overlays/<tenant>/items.json`): R2's conditional put (etag
// matches, or "only if absent") makes every write a compare-and-swap across isolates; `head` is the cheap tag check.

import type { ItemOverlayStore, StoredOverlay } from "../app/ports.ts";
import { r2ItemOverlayKey } from "../../shared/store/keys.ts";

export class R2ItemOverlayStore implements ItemOverlayStore {
  constructor(private readonly bucket: R2Bucket) {}

  async get(tenant: string): Promise<StoredOverlay | null> {
    const obj = await this.bucket.get(r2ItemOverlayKey(tenant));
    return obj ? { bytes: new Uint8Array(await obj.arrayBuffer()), etag: obj.etag } : null;
  }

  async etag(tenant: string): Promise<string | null> {
    return (await this.bucket.head(r2ItemOverlayKey(tenant)))?.etag ?? null;
  }

  async putIfMatch(tenant: string, bytes: Uint8Array, etag: string | null): Promise<string | null> {
    // etag null: only if no object exists (none passes "uploaded before the epoch").
    const onlyIf: R2Conditional = etag === null ? { uploadedBefore: new Date(0) } : { etagMatches: etag };
    const res = await this.bucket.put(r2ItemOverlayKey(tenant), bytes, { onlyIf, httpMetadata: { contentType: "application/json" } });
    return res?.etag ?? null;
  }
}
