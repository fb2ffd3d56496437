// Ranking with filters against a brute-force oracle: the selective-category scan, the HNSW path and the exact
// index agree with a full scan that applies the same filters.
import { describe, expect, it } from "vitest";
import { buildFixture, categoryName } from "../testing/fixtures.ts";
import { hnswModuleNode } from "../node/hnsw.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "./embedding-cache.ts";
import type { ArtifactStore } from "./ports.ts";
import { MemoryRecentItems } from "./recent-items.ts";
import { recommend } from "./recommender.ts";
import { ModelRegistry } from "./registry.ts";
import { emptyTenantConfig } from "./tenant-config.ts";

describe("recommend with filters", async () => {
  const fx = await buildFixture({ tenant: "t", version: "v1", items: 1600, categories: 16, dim: 16, users: 32, hnsw: hnswModuleNode() });
  const store: ArtifactStore = {
    get: async (_t, _v, name) => fx.files.get(name) ?? null,
    put: async () => {
      throw new Error("read-only in this test");
    },
  };
  const registry = new ModelRegistry(store, { budgetBytes: 1 << 30, openAnn: (await import("../node/hnsw.ts")).openHnswNode });
  const deps = { registry, cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems() };
  const config = { ...emptyTenantConfig("t"), active: "v1" };

  /** Brute force: every item's score with user u's vector, filtered, best first. */
  const oracle = (u: number, keep: (r: number) => boolean, k: number) => {
    const scored = fx.itemIds.map((id, r) => {
      let s = 0;
      for (let d = 0; d < fx.dim; d++) s += fx.userVectors[u * fx.dim + d]! * (fx.itemVector(r)[d] ?? 0);
      return { id, r, s };
    });
    return scored.filter((x) => keep(x.r)).sort((a, b) => b.s - a.s).slice(0, k).map((x) => x.id);
  };

  it("scans a selective include filter exactly", async () => {
    for (const u of [0, 5, 9]) {
      const cats = [categoryName(3), categoryName(11)];
      const got = await recommend(deps, config, { userId: fx.userIds[u], count: 10, excludeSeen: true, filters: { includeCategories: cats, excludeIds: ["item-3"] } });
      expect(got.items.map((i) => i.id)).toEqual(oracle(u, (r) => (fx.itemCluster[r] === 3 || fx.itemCluster[r] === 11) && r !== 3, 10));
    }
  });

  it("meets count with exclusions on the HNSW path and stays near the oracle", async () => {
    const got = await recommend(deps, config, { userId: fx.userIds[2], count: 20, excludeSeen: true, filters: { excludeCategories: [categoryName(2)] } });
    expect(got.items).toHaveLength(20);
    const truth = new Set(oracle(2, (r) => fx.itemCluster[r] !== 2, 20));
    expect(got.items.filter((i) => truth.has(i.id)).length).toBeGreaterThanOrEqual(18);
  });
});
