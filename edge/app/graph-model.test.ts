// A graph-filter artifact served by the edge: the registry loads projection.bin with the version, and a visitor
// known only by recent items is folded in through it (source "fold-in") to the same ranking the trained vector of
// a user with those items gives.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeArtifactDir } from "../../trainer/artifact-dir.ts";
import { runRecommend } from "../../trainer/cli/recommend.ts";
import { buildGraphFixture } from "../testing/graph-fixture.ts";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { normalisedCsr, trainModel } from "../../trainer/train.ts";
import { exportArtifact } from "../../trainer/export.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "./embedding-cache.ts";
import type { ArtifactStore } from "./ports.ts";
import { MemoryRecentItems } from "./recent-items.ts";
import { recommend } from "./recommender.ts";
import { ModelRegistry } from "./registry.ts";
import { emptyTenantConfig } from "./tenant-config.ts";

describe("graph model at the edge", async () => {
  const data = generateSynthetic({ users: 200, items: 150, interactionsPerUser: 15, dim: 5, categories: 5, seed: 4 });
  // The dense model alone (no item–item term): this is about the fold-in; the term has its own tests below.
  const model = await trainModel("graph", data, { seed: 1, dim: 12, graph: { neighbours: 0 } });
  const files = await exportArtifact(model, data, { tenant: "t", version: "v1", metrics: {} });
  const store: Pick<ArtifactStore, "get"> = { get: async (_t, _v, name) => files.get(name) ?? null };
  const registry = new ModelRegistry(store, { budgetBytes: 1 << 30 });
  const deps = { registry, cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems() };
  const config = { ...emptyTenantConfig("t"), active: "v1" };
  const { byUser } = normalisedCsr(data);

  it("folds a visitor in from recent items through projection.bin, matching the trained user's ranking", async () => {
    expect(files.has("projection.bin")).toBe(true);
    let checked = 0;
    for (const u of [0, 3, 11]) {
      const rows = Array.from(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!));
      const weights = byUser.values.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!);
      if (!weights.every((w) => w === weights[0])) continue; // the edge folds recent items with equal weights
      const got = await recommend(deps, config, { recentItems: rows.map((r) => data.itemIds.ids[r]!), count: 10, excludeSeen: true });
      expect(got.source).toBe("fold-in");
      const seen = new Set(rows);
      const x = model.userFactors.subarray(u * model.dim, (u + 1) * model.dim);
      const truth = data.itemIds.ids
        .map((id, r) => {
          let s = 0;
          for (let d = 0; d < model.dim; d++) s += x[d]! * model.itemFactors[r * model.dim + d]!;
          return { id, r, s };
        })
        .filter((c) => !seen.has(c.r))
        .sort((a, b) => b.s - a.s)
        .slice(0, 10)
        .map((c) => c.id);
      expect(got.items.map((i) => i.id)).toEqual(truth);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("serves a known user their trained vector", async () => {
    const got = await recommend(deps, config, { userId: data.userIds.ids[5]!, count: 5, excludeSeen: true });
    expect(got.source).toBe("personalized");
    expect(got.items).toHaveLength(5);
  });
});

describe("graph model with the item–item term: the edge serves what `edgerec recommend` writes", async () => {
  const fx = await buildGraphFixture({ tenant: "t", version: "n1" });
  const store: Pick<ArtifactStore, "get"> = { get: async (_t, _v, name) => fx.files.get(name) ?? null };
  const deps = { registry: new ModelRegistry(store, { budgetBytes: 1 << 30 }), cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems() };
  const config = { ...emptyTenantConfig("t"), active: "n1" };

  it("lists the same items, best first, for every user", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edgerec-neighbours-"));
    await writeArtifactDir(join(dir, "n1"), fx.files);
    const lines = ["user_id,item_id"];
    for (let k = 0; k < fx.data.users.length; k++) lines.push(`${fx.data.userIds.ids[fx.data.users[k]!]},${fx.data.itemIds.ids[fx.data.items[k]!]}`);
    await writeFile(join(dir, "data.csv"), lines.join("\n") + "\n");
    await runRecommend(["--artifact", join(dir, "n1"), "--data", join(dir, "data.csv"), "--out", join(dir, "recs.tsv"), "--k", "10"]);
    const offline = new Map((await readFile(join(dir, "recs.tsv"), "utf8")).trim().split("\n").map((l) => l.split("\t") as [string, string]));
    expect(offline.size).toBe(fx.data.userIds.size);
    for (let u = 0; u < fx.data.userIds.size; u += 7) {
      const id = fx.data.userIds.ids[u]!;
      const served = await recommend(deps, config, { userId: id, count: 10, excludeSeen: true });
      expect(served.items.map((i) => i.id).join(","), id).toBe(offline.get(id));
      expect(served.items.map((i) => i.id)).toEqual(fx.expected(u, [], 10));
    }
  });
});
