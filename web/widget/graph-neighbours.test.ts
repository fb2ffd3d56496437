// A graph version with the item–item term (neighbours.bin) in the widget: the loader downloads and checks the list
// with the other client files and keeps it in IndexedDB, and the device ranks a visitor with history exactly as the
// edge does for the same recent items (the real `recommend`, fold-in visitor), on both scoring kernels, whichever
// single event type the visitor's history holds. A corrupt
// list (damaged in transit, or re-sealed with a bad field) or one without its dense weight refuses the version: the
// kept one stays in use, or there is no local model and the widget asks the edge.
import "fake-indexeddb/auto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { Manifest } from "../../shared/artifact/manifest.ts";
import { sealArtifact } from "../../shared/artifact/writer.ts";
import { type StandinEdge, startStandinEdge } from "../../e2e/fixtures/widget/standin-edge.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "../../edge/app/embedding-cache.ts";
import type { ArtifactStore } from "../../edge/app/ports.ts";
import { MemoryRecentItems } from "../../edge/app/recent-items.ts";
import { recommend } from "../../edge/app/recommender.ts";
import { ModelRegistry } from "../../edge/app/registry.ts";
import { emptyTenantConfig } from "../../edge/app/tenant-config.ts";
import { replaced, truncated } from "../../edge/testing/fixtures.ts";
import { type GraphFixture, buildGraphFixture } from "../../edge/testing/graph-fixture.ts";
import { EdgeClient } from "./edge-client.ts";
import { LocalRanker } from "./local-ranker.ts";
import { type LocalModel, canFoldOnDevice, loadModel } from "./model-loader.ts";
import { WidgetStore } from "./widget-store.ts";

const T = "demo";
let edge: StandinEdge;
let fx: GraphFixture;
const client = () => new EdgeClient({ endpoint: edge.url, tenant: T, key: "pk_test" });
const fetched = (version: string) =>
  edge.requests.map((r) => /\/artifacts\/([^/]+)\/(.+)$/.exec(r.path)).filter((f) => f !== null && f[1] === version).map((f) => f![2]!);

beforeAll(async () => {
  edge = await startStandinEdge({ tenant: T, key: "pk_test" });
  fx = await buildGraphFixture({ tenant: T, version: "n1" });
  edge.putVersion("n1", fx.files);
  edge.activate("n1");
});
afterAll(() => edge.close());

/** The edge's answer for a visitor known only by these recent items (no user id: the fold-in path). */
async function edgeAnswer(itemIds: string[], count: number): Promise<string[]> {
  const store: Pick<ArtifactStore, "get"> = { get: async (_t, v, name) => (v === "n1" ? (fx.files.get(name) ?? null) : null) };
  const deps = { registry: new ModelRegistry(store, { budgetBytes: 1 << 30 }), cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems() };
  const got = await recommend(deps, { ...emptyTenantConfig(T), active: "n1" }, { recentItems: itemIds, count, excludeSeen: true });
  expect(got.source).toBe("fold-in");
  return got.items.map((i) => i.id);
}

/** Visitors with history: some users' training items, and a few short histories (one view per item). */
function visitors(): string[][] {
  const out: string[][] = [];
  for (const u of [0, 5, 17, 42, 99]) out.push(Array.from(fx.history[u]!, (r) => fx.data.itemIds.ids[r]!));
  for (const rows of [[3], [10, 11], [7, 30, 61], [88, 2, 45, 19]]) out.push(rows.map((r) => fx.data.itemIds.ids[r]!));
  return out;
}

/** The same files as another version (the manifest's `version` edited; every file's size and SHA-256 kept). */
function asVersion(files: Map<string, Uint8Array>, version: string): Map<string, Uint8Array> {
  const manifest = JSON.parse(new TextDecoder().decode(files.get(ARTIFACT_FILES.manifest)!)) as Manifest;
  return new Map([...files, [ARTIFACT_FILES.manifest, new TextEncoder().encode(JSON.stringify({ ...manifest, version }))]]);
}

