// Artifact round trip: export → directory → verified read gives back the same vectors, ids and metadata; a corrupt
// or truncated file is refused with the failed check named.

import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ArtifactError } from "../shared/errors.ts";
import { decodePack } from "../shared/artifact/pack.ts";
import { decodeSeen, seenRowsOf } from "../shared/artifact/seen.ts";
import { decodePopularJson, readItems, readManifest, readVerified } from "../shared/artifact/reader.ts";
import { generateSynthetic } from "../shared/data/synthetic.ts";
import { dirSource, writeArtifactDir } from "./artifact-dir.ts";
import { loadArtifactModel, userVectorFor } from "./artifact-model.ts";
import { exportArtifact } from "./export.ts";
import { trainModel } from "./train.ts";

const data = generateSynthetic({ users: 120, items: 80, interactionsPerUser: 12, categories: 4, seed: 2 });

async function exported(dtype: "float32" | "int8" = "float32") {
  const model = await trainModel("als", data, { seed: 1, epochs: 3, dim: 8 });
  const files = await exportArtifact(model, data, { tenant: "shop", version: "v1", metrics: { "ndcg@10": 0.5 }, dtype });
  const dir = join(await mkdtemp(join(tmpdir(), "edgerec-art-")), "v1");
  await writeArtifactDir(dir, files);
  return { model, dir };
}

describe("artifact export", () => {
  it("round-trips vectors, ids, metadata and manifest", async () => {
    const { model, dir } = await exported();
    const source = dirSource(dir);
    const manifest = await readManifest(source);
    expect(manifest).toMatchObject({ format: "edgerec-artifact/1", tenant: "shop", version: "v1", model: { kind: "als", dim: 8 } });
    expect(manifest.counts).toEqual({ users: 120, items: data.itemIds.size, interactions: data.users.length });
    expect(Object.keys(manifest.files).sort()).toEqual(["gram.bin", "items.bin", "items.json", "popular.json", "seen.bin", "users.bin", "users.json"]);
    const { items, vectors, gram } = await readItems(source, manifest);
    expect(Array.from(vectors.data)).toEqual(Array.from(model.itemFactors));
    expect(items.map((i) => i.id)).toEqual(data.itemIds.ids);
    expect(items[0]!.title).toBeTruthy();
    expect(items[0]!.categories!.length).toBeGreaterThan(0);
    expect(gram!.rows).toBe(8);
    const users = decodePack(await readVerified(source, manifest, "users.bin"));
    expect(Array.from(users.data)).toEqual(Array.from(model.userFactors));
    const popular = decodePopularJson(await readVerified(source, manifest, "popular.json"));
    expect(popular.global[0]!.count).toBeGreaterThanOrEqual(popular.global[1]!.count);
    expect(Object.keys(popular.byCategory).length).toBe(4);
    // seen.bin: every training interaction of every user, rows sorted, nothing else.
    const seen = decodeSeen(await readVerified(source, manifest, "seen.bin"));
    expect(seen.users).toBe(data.userIds.size);
    expect(seen.items).toBe(data.itemIds.size);
    const want = Array.from({ length: data.userIds.size }, () => new Set<number>());
    for (let k = 0; k < data.users.length; k++) want[data.users[k]!]!.add(data.items[k]!);
    for (let u = 0; u < seen.users; u++) expect(Array.from(seenRowsOf(seen, u))).toEqual([...want[u]!].sort((a, b) => a - b));
  });

  it("a loaded artifact folds an unseen user in from items", async () => {
    const { model, dir } = await exported();
    const m = await loadArtifactModel(dirSource(dir));
    const known = userVectorFor(m, data.userIds.ids[0]!, []);
    expect(known.source).toBe("personalized");
    expect(Array.from(known.vector!)).toEqual(Array.from(model.userFactors.subarray(0, 8)));
    expect(userVectorFor(m, "stranger", [1, 2, 3]).source).toBe("fold-in");
    expect(userVectorFor(m, "stranger", []).source).toBe("popular");
  });

  it("stores int8 packs at a quarter of the size", async () => {
    const { dir } = await exported("int8");
    const manifest = await readManifest(dirSource(dir));
    expect(manifest.files["items.bin"]!.bytes).toBeLessThan(16 + data.itemIds.size * 8 * 4 * 0.5);
    const { vectors } = await readItems(dirSource(dir), manifest);
    expect(vectors.data.length).toBe(data.itemIds.size * 8);
  });

  it.each([
    ["a flipped byte", (b: Uint8Array) => ((b[40] = b[40]! ^ 1), b), "sha256"],
    ["truncation", (b: Uint8Array) => b.subarray(0, b.length - 4), "size"],
  ])("refuses items.bin with %s", async (_name, corrupt, check) => {
    const { dir } = await exported();
    const path = join(dir, "items.bin");
    await writeFile(path, corrupt(new Uint8Array(await readFile(path))));
    const err = await readItems(dirSource(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as ArtifactError).check).toBe(check);
    expect((err as Error).message).toMatch(/items\.bin/);
  });

  it("refuses a manifest that fails its schema", async () => {
    const { dir } = await exported();
    await writeFile(join(dir, "manifest.json"), JSON.stringify({ format: "edgerec-artifact/9" }));
    await expect(readManifest(dirSource(dir))).rejects.toThrow(/manifest\.json: format/);
  });
});
