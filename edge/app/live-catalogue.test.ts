// Live changes to a loaded model: a new row is found by the HNSW walk exactly as by the exact scan, by category and
// by fold-in; the index takes HNSW_HEADROOM_MIN new points and then refuses (ann_capacity) without changing the
// model; a deleted row's slot is reused.

import { describe, expect, it } from "vitest";
import { AnnError } from "../../shared/ann/errors.ts";
import { HNSW_HEADROOM_MIN } from "../../shared/ann/hnsw-header.ts";
import { buildFixture, categoryName } from "../testing/fixtures.ts";
import { hnswModuleNode, openHnswNode } from "../node/hnsw.ts";
import { compileFilter } from "./filters.ts";
import { contentVector } from "./item-embedding.ts";
import { deleteItem, upsertItem } from "./live-catalogue.ts";
import { loadServingModel } from "./model-loader.ts";

async function model(hnsw: boolean) {
  const fx = await buildFixture({ tenant: "t", version: "v1", items: 60, dim: 8, ...(hnsw ? { hnsw: hnswModuleNode() } : {}) });
  return loadServingModel({ get: async (_t, _v, n) => fx.files.get(n) ?? null }, "t", "v1", openHnswNode);
}

const basis = (d: number, scale = 3) => Float32Array.from({ length: 8 }, (_, k) => (k === d ? scale : 0));

describe("live catalogue", () => {
  it("a new row ranks by the graph walk as by the exact scan, joins its categories and the fold-in", async () => {
    for (const hnsw of [true, false]) {
      const m = await model(hnsw);
      const rows = m.rows;
      expect(upsertItem(m, { id: "n1", categories: ["new", categoryName(2)] }, basis(2))).toEqual({ row: rows, created: true });
      const q = basis(2, 1);
      expect(m.index.search(q, 1).rows[0]).toBe(rows);
      expect(m.index.searchExact(q, 1).rows[0]).toBe(rows);
      expect([...m.rowsByCategory.get("new")!]).toEqual([rows]);
      const f = compileFilter(m, { includeCategories: ["new"] }, new Set());
      expect(f.skip!(rows)).toBe(false);
      expect(f.skip!(0)).toBe(true);
      expect(m.countByRow).toHaveLength(m.rows);
      const user = m.foldIn!.user([rows, 0]);
      expect(user.every(Number.isFinite)).toBe(true);
      // Content vector of "new" is the new row's own vector.
      expect(contentVector(m, ["new"])).toEqual(basis(2));
      deleteItem(m, "n1");
      expect(m.index.search(q, 3, (r) => m.live.deleted.has(r)).rows).not.toContain(rows);
      expect(compileFilter(m, undefined, new Set()).skip!(rows)).toBe(true);
      expect(deleteItem(m, "n1")).toBe(false);
    }
  });

  it("takes HNSW_HEADROOM_MIN new points, then refuses with ann_capacity and leaves the model as it was", async () => {
    const m = await model(true);
    const base = m.rows;
    expect(m.index.room()).toBe(HNSW_HEADROOM_MIN);
    for (let i = 0; i < HNSW_HEADROOM_MIN; i++) upsertItem(m, { id: `n${i}` }, basis(i % 8, 1 + i / 1000));
    expect(m.index.room()).toBe(0);
    let err: unknown = null;
    try {
      upsertItem(m, { id: "one-too-many" }, basis(0));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnnError);
    expect((err as AnnError).code).toBe("ann_capacity");
    expect(m.rows).toBe(base + HNSW_HEADROOM_MIN);
    expect(m.itemRow.has("one-too-many")).toBe(false);
    // A deleted point's slot is reused.
    deleteItem(m, "n5");
    expect(m.index.room()).toBe(1);
    upsertItem(m, { id: "late" }, basis(1, 9));
    expect(m.index.search(basis(1, 1), 1).rows[0]).toBe(m.itemRow.get("late"));
  });
});
