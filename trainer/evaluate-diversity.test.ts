import { describe, expect, it } from "vitest";
import type { ArtifactModel } from "./artifact-model.ts";
import { evaluateDiversity, intraListDiversity } from "./evaluate-diversity.ts";
import { InteractionsBuilder } from "../shared/data/builder.ts";
import { evaluateArtifact } from "./evaluate-artifact.ts";

/**
 * Four categories, each a direction; every user likes category 0 most, and holds out one item of every category,
 * so relevance-only lists are all category 0 and diversity trades a little NDCG for many more categories.
 */
function world(): { m: ArtifactModel; train: InteractionsBuilder; test: InteractionsBuilder } {
  const dim = 4, perCat = 10, users = 12;
  const itemIds: string[] = [];
  const itemVectors = new Float32Array(4 * perCat * dim);
  const items = [];
  for (let r = 0; r < 4 * perCat; r++) {
    const c = r % 4;
    itemIds.push(`i${r}`);
    items.push({ id: `i${r}`, categories: [`c${c}`] });
    itemVectors[r * dim + c] = 1 - 0.01 * Math.floor(r / 4);
    itemVectors[r * dim + ((c + 1) % 4)] = 0.05;
  }
  const userVectors = new Float32Array(users * dim);
  for (let u = 0; u < users; u++) userVectors.set([1, 0.6, 0.5, 0.4], u * dim);
  const m: ArtifactModel = {
    manifest: { version: "t", model: { kind: "als", params: {} } } as ArtifactModel["manifest"],
    dim,
    itemIds,
    items,
    itemRow: new Map(itemIds.map((id, r) => [id, r])),
    itemVectors,
    userRow: new Map(Array.from({ length: users }, (_, u) => [`u${u}`, u])),
    userVectors,
    foldIn: null,
    seen: null,
    popularScores: new Float32Array(itemIds.length),
  };
  const train = new InteractionsBuilder("train");
  const test = new InteractionsBuilder("test");
  for (let u = 0; u < users; u++) {
    train.add(`u${u}`, "i0");
    for (const r of [4, 1, 2, 3]) test.add(`u${u}`, `i${r}`);
  }
  return { m, train, test };
}

describe("evaluateDiversity", () => {
  it("at diversity 0 agrees with evaluate, and trades NDCG for diversity as the setting rises", () => {
    const { m, train, test } = world();
    const tr = train.build();
    const te = test.build();
    const points = evaluateDiversity(m, tr, te, [4], [0, 0.5, 0.9]);
    const plain = evaluateArtifact(m, tr, te, [4]).report;
    expect(points[0]!["ndcg@4"]).toBeCloseTo(plain["ndcg@4"]!, 4);
    expect(points[0]!["categoriesPerList@4"]).toBe(1);
    expect(points[2]!["categoriesPerList@4"]).toBe(4);
    expect(points[2]!["ild@4"]).toBeGreaterThan(points[0]!["ild@4"]!);
    expect(points[2]!["categoryCoverage@4"]).toBe(1);
    // Each user's test set spans the four categories: here diversity finds more of it.
    expect(points[2]!["recall@4"]).toBeGreaterThan(points[0]!["recall@4"]!);
  });

  it("measures intra-list diversity as mean pairwise 1 − cosine", () => {
    const v = Float32Array.of(1, 0, 0, 1, 1, 0);
    expect(intraListDiversity(v, 2, Float32Array.of(1, 1, 1), [0, 1])).toBeCloseTo(1);
    expect(intraListDiversity(v, 2, Float32Array.of(1, 1, 1), [0, 2])).toBeCloseTo(0);
    expect(intraListDiversity(v, 2, Float32Array.of(1, 1, 1), [0])).toBe(0);
  });
});
