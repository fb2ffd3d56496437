// A graph-filter version in the widget: the loader downloads and verifies item-scales.bin (not a projection matrix)
// with the other client files, and the on-device ranker folds the visitor in through it and the manifest's filter,
// giving the ranking of the trained vector of a user with the same items. An older version with projection.bin
// still folds in alike.
import "fake-indexeddb/auto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { normalisedCsr, trainModel } from "../../trainer/train.ts";
import { exportArtifact } from "../../trainer/export.ts";
import type { TrainedModel } from "../../trainer/models/types.ts";
import { toLegacyProjection } from "../../edge/testing/legacy-projection.ts";
import { type StandinEdge, startStandinEdge } from "../../e2e/fixtures/widget/standin-edge.ts";
import { EdgeClient } from "./edge-client.ts";
import { LocalRanker } from "./local-ranker.ts";
import { canFoldOnDevice, loadModel } from "./model-loader.ts";
import { WidgetStore } from "./widget-store.ts";

let edge: StandinEdge;
beforeAll(async () => {
  edge = await startStandinEdge({ tenant: "demo", key: "pk_test" });
});
afterAll(() => edge.close());

describe("graph model in the widget", () => {
  const data = generateSynthetic({ users: 150, items: 120, interactionsPerUser: 12, dim: 5, categories: 4, seed: 6 });

  /** Loads the edge's active version as the widget does, and ranks user 4's items (one click each) on the device. */
  async function rankOnDevice(model: TrainedModel, storeName: string) {
    const store = await WidgetStore.open(storeName);
    const { model: m, problems } = await loadModel(new EdgeClient({ endpoint: edge.url, tenant: "demo", key: "pk_test" }), store, "demo");
    expect(problems).toEqual([]);
    await m!.saved;
    const ranker = new LocalRanker(m!.items, m!.vectors, m!.gram, m!.manifest.model.foldIn!, m!.popular, "js", m!.foldInData);
    const { byUser } = normalisedCsr(data);
    const u = 4;
    const rows = Array.from(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!));
    expect(new Set(byUser.values.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!)).size).toBe(1);
    // One click per item: equal weights, so the folded vector is the trained one up to a positive scale.
    const ranking = ranker.rank(rows.map((r) => ({ itemId: data.itemIds.ids[r]!, type: "click" as const })), 8);
    expect(ranking.personalised).toBe(true);
    const x = model.userFactors.subarray(u * model.dim, (u + 1) * model.dim);
    const truth = data.itemIds.ids
      .map((id, r) => ({ id, r, s: x.reduce((acc, xd, d) => acc + xd * model.itemFactors[r * model.dim + d]!, 0) }))
      .filter((c) => !rows.includes(c.r))
      .sort((a, b) => b.s - a.s)
      .slice(0, 8)
      .map((c) => c.id);
    expect(ranking.items.map((i) => i.item.id)).toEqual(truth);
    const fetched = edge.requests.map((r) => /\/artifacts\/([^/]+)\/(.+)$/.exec(r.path)).filter((f) => f !== null);
    return { m: m!, fetched: (version: string) => fetched.filter((f) => f[1] === version).map((f) => f[2]!) };
  }

  it("loads item-scales.bin and ranks a visitor by the filter fold-in", async () => {
    const model = await trainModel("graph", data, { seed: 1, dim: 10 });
    const files = await exportArtifact(model, data, { tenant: "demo", version: "g1", metrics: {} });
    edge.putVersion("g1", files);
    edge.activate("g1");
    const { m, fetched } = await rankOnDevice(model, "graph-widget-test");
    expect(fetched("g1")).toContain("item-scales.bin");
    expect(fetched("g1")).not.toContain("projection.bin");
    expect(m.manifest.model.foldIn?.method).toBe("filter");
    expect(canFoldOnDevice(m)).toBe(true);
    expect(canFoldOnDevice({ ...m, foldInData: null })).toBe(false);
    expect([m.foldInData?.rows, m.foldInData?.dim]).toEqual([data.itemIds.size, 1]);
    expect(Array.from(m.foldInData!.data)).toEqual(Array.from(model.itemScales!));

    // An older version of the same model, with projection.bin: downloaded instead, and folding alike.
    edge.putVersion("g0", await toLegacyProjection(files, "g0"));
    edge.activate("g0");
    const old = await rankOnDevice(model, "graph-widget-legacy-test");
    expect(old.m.manifest.model.foldIn?.method).toBe("projection");
    expect(canFoldOnDevice(old.m)).toBe(true);
    expect(old.fetched("g0")).toContain("projection.bin");
    expect(old.fetched("g0")).not.toContain("item-scales.bin");
    expect([old.m.foldInData?.rows, old.m.foldInData?.dim]).toEqual([data.itemIds.size, model.dim]);
  });

  it("refuses to build a graph ranker without its fold-in file, naming it", async () => {
    const small = generateSynthetic({ users: 40, items: 30, interactionsPerUser: 6, seed: 2 });
    const model = await trainModel("graph", small, { seed: 1, dim: 4 });
    const items = small.itemIds.ids.map((id) => ({ id }));
    const vectors = { rows: model.items, dim: model.dim, data: model.itemFactors };
    expect(() => new LocalRanker(items, vectors, null, model.foldIn!, null, "js", null)).toThrow(/item-scales\.bin/);
    const legacy = { method: "projection" as const, offset: 1, exponent: 0.5 };
    expect(() => new LocalRanker(items, vectors, null, legacy, null, "js", null)).toThrow(/projection\.bin/);
  });
});
