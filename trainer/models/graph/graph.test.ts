// The graph-filter model end to end on small data: it beats popularity on planted structure, its trained user
// vectors are exactly the shared fold-in of their items, and an exported artifact carries item-scales.bin and the
// filter fold-in so a loaded model (as the edge and the widget load it) folds users in to the same vectors.

import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACT_FILES } from "../../../shared/artifact/files.ts";
import type { FilterFoldInParams } from "../../../shared/artifact/manifest.ts";
import { decodePack, encodePack } from "../../../shared/artifact/pack.ts";
import { parseManifest, readItems, readManifest } from "../../../shared/artifact/reader.ts";
import { encodeJson } from "../../../shared/artifact/writer.ts";
import { sha256Hex } from "../../../shared/artifact/sha256.ts";
import { IdMap } from "../../../shared/data/interactions.ts";
import { randomHoldout } from "../../../shared/data/split.ts";
import { generateSynthetic } from "../../../shared/data/synthetic.ts";
import { ArtifactError } from "../../../shared/errors.ts";
import { createFoldIn, FilterFoldIn } from "../../../shared/scoring/foldin.ts";
import { dirSource, writeArtifactDir } from "../../artifact-dir.ts";
import { loadArtifactModel, userVectorFor } from "../../artifact-model.ts";
import { evaluateFactors, evaluatePopularity } from "../../evaluate-model.ts";
import { exportArtifact } from "../../export.ts";
import { evaluateArtifact } from "../../evaluate-artifact.ts";
import { evaluateServedGraph } from "./served-eval.ts";
import { normalisedCsr, trainModel } from "../../train.ts";
import { graphDefaults, parseGraphParams } from "./defaults.ts";
import { filterWeights, GRAPH_DEFAULTS } from "./graph.ts";
import { TERM_MIN_GAIN, searchGraphParams, weightSearch } from "./search.ts";
import { graphFit } from "./fit.ts";

const data = generateSynthetic({ users: 400, items: 300, interactionsPerUser: 30, dim: 6, categories: 6, seed: 5 });
const { train, test } = randomHoldout(data, { testFraction: 0.2, seed: 1 });

