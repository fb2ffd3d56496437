// Keeps loaded models in step with their tenant's stored item overlay (item-overlay.ts). A model applies the whole
// overlay when it loads (a restart, a new isolate, an evicted model loaded again) and, while it serves, re-checks the
// stored object's tag at most once per `ttlMs` and applies what is new: a change made on another isolate or process
// shows up there within about `ttlMs`. A write commits by compare-and-swap, then applies at once where it was made.
// Records of another model version: deletes and metadata apply as they are; a vector is reused only by the version
// it was computed for, else an item the artifact trained keeps its trained vector and a new item is embedded again
// by this version (item tower or content), or skipped (counted) when nothing can embed it.

import { EdgerecError } from "../../shared/errors.ts";
import { embedItem } from "./item-embedding.ts";
import { OVERLAY_LIMITS, type OverlayFile, type OverlayLimits, type OverlayRecord, decodeOverlay, emptyOverlay, recordsAfter, vectorFromBase64, withRecord } from "./item-overlay.ts";
import { deleteItem, upsertItem } from "./live-catalogue.ts";
import type { ArtifactStore, ItemOverlayStore } from "./ports.ts";
import type { ServingModel } from "./serving-model.ts";

export const DEFAULT_OVERLAY_TTL_MS = 5000;
/** Compare-and-swap attempts before a write gives up with 409 (many writers on one tenant at once). */
const CAS_TRIES = 12;

export interface StoredFile {
  file: OverlayFile;
  etag: string | null;
}

export class ItemOverlays {
  /** Models whose freshness check is running (another request does not wait for it: it serves what is applied). */
  private readonly checking = new WeakSet<ServingModel>();

  constructor(
    readonly store: ItemOverlayStore,
    private readonly artifacts: Pick<ArtifactStore, "get">,
    readonly ttlMs = DEFAULT_OVERLAY_TTL_MS,
    private readonly limits: OverlayLimits = OVERLAY_LIMITS,
  ) {}

  async read(tenant: string): Promise<StoredFile> {
    const stored = await this.store.get(tenant);
    return stored ? { file: decodeOverlay(stored.bytes, tenant), etag: stored.etag } : { file: emptyOverlay(tenant), etag: null };
  }

  /** After a load: the whole overlay. Never throws: a model without it still serves, and the next check retries. */
  async prepare(model: ServingModel): Promise<void> {
    try {
      const { file, etag } = await this.read(model.tenant);
      await this.apply(model, file, etag);
    } catch (e) {
      console.error(`edgerec: item overlay of ${model.tenant} not applied to ${model.version}: ${(e as Error).message}`);
      model.live.checkedAt = 0;
      return;
    }
    model.live.checkedAt = Date.now();
  }

  /** While serving: at most once per ttl, compares the stored tag and applies what is new. Never throws. */
  async refresh(model: ServingModel): Promise<void> {
    if (Date.now() - model.live.checkedAt < this.ttlMs || this.checking.has(model)) return;
    this.checking.add(model);
    model.live.checkedAt = Date.now();
    try {
      const etag = await this.store.etag(model.tenant);
      if (etag === model.live.etag) return;
      const { file, etag: read } = await this.read(model.tenant);
      await this.apply(model, file, read);
    } catch (e) {
      console.error(`edgerec: item overlay of ${model.tenant}: ${(e as Error).message}`);
    } finally {
      this.checking.delete(model);
    }
  }

  /**
   * Commits one record by compare-and-swap: `make` sees the freshest stored overlay and returns the record (null:
   * nothing to write). Returns what is stored afterwards and the record written (null when none was).
   */
  async commit(
    tenant: string,
    make: (file: OverlayFile) => Omit<OverlayRecord, "seq"> | null,
    redundant?: (r: OverlayRecord) => boolean,
  ): Promise<StoredFile & { record: OverlayRecord | null }> {
    for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
      const current = await this.read(tenant);
      const draft = make(current.file);
      if (!draft) return { ...current, record: null };
      const next = withRecord(current.file, draft, this.limits, redundant);
      const etag = await this.store.putIfMatch(tenant, next.bytes, current.etag);
      if (etag !== null) return { file: next.file, etag, record: next.record };
      // Jittered backoff: writers that lost the same race do not meet again at once.
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * (attempt + 1)));
    }
    throw new EdgerecError("overlay_conflict", `tenant '${tenant}': the item overlay kept changing under ${CAS_TRIES} attempts to write it; try again`, 409);
  }

  /** Applies the records newer than what `model` has applied, oldest first; returns the ones that failed. */
  async apply(model: ServingModel, file: OverlayFile, etag: string | null): Promise<{ seq: number; error: Error }[]> {
    const failed: { seq: number; error: Error }[] = [];
    const todo = recordsAfter(file, model.live.seq);
    // Vectors first (the item tower may have to be read), then every change in one synchronous step.
    const vectors: (Float32Array | null | "skip")[] = [];
    for (const r of todo) vectors.push(r.op === "put" ? await this.vectorFor(model, r) : null);
    todo.forEach((r, k) => {
      if (r.seq <= model.live.seq) return; // applied meanwhile by a concurrent request
      const vector = vectors[k]!;
      try {
        if (r.op === "delete") deleteItem(model, r.id);
        else if (vector === "skip") model.live.skipped++;
        else upsertItem(model, { id: r.id, ...r.item }, vector);
      } catch (e) {
        failed.push({ seq: r.seq, error: e as Error });
        model.live.skipped++;
        console.error(`edgerec: item '${r.id.slice(0, 80)}' of ${model.tenant} not applied to ${model.version}: ${(e as Error).message}`);
      }
      model.live.seq = r.seq;
    });
    // Compaction drops superseded records: having applied every newer one, the model is at the file's seq.
    if (file.seq >= model.live.seq) {
      model.live.seq = file.seq;
      model.live.etag = etag;
    }
    return failed;
  }

  private async vectorFor(model: ServingModel, r: OverlayRecord): Promise<Float32Array | null | "skip"> {
    if (r.version === model.version) {
      if (r.vector) {
        const v = vectorFromBase64(r.vector, model.dim);
        if (v) return v;
      } else if (r.method === "kept" && model.itemRow.has(r.id)) return null;
    }
    const computed = await embedItem(model, r.id, r.item ?? {}, this.artifacts);
    if (computed.method === "kept") return null;
    return computed.vector ?? "skip";
  }
}

/**
 * Records the serving version `model` no longer needs, written against another version: a put of an item its artifact
 * trained (a version trained after the change has the item), a delete of an item it does not have. Dropped only
 * when the overlay is full; a rollback to an older version then no longer sees them.
 */
export function redundantFor(model: ServingModel): (r: OverlayRecord) => boolean {
  return (r) => {
    if (r.version === model.version) return false;
    const row = model.itemRow.get(r.id);
    return r.op === "delete" ? row === undefined : row !== undefined && row < model.live.baseRows;
  };
}