describe("graph model with the item–item term in the widget", () => {
  let m: LocalModel;

  it("downloads neighbours.bin with the client files, checks it and keeps it in IndexedDB", async () => {
    const store = await WidgetStore.open("graph-neighbours-test");
    const first = await loadModel(client(), store, T);
    expect(first.problems).toEqual([]);
    await first.model!.saved;
    m = first.model!;
    expect(fetched("n1")).toContain(ARTIFACT_FILES.neighbours);
    expect(canFoldOnDevice(m)).toBe(true);
    expect(m.neighbours?.list.items).toBe(fx.data.itemIds.size);
    expect(m.neighbours?.params).toEqual({ denseWeight: 0.5, offset: 4, exponent: 0.5 });
    expect((await store.getFile(T, "n1", ARTIFACT_FILES.neighbours))?.sha256).toBe(m.manifest.files[ARTIFACT_FILES.neighbours]!.sha256);
    // The next load comes from IndexedDB, neighbours.bin included.
    const before = fetched("n1").length;
    const again = await loadModel(client(), store, T);
    expect(again.model?.from).toBe("cache");
    expect(again.model?.neighbours).not.toBeNull();
    expect(fetched("n1").length).toBe(before);
    store.close();
  });

  for (const kernel of ["js", "wasm-simd"] as const) {
    it(`ranks a visitor with history as the edge does (${kernel} kernel)`, async () => {
      const ranker = new LocalRanker(m.items, m.vectors, m.gram, m.manifest.model.foldIn!, m.popular, kernel, m.foldInData, m.neighbours);
      const dense = new LocalRanker(m.items, m.vectors, m.gram, m.manifest.model.foldIn!, m.popular, kernel, m.foldInData);
      let differs = 0;
      for (const ids of visitors()) {
        const atEdge = await edgeAnswer(ids, 10);
        expect(atEdge).toEqual(fx.expected(null, ids.map((id) => fx.data.itemIds.get(id)!), 10));
        // The edge folds recent items with weight 1 each; the device weighs event types, but one type throughout
        // (one event per item) must give the edge's list: the dense part keeps its scale against the sparse term.
        for (const type of ["view", "click", "conversion"] as const) {
          const history = ids.map((itemId) => ({ itemId, type }));
          const ranking = ranker.rank(history, 10);
          expect(ranking.personalised).toBe(true);
          const onDevice = ranking.items.map((r) => r.item.id);
          expect(onDevice, `${type}: ${ids.join(",")}`).toEqual(atEdge);
          if (dense.rank(history, 10).items.some((r, k) => r.item.id !== onDevice[k])) differs++;
        }
      }
      // The term changes what is shown (else this test would not tell the two apart).
      expect(differs).toBeGreaterThan(0);
    });
  }

  it("leaves a visitor without history as before (popular order)", () => {
    const ranker = new LocalRanker(m.items, m.vectors, m.gram, m.manifest.model.foldIn!, m.popular, "js", m.foldInData, m.neighbours);
    const dense = new LocalRanker(m.items, m.vectors, m.gram, m.manifest.model.foldIn!, m.popular, "js", m.foldInData);
    const cold = ranker.rank([{ itemId: "no-such-item", type: "click" }], 8);
    expect(cold.personalised).toBe(false);
    expect(cold.items.map((r) => r.item.id)).toEqual(dense.rank([], 8).items.map((r) => r.item.id));
  });

  it("refuses a version with a corrupt neighbours.bin, naming the check; the kept version stays, or there is none", async () => {
    const hostile = fx.files.get(ARTIFACT_FILES.neighbours)!.slice();
    const view = new DataView(hostile.buffer);
    const items = view.getUint32(8, true);
    view.setUint16(16 + 4 * (items + 1) + 4 * items, 0xffff, true); // row 0's first column, out of range
    const { format: _f, files: _files, ...draft } = JSON.parse(new TextDecoder().decode(fx.files.get(ARTIFACT_FILES.manifest)!)) as Manifest;
    const { denseWeight: _w, ...params } = draft.model.params;
    const rest = new Map([...fx.files].filter(([name]) => name !== ARTIFACT_FILES.manifest));
    const broken = {
      // Cut short in transit: the manifest's size catches it (fetched twice, the second bypassing the HTTP cache).
      n2: [truncated(asVersion(fx.files, "n2"), ARTIFACT_FILES.neighbours), /version n2: neighbours\.bin: \d+ bytes, the manifest says \d+/],
      // Re-sealed with a column out of range: only the format check catches it.
      n3: [await replaced(asVersion(fx.files, "n3"), ARTIFACT_FILES.neighbours, hostile), /version n3: neighbours\.bin: row 0 has column 65535, not below the item count 90/],
      // The list without its dense weight: refused as the edge refuses it, before anything is downloaded.
      n4: [await sealArtifact({ ...draft, version: "n4", model: { ...draft.model, params } }, rest), /version n4: neighbours\.bin needs model\.params\.denseWeight/],
    } as const;
    for (const [version, [files, message]] of Object.entries(broken)) {
      edge.putVersion(version, files);
      edge.activate(version);
      // A device that keeps n1: n1 stays in use.
      const kept = await WidgetStore.open("graph-neighbours-test");
      const withKept = await loadModel(client(), kept, T);
      expect(withKept.model?.manifest.version, version).toBe("n1");
      expect(withKept.problems.join("\n")).toMatch(message);
      kept.close();
      // A new device: no local model, so the widget asks the edge (recs-element.ts useModel(null)).
      const fresh = await WidgetStore.open(`graph-neighbours-fresh-${version}`);
      const none = await loadModel(client(), fresh, T);
      expect(none.model, version).toBeNull();
      expect(none.problems.join("\n")).toMatch(message);
      expect(await fresh.activeManifest(T)).toBeNull();
      fresh.close();
    }
    expect(fetched("n4")).toEqual([]);
    edge.activate("n1");
  });
});
