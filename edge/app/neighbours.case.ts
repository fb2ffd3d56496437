// The graph model's item–item term served over HTTP, run by every host: inside workerd
// (edge/worker/neighbours.workerd.test.ts) and on the Node host (edge/node/neighbours.test.ts). A real graph artifact
// with neighbours.bin (edge/testing/graph-fixture.ts): what the edge serves equals the offline scorer's list
// (dense over every item + the sparse term, as `edgerec recommend` ranks), never holds a training item, honours
// filters, and a version whose neighbours.bin is corrupt is refused while the previous one keeps serving.

import { beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { Manifest } from "../../shared/artifact/manifest.ts";
import { sealArtifact } from "../../shared/artifact/writer.ts";
import { type GraphFixture, buildGraphFixture } from "../testing/graph-fixture.ts";
import { replaced, truncated } from "../testing/fixtures.ts";
import { generateKey, keyRecord } from "./auth.ts";
import type { RouteHarness } from "./routes.case.ts";
import { emptyTenantConfig } from "./tenant-config.ts";

interface Recs {
  items: { id: string; score: number }[];
  source: string;
  modelVersion: string;
}

export function neighboursSuite(host: string, makeHarness: () => Promise<RouteHarness>): void {
  describe(`graph model with item–item neighbours on ${host}`, () => {
    const T = "graphshop";
    let h: RouteHarness;
    let fx: GraphFixture;
    const keys = { read: generateKey(), admin: generateKey() };
    const post = (path: string, key: string, body: unknown) =>
      h.fetch(path, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const recs = async (body: unknown): Promise<Recs> => {
      const res = await post(`/v1/tenants/${T}/recommendations`, keys.read, body);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Recs;
    };
    const ids = (r: Recs) => r.items.map((i) => i.id);
    const userId = (u: number) => fx.data.userIds.ids[u]!;
    const itemId = (r: number) => fx.data.itemIds.ids[r]!;

    beforeAll(async () => {
      h = await makeHarness();
      fx = await buildGraphFixture({ tenant: T, version: "g1", hnsw: h.hnsw() });
      await h.putArtifact(T, "g1", fx.files);
      // g2: neighbours.bin cut short (the manifest's size and SHA-256 catch it); g3: re-sealed with a row's column
      // out of range (only the format checks catch it); g4: the file without its dense weight in the manifest.
      await h.putArtifact(T, "g2", truncated(fx.files, ARTIFACT_FILES.neighbours));
      const hostile = fx.files.get(ARTIFACT_FILES.neighbours)!.slice();
      const view = new DataView(hostile.buffer);
      const items = view.getUint32(8, true);
      const columnsAt = 16 + 4 * (items + 1) + 4 * items;
      view.setUint16(columnsAt, 0xffff, true);
      await h.putArtifact(T, "g3", await replaced(fx.files, ARTIFACT_FILES.neighbours, hostile));
      const manifest = JSON.parse(new TextDecoder().decode(fx.files.get(ARTIFACT_FILES.manifest)!)) as Manifest;
      const { format: _f, files: _files, ...draft } = manifest;
      const { denseWeight: _w, ...params } = draft.model.params;
      const rest = new Map([...fx.files].filter(([name]) => name !== ARTIFACT_FILES.manifest));
      await h.putArtifact(T, "g4", await sealArtifact({ ...draft, version: "g4", model: { ...draft.model, params } }, rest));
      const config = emptyTenantConfig(T);
      config.active = "g1";
      config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.admin, "admin")];
      await h.putConfig(config);
    });

    it("carries neighbours.bin in the manifest with its dense weight", () => {
      const manifest = JSON.parse(new TextDecoder().decode(fx.files.get(ARTIFACT_FILES.manifest)!)) as Manifest;
      expect(manifest.files[ARTIFACT_FILES.neighbours]?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(manifest.model.params).toMatchObject({ neighbours: 15, denseWeight: 0.5 });
    });

    it("serves a known user the offline scorer's list, without their training items", async () => {
      let differs = 0;
      for (const u of [0, 7, 33, 58, 101]) {
        const got = await recs({ userId: userId(u), count: 10 });
        expect(got.source).toBe("personalized");
        expect(ids(got)).toEqual(fx.expected(u, [], 10));
        const trained = new Set(Array.from(fx.history[u]!, itemId));
        expect(ids(got).filter((id) => trained.has(id))).toEqual([]);
        // The term changes something: the dense order alone is not what is served for every user.
        const dense = Array.from(fx.history[u]!);
        if (JSON.stringify(ids(got)) !== JSON.stringify(denseOnly(fx, u, dense, 10))) differs++;
      }
      expect(differs).toBeGreaterThan(0);
    });

    it("serves a visitor's fold-in and a known user's recent items through the term too", async () => {
      const recent = [3, 17, 40, 41];
      const visitor = await recs({ recentItems: recent.map(itemId), count: 8 });
      expect(visitor.source).toBe("fold-in");
      expect(ids(visitor)).toEqual(fx.expected(null, recent, 8));
      const known = await recs({ userId: userId(12), recentItems: [itemId(5), itemId(66)], count: 8 });
      expect(ids(known)).toEqual(fx.expected(12, [5, 66], 8));
      expect(ids(known)).not.toContain(itemId(5));
    });

    it("applies filters to the sparse support as to the dense candidates", async () => {
      const top = fx.expected(20, [], 12);
      const got = await recs({ userId: userId(20), count: 10, filters: { excludeIds: top.slice(0, 2) } });
      expect(ids(got)).toEqual(top.slice(2, 12));
    });

    it("refuses a version with a corrupt neighbours.bin (or without its weight) and keeps serving the previous", async () => {
      for (const bad of ["g2", "g3", "g4"]) {
        const res = await post(`/v1/tenants/${T}/versions/${bad}/activate`, keys.admin, {});
        expect(res.status, `${bad}: ${await res.clone().text()}`).toBe(422);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_artifact");
        const still = await recs({ userId: userId(0), count: 5 });
        expect(still.modelVersion).toBe("g1");
        expect(ids(still)).toEqual(fx.expected(0, [], 5));
      }
    });
  });
}

/** The dense ranking alone (no item–item term), training items left out. */
function denseOnly(fx: GraphFixture, u: number, seen: number[], count: number): string[] {
  const m = fx.model;
  const skip = new Set(seen);
  const scored: { r: number; s: number }[] = [];
  for (let r = 0; r < m.items; r++) {
    if (skip.has(r)) continue;
    let s = 0;
    for (let d = 0; d < m.dim; d++) s += m.userFactors[u * m.dim + d]! * m.itemFactors[r * m.dim + d]!;
    scored.push({ r, s });
  }
  return scored.sort((a, b) => b.s - a.s || a.r - b.r).slice(0, count).map((c) => fx.data.itemIds.ids[c.r]!);
}
