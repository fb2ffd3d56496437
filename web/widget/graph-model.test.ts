// A graph-filter version in the widget: the loader downloads and verifies projection.bin with the other client
// files, and the on-device ranker folds the visitor in through it, giving the ranking of the trained vector of a
// user with the same items.
import "fake-indexeddb/auto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { normalisedCsr, trainModel } from "../../trainer/train.ts";
import { exportArtifact } from "../../trainer/export.ts";
import { type StandinEdge, startStandinEdge } from "../../e2e/fixtures/widget/standin-edge.ts";
import { EdgeClient } from "./edge-client.ts";
import { LocalRanker } from "./local-ranker.ts";
import { loadModel } from "./model-loader.ts";
import { WidgetStore } from "./widget-store.ts";

let edge: StandinEdge;
beforeAll(async () => {
  edge = await startStandinEdge({ tenant: "demo", key: "pk_test" });
});
afterAll(() => edge.close());

describe("graph model in the widget", () => {
  it("loads projection.bin and ranks a visitor by the projection fold-in", async () => {
    const data = generateSynthetic({ users: 150, items: 120, interactionsPerUser: 12, dim: 5, categories: 4, seed: 6 });
    const model = await trainModel("graph", data, { seed: 1, dim: 10 });
    edge.putVersion("g1", await exportArtifact(model, data, { tenant: "demo", version: "g1", metrics: {} }));
    edge.activate("g1");
    const store = await WidgetStore.open("graph-widget-test");
    const { model: m, problems } = await loadModel(new EdgeClient({ endpoint: edge.url, tenant: "demo", key: "pk_test" }), store, "demo");
    expect(problems).toEqual([]);
    expect(m?.manifest.model.foldIn?.method).toBe("projection");
    expect(m?.projection?.rows).toBe(data.itemIds.size);
    expect(Array.from(m!.projection!.data)).toEqual(Array.from(model.projection!));
    await m!.saved;

    const ranker = new LocalRanker(m!.items, m!.vectors, m!.gram, m!.manifest.model.foldIn!, m!.popular, "js", m!.projection);
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
  });

  it("refuses to build a projection ranker without projection.bin, naming the file", async () => {
    const data = generateSynthetic({ users: 40, items: 30, interactionsPerUser: 6, seed: 2 });
    const model = await trainModel("graph", data, { seed: 1, dim: 4 });
    const items = data.itemIds.ids.map((id) => ({ id }));
    const vectors = { rows: model.items, dim: model.dim, data: model.itemFactors };
    expect(() => new LocalRanker(items, vectors, null, model.foldIn!, null, "js", null)).toThrow(/projection\.bin/);
  });
});
