// Overlay sync without a host: a model loads and serves when its tenant's overlay is unreadable (the next check
// retries), and a second registry (another isolate) picks up a change written by the first once its check is due.

import { describe, expect, it } from "vitest";
import { buildFixture } from "../testing/fixtures.ts";
import { hnswModuleNode, openHnswNode } from "../node/hnsw.ts";
import { ItemOverlays } from "./overlay-sync.ts";
import { vectorToBase64 } from "./item-overlay.ts";
import type { ItemOverlayStore, StoredOverlay } from "./ports.ts";
import { ModelRegistry } from "./registry.ts";

/** An in-memory ItemOverlayStore: the tag is a counter. */
class MemoryOverlayStore implements ItemOverlayStore {
  readonly objects = new Map<string, StoredOverlay>();
  private n = 0;
  async get(tenant: string) {
    return this.objects.get(tenant) ?? null;
  }
  async etag(tenant: string) {
    return this.objects.get(tenant)?.etag ?? null;
  }
  async putIfMatch(tenant: string, bytes: Uint8Array, etag: string | null) {
    if ((this.objects.get(tenant)?.etag ?? null) !== etag) return null;
    const tag = `e${++this.n}`;
    this.objects.set(tenant, { bytes, etag: tag });
    return tag;
  }
}

describe("overlay sync", () => {
  it("serves a model whose overlay is unreadable, and applies it once it is readable again", async () => {
    const fx = await buildFixture({ tenant: "t", version: "v1", hnsw: hnswModuleNode() });
    const artifacts = { get: async (_t: string, _v: string, n: string) => fx.files.get(n) ?? null };
    const store = new MemoryOverlayStore();
    store.objects.set("t", { bytes: new TextEncoder().encode("{not json"), etag: "bad" });
    const overlays = new ItemOverlays(store, artifacts, 0);
    const registry = new ModelRegistry(artifacts, { budgetBytes: 1 << 30, openAnn: openHnswNode, overlays });
    const { model } = await registry.serve("t", "v1", null);
    expect(model.rows).toBe(fx.itemIds.length);

    // Another isolate fixes and writes the overlay; this one applies it at its next check (ttl 0: every request).
    store.objects.delete("t");
    const other = new ItemOverlays(store, artifacts, 0);
    const vector = new Float32Array(fx.dim).fill(0.5);
    await other.commit("t", () => ({ id: "late", op: "put", at: "x", version: "v1", method: "explicit", item: { categories: ["late"] }, vector: vectorToBase64(vector) }));
    const again = (await registry.serve("t", "v1", null)).model;
    expect(again.itemRow.has("late")).toBe(true);
    expect(again.rowsByCategory.get("late")).toHaveLength(1);
  });
});