describe("graph model", () => {
  it("beats popularity clearly on planted structure and stays within 20% of ALS", async () => {
    const graph = evaluateFactors(train, test, await trainModel("graph", train, { seed: 3 }))["ndcg@10"]!;
    const als = evaluateFactors(train, test, await trainModel("als", train, { seed: 3 }))["ndcg@10"]!;
    expect(graph).toBeGreaterThan(evaluatePopularity(train, test)["ndcg@10"]! * 1.25);
    // Planted low-rank data is ALS's home ground (the graph filter measured 0.44 against ALS 0.50 here).
    expect(graph).toBeGreaterThan(als * 0.8);
  });

  it("trained user vectors are the filter fold-in of the user's items", async () => {
    const m = await trainModel("graph", train, { seed: 2, dim: 12 });
    expect(m.foldIn?.method).toBe("filter");
    expect((m.foldIn as FilterFoldInParams).filter).toHaveLength(12);
    const f = new FilterFoldIn(m.dim, m.itemFactors, m.itemScales!, m.foldIn as FilterFoldInParams);
    const { byUser } = normalisedCsr(train);
    let worst = 0;
    for (let u = 0; u < m.users; u++) {
      const s = byUser.indptr[u]!;
      const e = byUser.indptr[u + 1]!;
      const v = f.user(byUser.indices.subarray(s, e), byUser.values.subarray(s, e));
      for (let d = 0; d < m.dim; d++) worst = Math.max(worst, Math.abs(v[d]! - m.userFactors[u * m.dim + d]!));
    }
    expect(worst).toBe(0); // the same class over the same float32 inputs
  });

  it("by default serves a shoulder after the full-weight directions, and its user vectors are still the fold-in", async () => {
    const m = await trainModel("graph", train, { seed: 2 });
    expect(m.params).toMatchObject({ rank: 16, tailRank: 16, tailWeight: 0.3, weighting: "binary" });
    expect(m.dim).toBe(32);
    const f = new FilterFoldIn(m.dim, m.itemFactors, m.itemScales!, m.foldIn as FilterFoldInParams);
    const { byUser } = normalisedCsr(train, "binary");
    let worst = 0;
    for (let u = 0; u < m.users; u += 7) {
      const s = byUser.indptr[u]!;
      const e = byUser.indptr[u + 1]!;
      const v = f.user(byUser.indices.subarray(s, e), byUser.values.subarray(s, e));
      for (let d = 0; d < m.dim; d++) worst = Math.max(worst, Math.abs(v[d]! - m.userFactors[u * m.dim + d]!));
    }
    expect(worst).toBe(0); // the same class over the same float32 inputs
  });

  it("weighs the shoulder directions by tailWeight and picks rank and shoulder by rule", () => {
    const h = filterWeights(Float64Array.from([4, 3, 2, 1]), { beta: 0, power: 0, rank: 2, tailWeight: 0.3 });
    expect(Array.from(h)).toEqual([1, 1, 0.3, 0.3]);
    // MovieLens-100k's shape: rank √943 rounded down to 8 = 24, shoulder as wide; Gowalla's (sparse): 1.5 · √29,858
    // capped at 192, no shoulder.
    expect(graphDefaults({ users: 943, items: 1682, interactions: 80_000 })).toMatchObject({ rank: 24, tailRank: 24, degreeOffset: 24 });
    expect(graphDefaults({ users: 29_858, items: 40_981, interactions: 810_128 })).toMatchObject({ rank: 192, tailRank: 0 });
    // Tiny data: the shoulder fits under the cap of a third of the smaller side, or is dropped.
    expect(graphDefaults({ users: 6, items: 6, interactions: 14 })).toMatchObject({ rank: 2, tailRank: 0 });
  });

  it("is deterministic by seed and honours --graph-params", async () => {
    const a = await trainModel("graph", train, { seed: 9, graph: parseGraphParams("rank=10,beta=1") });
    const b = await trainModel("graph", train, { seed: 9, graph: { rank: 10, beta: 1 } });
    expect(a.dim).toBe(10);
    expect(a.params.beta).toBe(1);
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
  });

  it("trains on tiny data: the rank shrinks to a third of the smaller side, and a user gets an unseen item of their cluster first", async () => {
    // Two clusters: users a1..a3 like items x1..x3, users b1..b3 like y1..y3; a3 has not seen x3.
    const pairs = [["a1", "x1"], ["a1", "x2"], ["a1", "x3"], ["a2", "x1"], ["a2", "x3"], ["a3", "x1"], ["a3", "x2"], ["b1", "y1"], ["b1", "y2"], ["b2", "y2"], ["b2", "y3"], ["b3", "y1"], ["b3", "y3"], ["b3", "y2"]];
    const tiny = fromPairs(pairs);
    const m = await trainModel("graph", tiny, { seed: 1 });
    expect(m.dim).toBe(2);
    expect(m.userFactors.every(Number.isFinite) && m.itemFactors.every(Number.isFinite)).toBe(true);
    const a3 = tiny.userIds.get("a3")!;
    const score = (item: string) => {
      const i = tiny.itemIds.get(item)!;
      let s = 0;
      for (let d = 0; d < m.dim; d++) s += m.userFactors[a3 * m.dim + d]! * m.itemFactors[i * m.dim + d]!;
      return s;
    };
    expect(score("x3")).toBeGreaterThan(Math.max(score("y1"), score("y2"), score("y3")));
  });

  it("refuses unknown or malformed graph parameters with the valid keys", () => {
    expect(() => parseGraphParams("rank=10,gamma=2")).toThrow(/keys: rank, tailRank, tailWeight, degreeOffset/);
    expect(() => parseGraphParams("rank")).toThrow(/'rank' is not key=number/);
    expect(() => parseGraphParams("rank=0")).toThrow(/rank/);
  });

  it("its validation search returns one of the candidates it scored", () => {
    const { best, tried } = searchGraphParams(train, { ...GRAPH_DEFAULTS, rank: 16 }, 1, { maxUsers: 200 });
    expect(tried.length).toBeGreaterThan(4);
    expect(tried.some((t) => t.params.rank === best.rank && t.params.beta === best.beta)).toBe(true);
  });

  it("tries G's tilted shape after GF-CF's, keeps a term with the shape it was weighed with, and the fit carries it", async () => {
    const { best, tried } = searchGraphParams(train, { ...GRAPH_DEFAULTS, rank: 16 }, 1, { maxUsers: 200 });
    const terms = tried.filter((t) => t.params.neighbours !== undefined);
    expect(terms.some((t) => t.params.termUserExponent === 1 && t.params.termItemExponent === 0.5)).toBe(true);
    expect(terms.some((t) => t.params.termUserExponent === 0.6 && t.params.termItemExponent === 0.45)).toBe(true);
    if (best.neighbours > 0) {
      const kept = terms.find((t) => t.params.denseWeight === best.denseWeight && t.params.termUserExponent === best.termUserExponent && t.params.termItemExponent === best.termItemExponent);
      expect(kept).toBeDefined();
    }
    // The refit gets the term whole: its weight was searched for that shape of G.
    const fit = await graphFit(train, { overrides: {}, tune: true, holdout: 0, seed: 1, log: () => {}, hooks: () => ({}) });
    expect(fit.point).toHaveProperty("termUserExponent");
    expect(fit.point).toHaveProperty("termItemExponent");
  });

  it("keeps the item–item term only when it beats the dense filter on the split, and stops at the budget after the first", () => {
    const candidates = [{ neighbours: 10, denseWeight: 0.5 }, { neighbours: 5, denseWeight: 1 }];
    const { best, tried } = searchGraphParams(train, { ...GRAPH_DEFAULTS, rank: 16 }, 1, { maxUsers: 200, neighbourCandidates: candidates });
    const dense = tried.filter((t) => t.params.neighbours === undefined);
    const withTerm = tried.filter((t) => t.params.neighbours !== undefined);
    expect(withTerm).toHaveLength(2);
    const bestDense = Math.max(...dense.map((t) => t.ndcg20));
    const bestTerm = withTerm.reduce((a, b) => (b.ndcg20 > a.ndcg20 ? b : a));
    if (bestTerm.ndcg20 > bestDense * (1 + TERM_MIN_GAIN)) expect([best.neighbours, best.denseWeight]).toEqual([bestTerm.params.neighbours, bestTerm.params.denseWeight]);
    else expect(best.neighbours).toBe(0);
    const stopped = searchGraphParams(train, { ...GRAPH_DEFAULTS, rank: 16 }, 1, { maxUsers: 200, neighbourCandidates: candidates, budgetSeconds: 0 });
    // Past the budget only the first candidate is scored.
    const first = stopped.tried.filter((t) => t.params.neighbours !== undefined);
    expect(first.map((t) => t.params.neighbours)).toEqual([10]);
    expect(stopped.best.neighbours).toBe(first[0]!.ndcg20 > bestDense * (1 + TERM_MIN_GAIN) ? 10 : 0);
  });
});

