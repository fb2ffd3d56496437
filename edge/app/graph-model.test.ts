// A graph-filter artifact served by the edge: the registry loads item-scales.bin with the version, and a visitor
// known only by recent items is folded in through it and the manifest's filter (source "fold-in") to the same
// ranking the trained vector of a user with those items gives. An older version with projection.bin instead still
// loads and folds alike; a version whose fold-in file or filter does not fit is refused, and the edge says so.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeArtifactDir } from "../../trainer/artifact-dir.ts";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { decodePack, encodePack } from "../../shared/artifact/pack.ts";
import type { FilterFoldInParams, Manifest } from "../../shared/artifact/manifest.ts";
import { parseManifest } from "../../shared/artifact/reader.ts";
import { sealArtifact } from "../../shared/artifact/writer.ts";
import { ArtifactError } from "../../shared/errors.ts";
import { toLegacyProjection } from "../testing/legacy-projection.ts";
import { loadServingModel } from "./model-loader.ts";
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
  // The same model as an older version would carry it: projection.bin and the projection fold-in.
  const legacy = await toLegacyProjection(files, "v0");
  const versions = new Map([["v1", files], ["v0", legacy]]);
  const store: Pick<ArtifactStore, "get"> = { get: async (_t, v, name) => versions.get(v)?.get(name) ?? null };
  const registry = new ModelRegistry(store, { budgetBytes: 1 << 30 });
  const deps = { registry, cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems() };
  const { byUser } = normalisedCsr(data);

  /** User u's top `count` by their trained vector, `seen` rows left out: the ranking the edge must reproduce. */
  function trainedTop(u: number, seen: Set<number>, count: number): string[] {
    const x = model.userFactors.subarray(u * model.dim, (u + 1) * model.dim);
    return data.itemIds.ids
      .map((id, r) => {
        let s = 0;
        for (let d = 0; d < model.dim; d++) s += x[d]! * model.itemFactors[r * model.dim + d]!;
        return { id, r, s };
      })
      .filter((c) => !seen.has(c.r))
      .sort((a, b) => b.s - a.s)
      .slice(0, count)
      .map((c) => c.id);
  }

  /** For users whose items all weigh alike: what the edge serves from those items as recent ones, and the truth. */
  async function foldedAgainstTrained(version: string): Promise<number> {
    const config = { ...emptyTenantConfig("t"), active: version };
    let checked = 0;
    for (const u of [0, 3, 11]) {
      const rows = Array.from(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!));
      const weights = byUser.values.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!);
      if (!weights.every((w) => w === weights[0])) continue; // the edge folds recent items with equal weights
      const got = await recommend(deps, config, { recentItems: rows.map((r) => data.itemIds.ids[r]!), count: 10, excludeSeen: true });
      expect(got.source).toBe("fold-in");
      const seen = new Set(rows);
      const truth = trainedTop(u, seen, 10);
      expect(got.items.map((i) => i.id)).toEqual(truth);
      checked++;
    }
    return checked;
  }

  it("folds a visitor in from recent items through item-scales.bin and the filter, matching the trained user's ranking", async () => {
    expect(files.has("item-scales.bin")).toBe(true);
    expect(files.has("projection.bin")).toBe(false);
    expect(await foldedAgainstTrained("v1")).toBeGreaterThan(0);
  });

  it("still loads an older version with projection.bin and folds visitors in through it alike", async () => {
    expect(legacy.has("projection.bin")).toBe(true);
    expect(legacy.has("item-scales.bin")).toBe(false);
    const m = await registry.load("t", "v0");
    expect(m.manifest.model.foldIn?.method).toBe("projection");
    expect(m.foldIn).not.toBeNull();
    expect(await foldedAgainstTrained("v0")).toBeGreaterThan(0);
  });

  it("counts item-scales.bin (4 bytes an item) where an older version counted projection.bin (items × dim)", async () => {
    const now = await loadServingModel(store, "t", "v1");
    const before = await loadServingModel(store, "t", "v0");
    expect(before.bytes - now.bytes).toBe(model.items * (model.dim - 1) * 4);
  });

  it("refuses a version whose item-scales.bin or filter does not fit, with a clear error, and serves on", async () => {
    const scales = decodePack(files.get(ARTIFACT_FILES.itemScales)!).data;
    const nan = scales.slice();
    nan[5] = Number.POSITIVE_INFINITY;
    /** `files` as `version`, its item-scales.bin replaced or its manifest edited, listed and sealed as the trainer would. */
    const variant = async (version: string, scalesBytes: Uint8Array | null, edit: (m: Manifest) => void = () => {}) => {
      const { format: _format, files: _files, ...draft } = parseManifest(files.get(ARTIFACT_FILES.manifest)!);
      edit(draft as Manifest);
      const out = new Map(files);
      out.delete(ARTIFACT_FILES.manifest);
      if (scalesBytes) out.set(ARTIFACT_FILES.itemScales, scalesBytes);
      return sealArtifact({ ...draft, version }, out);
    };
    const broken = new Map([
      ["rows", await variant("rows", encodePack({ rows: model.items + 1, dim: 1, data: new Float32Array(model.items + 1) }))],
      ["nan", await variant("nan", encodePack({ rows: model.items, dim: 1, data: nan }))],
      ["filter", await variant("filter", null, (m) => (m.model.foldIn as FilterFoldInParams).filter.push(1))],
    ]);
    const bad: Pick<ArtifactStore, "get"> = { get: async (_t, v, name) => (broken.get(v) ?? versions.get(v))?.get(name) ?? null };
    const messages = {
      rows: `item-scales.bin is ${model.items + 1}×1, expected ${model.items}×1 (a row per item of items.bin)`,
      nan: "item-scales.bin: value 5 is not finite",
      filter: "manifest.json: model.foldIn.filter: has 13 weights, model.dim is 12",
    };
    const badDeps = { ...deps, registry: new ModelRegistry(bad, { budgetBytes: 1 << 30 }) };
    for (const [version, message] of Object.entries(messages)) {
      const e = await loadServingModel(bad, "t", version).then(() => null, (err: unknown) => err);
      expect(e, version).toBeInstanceOf(ArtifactError);
      expect((e as Error).message).toBe(message);
      // Through the request path: a 503 naming the reason, not a crash.
      await expect(recommend(badDeps, { ...emptyTenantConfig("t"), active: version }, { recentItems: [data.itemIds.ids[0]!], count: 5, excludeSeen: true })).rejects.toMatchObject({
        code: "model_unavailable",
        status: 503,
        message: expect.stringContaining(message),
      });
    }
    // The good version still serves from the same registry.
    expect((await recommend(badDeps, { ...emptyTenantConfig("t"), active: "v1" }, { recentItems: [data.itemIds.ids[0]!], count: 5, excludeSeen: true })).source).toBe("fold-in");
  });

  it("serves a known user their trained vector, folded in from seen.bin without holding users.bin", async () => {
    const m = await registry.load("t", "v1");
    expect(files.has(ARTIFACT_FILES.users)).toBe(true);
    expect(m.knownUsersFold).toBe(true);
    expect(m.userVectors).toBeNull();
    const config = { ...emptyTenantConfig("t"), active: "v1" };
    for (const u of [0, 5, 17, 120]) {
      const got = await recommend(deps, config, { userId: data.userIds.ids[u]!, count: 10, excludeSeen: true });
      expect(got.source).toBe("personalized");
      expect(got.vectorTier).toBe("artifact");
      const seen = new Set(Array.from(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!)));
      const truth = trainedTop(u, seen, 10);
      expect(got.items.map((i) => i.id)).toEqual(truth);
    }
  });

  it("holds users.bin for a graph model trained with weights (its users are not the fold-in of seen.bin)", async () => {
    const weighted = await trainModel("graph", data, { seed: 1, dim: 12, weighting: "log", graph: { neighbours: 0 } });
    const wFiles = await exportArtifact(weighted, data, { tenant: "t", version: "w1", metrics: {} });
    const m = await loadServingModel({ get: async (_t, _v, name) => wFiles.get(name) ?? null }, "t", "w1");
    expect(m.knownUsersFold).toBe(false);
    expect(m.userVectors?.length).toBe(data.userIds.size * weighted.dim);
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
