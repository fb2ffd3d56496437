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
  const store: Pick<ArtifactStore, "get"> = { get: async (_t, _v, name) => fx.files.get(name) ?? null };
  const registry = new ModelRegistry(store, { budgetBytes: 1 << 30, openAnn: (await import("../node/hnsw.ts")).openHnswNode });
  const deps = { registry, cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems() };
  const config = { ...emptyTenantConfig("t"), active: "v1" };

  /** Brute force: every item's score with user u's vector, filtered, the user's training items left out, best first. */
  const oracle = (u: number, keep: (r: number) => boolean, k: number, withSeen = false) => {
    const seen = new Set(withSeen ? [] : fx.seen[u]);
    const scored = fx.itemIds.map((id, r) => {
      let s = 0;
      for (let d = 0; d < fx.dim; d++) s += fx.userVectors[u * fx.dim + d]! * (fx.itemVector(r)[d] ?? 0);
      return { id, r, s };
    });
    return scored.filter((x) => keep(x.r) && !seen.has(x.id)).sort((a, b) => b.s - a.s).slice(0, k).map((x) => x.id);
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

  it("leaves every known user's training items out, whatever the request says about excludeSeen, unless false", async () => {
    for (let u = 0; u < fx.userIds.length; u++) {
      const seen = new Set(fx.seen[u]);
      for (const req of [{ userId: fx.userIds[u]!, count: 20 }, { userId: fx.userIds[u]!, count: 20, excludeSeen: true }]) {
        const got = await recommend(deps, config, req as Parameters<typeof recommend>[2]);
        expect(got.items).toHaveLength(20);
        expect(got.items.filter((i) => seen.has(i.id))).toEqual([]);
      }
      const optOut = await recommend(deps, config, { userId: fx.userIds[u]!, count: 6, excludeSeen: false });
      // The fixture's training items are each user's best: opting out gives them back.
      expect(optOut.items.map((i) => i.id)).toEqual(oracle(u, () => true, 6, true));
      expect(optOut.items.every((i) => seen.has(i.id))).toBe(true);
    }
  });

  it("ranks a user who has seen a third of the catalogue exactly (scan, not graph walk) and still meets count", async () => {
    const u = fx.userIds.length - 1;
    expect(fx.seen[u]!.length).toBeGreaterThan(fx.itemIds.length / 4);
    const got = await recommend(deps, config, { userId: fx.userIds[u]!, count: 30, excludeSeen: true });
    expect(got.items.map((i) => i.id)).toEqual(oracle(u, () => true, 30));
  });

  it("serves an older artifact without seen.bin (no exclusion possible) and says so once in the log", async () => {
    const old = await buildFixture({ tenant: "t", version: "v0", items: 50, users: 8, noSeen: true });
    const oldStore: Pick<ArtifactStore, "get"> = { get: async (_t, _v, name) => old.files.get(name) ?? null };
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => void warnings.push(m);
    try {
      const reg = new ModelRegistry(oldStore, { budgetBytes: 1 << 30 });
      const got = await recommend({ ...deps, registry: reg }, { ...config, active: "v0" }, { userId: old.userIds[1]!, count: 5, excludeSeen: true });
      expect(got.source).toBe("personalized");
      expect(got.items).toHaveLength(5);
    } finally {
      console.warn = warn;
    }
    expect(warnings.filter((w) => w.includes("no seen.bin"))).toHaveLength(1);
  });
});