describe("the item–item term's dense-weight search", () => {
  const run = (peak: number, budget = Number.POSITIVE_INFINITY) => {
    const tried: number[] = [];
    weightSearch((w, n) => {
      if (n >= budget) return null;
      tried.push(w);
      return -Math.abs(Math.log(w / peak));
    });
    return tried;
  };
  const bestOf = (tried: number[], peak: number) => tried.reduce((a, b) => (Math.abs(Math.log(b / peak)) < Math.abs(Math.log(a / peak)) ? b : a));

  it("walks past its start towards a peak on either side and refines within √2 of it", () => {
    for (const peak of [0.1, 0.4, 0.7, 1, 3, 9]) {
      const tried = run(peak);
      expect(Math.abs(Math.log(bestOf(tried, peak) / peak)), `peak ${peak}: ${tried.join(", ")}`).toBeLessThanOrEqual(Math.log(Math.SQRT2) / 2 + 1e-9);
      expect(new Set(tried).size).toBe(tried.length);
    }
  });

  it("stops where the budget ends", () => {
    expect(run(9, 3)).toEqual([0.5, 1, 2]);
  });
});

/** Every file of an artifact directory, by name. */
async function readArtifactFiles(dir: string): Promise<Map<string, Uint8Array>> {
  const manifest = await readManifest(dirSource(dir));
  const files = new Map<string, Uint8Array>([[ARTIFACT_FILES.manifest, await readFile(join(dir, ARTIFACT_FILES.manifest))]]);
  for (const name of Object.keys(manifest.files)) files.set(name, await readFile(join(dir, name)));
  return files;
}

/** `files` with `name` replaced and the manifest listing the new bytes (so only the format checks can refuse it). */
async function relisted(files: Map<string, Uint8Array>, name: string, bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const manifest = JSON.parse(new TextDecoder().decode(files.get(ARTIFACT_FILES.manifest)!)) as { files: Record<string, { bytes: number; sha256: string }> };
  manifest.files[name] = { bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
  return new Map(files).set(name, bytes).set(ARTIFACT_FILES.manifest, encodeJson(manifest));
}

function fromPairs(pairs: string[][]) {
  const userIds = new IdMap();
  const itemIds = new IdMap();
  const users = Int32Array.from(pairs, ([u]) => userIds.add(u!));
  const items = Int32Array.from(pairs, ([, i]) => itemIds.add(i!));
  return { userIds, itemIds, users, items, weights: new Float32Array(pairs.length).fill(1), timestamps: new Float64Array(pairs.length).fill(NaN) };
}

describe("graph artifact", () => {
  async function exported() {
    const model = await trainModel("graph", data, { seed: 1, dim: 8 });
    const files = await exportArtifact(model, data, { tenant: "shop", version: "v1", metrics: {} });
    const dir = join(await mkdtemp(join(tmpdir(), "edgerec-graph-")), "v1");
    await writeArtifactDir(dir, files);
    return { model, dir };
  }

  it("round-trips item-scales.bin and the filter, and the shared fold-in over the exported files gives users.bin exactly", async () => {
    const { model, dir } = await exported();
    const manifest = await readManifest(dirSource(dir));
    expect(manifest.model).toMatchObject({ kind: "graph", dim: 8, foldIn: { method: "filter" } });
    expect((manifest.model.foldIn as FilterFoldInParams).filter).toEqual((model.foldIn as FilterFoldInParams).filter);
    expect(Object.keys(manifest.files)).toContain("item-scales.bin");
    expect(Object.keys(manifest.files)).not.toContain("projection.bin");
    expect(Object.keys(manifest.files)).not.toContain("gram.bin");
    const { vectors, foldInData, gram } = await readItems(dirSource(dir), manifest);
    expect([foldInData!.rows, foldInData!.dim]).toEqual([model.items, 1]);
    expect(Array.from(foldInData!.data)).toEqual(Array.from(model.itemScales!));
    const folder = createFoldIn(manifest.model.foldIn, 8, vectors.data, gram?.data ?? null, foldInData!.data)!;
    const loaded = await loadArtifactModel(dirSource(dir));
    // The trainer folded with the same weights it trained on (binary by default, as here: all 1).
    const { byUser } = normalisedCsr(data, "binary");
    for (let u = 0; u < model.users; u++) {
      const rows = byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!);
      const weights = byUser.values.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!);
      expect(Array.from(folder.user(rows, weights)), `user ${u}`).toEqual(Array.from(loaded.userVectors.subarray(u * 8, u * 8 + 8)));
    }
    const rows = Array.from(byUser.indices.subarray(byUser.indptr[7]!, byUser.indptr[8]!));
    const viaModel = userVectorFor(loaded, "stranger", rows);
    expect(viaModel.source).toBe("fold-in");
    expect(Array.from(viaModel.vector!)).toEqual(Array.from(model.userFactors.subarray(7 * 8, 8 * 8)));
  });

  it("export refuses item scales or a filter of the wrong size", async () => {
    const model = await trainModel("graph", data, { seed: 1, dim: 8 });
    const opts = { tenant: "shop", version: "v1", metrics: {} };
    await expect(exportArtifact({ ...model, itemScales: model.itemScales!.subarray(1) }, data, opts)).rejects.toThrow(/item scales/);
    const short = { ...(model.foldIn as FilterFoldInParams), filter: [1, 2] };
    await expect(exportArtifact({ ...model, foldIn: short }, data, opts)).rejects.toThrow(/8 filter weights, not 2/);
  });

  it("the reader refuses an item-scales.bin of the wrong rows or with non-finite values, and a filter unlike dim", async () => {
    const { model, dir } = await exported();
    const files = await readArtifactFiles(dir);
    const refusal = async (changed: Map<string, Uint8Array>): Promise<ArtifactError> => {
      const source = { get: async (name: string) => changed.get(name) ?? null };
      const e = await readItems(source).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(ArtifactError);
      return e as ArtifactError;
    };
    const scales = decodePack(files.get(ARTIFACT_FILES.itemScales)!).data;
    const fewer = encodePack({ rows: model.items - 1, dim: 1, data: scales.subarray(1) });
    expect((await refusal(await relisted(files, ARTIFACT_FILES.itemScales, fewer))).message).toBe(
      `item-scales.bin is ${model.items - 1}×1, expected ${model.items}×1 (a row per item of items.bin)`,
    );
    const wide = encodePack({ rows: model.items, dim: 2, data: new Float32Array(model.items * 2) });
    expect((await refusal(await relisted(files, ARTIFACT_FILES.itemScales, wide))).check).toBe("dim");
    const nan = scales.slice();
    nan[3] = Number.NaN;
    expect((await refusal(await relisted(files, ARTIFACT_FILES.itemScales, encodePack({ rows: model.items, dim: 1, data: nan })))).message).toBe(
      "item-scales.bin: value 3 is not finite",
    );
    // A filter of 7 weights for dim 8: the manifest itself is refused, before any file is read.
    const manifest = JSON.parse(new TextDecoder().decode(files.get(ARTIFACT_FILES.manifest)!)) as { model: { foldIn: { filter: number[] } } };
    manifest.model.foldIn.filter.pop();
    const e = await refusal(new Map(files).set(ARTIFACT_FILES.manifest, encodeJson(manifest)));
    expect(e.check).toBe("manifest");
    expect(e.message).toBe("manifest.json: model.foldIn.filter: has 7 weights, model.dim is 8");
    // JSON has no Infinity, but a number literal too large for a double parses as one: refused too.
    const huge = JSON.stringify(manifest).replace(/"filter":\[/, '"filter":[1e400,');
    expect(() => parseManifest(huge)).toThrow(/manifest\.json: model\.foldIn\.filter\.0: /);
  });

  it("with the item–item term: neighbours.bin round-trips, and `evaluate` on the artifact scores what validation scored", async () => {
    const model = await trainModel("graph", train, { seed: 1, dim: 8, graph: { neighbours: 12, denseWeight: 0.5 } });
    expect(model.params).toMatchObject({ neighbours: 12, denseWeight: 0.5 });
    const files = await exportArtifact(model, train, { tenant: "shop", version: "v2", metrics: {} });
    const dir = join(await mkdtemp(join(tmpdir(), "edgerec-graph-nb-")), "v2");
    await writeArtifactDir(dir, files);
    const loaded = await loadArtifactModel(dirSource(dir));
    const foldIn = model.foldIn as FilterFoldInParams;
    expect(loaded.neighbours?.params).toEqual({ denseWeight: 0.5, offset: foldIn.offset, exponent: foldIn.exponent });
    expect(Array.from(loaded.neighbours!.list.columns)).toEqual(Array.from(model.neighbours!.columns));
    const offline = evaluateArtifact(loaded, train, test, [10, 20]).report;
    const served = evaluateServedGraph(train, test, model);
    expect(offline["ndcg@20"]).toBeCloseTo(served["ndcg@20"]!, 6);
    expect(offline["recall@20"]).toBeCloseTo(served["recall@20"]!, 6);
    // The term changes the ranking (it is not the dense model under another name).
    expect(served["ndcg@20"]).not.toBeCloseTo(evaluateFactors(train, test, model)["ndcg@20"]!, 6);
    // Without it, no file and no dense weight in the manifest.
    const plain = await trainModel("graph", train, { seed: 1, dim: 8, graph: { neighbours: 0 } });
    expect(plain.neighbours).toBeUndefined();
    expect(plain.params.denseWeight).toBeUndefined();
    expect([...(await exportArtifact(plain, train, { tenant: "shop", version: "v3", metrics: {} })).keys()]).not.toContain("neighbours.bin");
  });
});
