import { describe, expect, it } from "vitest";
import { ItemTable } from "../artifact/item-table.ts";
import type { ItemRecord } from "../artifact/manifest.ts";
import { Rng } from "../random.ts";
import { mergeRankingOptions, poolSize, rankingOptionsSchema, reranks } from "./options.ts";
import { type RerankContext, rerank } from "./rerank.ts";

/** The oracle: MMR recomputed from scratch at every step, no laziness, no pruning. */
function naiveMmr(ctx: RerankContext, rows: Int32Array, rel: number[], count: number, lambda: number): number[] {
  const cos = (a: number, b: number) => {
    let dot = 0, na = 0, nb = 0;
    for (let d = 0; d < ctx.dim; d++) {
      const x = ctx.vectors[a * ctx.dim + d]!, y = ctx.vectors[b * ctx.dim + d]!;
      dot += x * y; na += x * x; nb += y * y;
    }
    return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
  };
  const picked: number[] = [];
  while (picked.length < Math.min(count, rows.length)) {
    let best = -Infinity, bestI = -1;
    for (let i = 0; i < rows.length; i++) {
      if (picked.includes(i)) continue;
      let m = 0;
      for (const j of picked) m = Math.max(m, cos(rows[i]!, rows[j]!));
      const v = (1 - lambda) * rel[i]! - lambda * m;
      if (v > best + 1e-6) (best = v), (bestI = i);
    }
    picked.push(bestI);
  }
  return picked.map((i) => rows[i]!);
}

function world(n: number, dim: number, seed: number): Omit<RerankContext, "items"> & { items: ItemRecord[]; scores: Float32Array; rows: Int32Array } {
  const rng = new Rng(seed);
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = rng.next() * 2 - 1;
  const items: ItemRecord[] = Array.from({ length: n }, (_, r) => ({ id: `i${r}`, categories: [`c${r % 4}`], numbers: { price: r } }));
  const raw = Array.from({ length: n }, (_, r) => ({ r, s: rng.next() }));
  raw.sort((a, b) => b.s - a.s);
  return { vectors, dim, items, rows: Int32Array.from(raw.map((x) => x.r)), scores: Float32Array.from(raw.map((x) => x.s)) };
}

describe("rerank", () => {
  it("without options is the pool's top by score", () => {
    const w = world(50, 8, 1);
    const out = rerank(w, w.rows, w.scores, 10, {});
    expect([...out.rows]).toEqual([...w.rows.subarray(0, 10)]);
    expect([...out.scores]).toEqual([...w.scores.subarray(0, 10)]);
  });

  it("lazy MMR picks exactly what MMR recomputed from scratch picks", () => {
    for (const seed of [2, 3, 4]) {
      for (const lambda of [0.25, 0.5, 0.9, 1]) {
        const w = world(200, 8, seed);
        const lo = w.scores[w.scores.length - 1]!, hi = w.scores[0]!;
        const rel = [...w.scores].map((s) => (s - lo) / (hi - lo));
        const out = rerank(w, w.rows, w.scores, 12, { diversity: lambda });
        const want = naiveMmr(w, w.rows, rel, 12, lambda);
        expect([...out.rows]).toEqual(want);
        // The batch path (a dots kernel, as the widget's wasm scorer and the edge's index provide) picks the same.
        const dots = (v: Float32Array, rows: Int32Array, o: Float32Array) =>
          rows.forEach((r, k) => (o[k] = v.reduce((s, x, d) => s + x * w.vectors[r * w.dim + d]!, 0)));
        expect([...rerank({ ...w, dots }, w.rows, w.scores, 12, { diversity: lambda }).rows]).toEqual(want);
      }
    }
  });

  it("diversity lowers the mean pairwise similarity of the list", () => {
    // Two tight clusters; the best-scored half all from cluster A. With diversity on, B gets in.
    const dim = 4, n = 40;
    const vectors = new Float32Array(n * dim);
    for (let r = 0; r < n; r++) vectors.set(r < 20 ? [1, 0.01 * r, 0, 0] : [0, 0, 1, 0.01 * r], r * dim);
    const items = Array.from({ length: n }, (_, r) => ({ id: `i${r}` }));
    const rows = Int32Array.from({ length: n }, (_, r) => r);
    const scores = Float32Array.from({ length: n }, (_, r) => 1 - r / n);
    const plain = rerank({ vectors, dim, items }, rows, scores, 6, {});
    const diverse = rerank({ vectors, dim, items }, rows, scores, 6, { diversity: 0.5 });
    expect([...plain.rows].every((r) => r < 20)).toBe(true);
    // The second pick is the best of the other cluster: its similarity to the first pick (≈ 1) outweighs relevance.
    expect(diverse.rows[0]).toBe(0);
    expect(diverse.rows[1]).toBe(20);
  });

  it("caps per category and per named category", () => {
    const w = world(100, 8, 5);
    const out = rerank(w, w.rows, w.scores, 10, { maxPerCategory: 3, categoryCaps: { c0: 1 } });
    const count = new Map<string, number>();
    for (const r of out.rows) for (const c of w.items[r]!.categories!) count.set(c, (count.get(c) ?? 0) + 1);
    expect(count.get("c0")).toBe(1);
    for (const c of ["c1", "c2", "c3"]) expect(count.get(c)).toBe(3);
    expect(out.rows.length).toBe(10);
    // Caps that leave fewer than `count` items give a shorter list, never a capped item.
    expect(rerank(w, w.rows, w.scores, 10, { maxPerCategory: 1 }).rows.length).toBe(4);
  });

  it("reads items the same from an array and from the compact table the edge holds", () => {
    const w = world(120, 8, 9);
    const table = ItemTable.from(w.items);
    for (const o of [{ maxPerCategory: 2 }, { boost: [{ if: { category: "c1", price: { gte: 30 } }, by: 0.5 }] }, { diversity: 0.4, categoryCaps: { c3: 1 } }]) {
      expect([...rerank({ ...w, items: table }, w.rows, w.scores, 12, o).rows]).toEqual([...rerank(w, w.rows, w.scores, 12, o).rows]);
    }
  });

  it("boosts, buries with numeric ranges, and minScore", () => {
    const w = world(100, 8, 6);
    const boosted = rerank(w, w.rows, w.scores, 10, { boost: [{ if: { category: "c2", price: { lt: 50 } }, by: 1 }] });
    for (const r of boosted.rows) expect(w.items[r]!.categories).toEqual(["c2"]);
    for (const r of boosted.rows) expect(r).toBeLessThan(50);
    const buried = rerank(w, w.rows, w.scores, 10, { bury: [{ if: { category: ["c0", "c1"] }, by: 1 }] });
    for (const r of buried.rows) expect(["c2", "c3"]).toContain(w.items[r]!.categories![0]);
    const min = w.scores[5]!;
    const gated = rerank(w, w.rows, w.scores, 10, { minScore: min, diversity: 0.3 });
    expect(gated.rows.length).toBe(6);
    for (const s of gated.scores) expect(s).toBeGreaterThanOrEqual(min);
  });

  it("rotation demotes recently shown items, the newest most", () => {
    const w = world(60, 8, 7);
    const shown = [w.rows[0]!, w.rows[1]!];
    const out = rerank(w, w.rows, w.scores, 5, { rotation: 1 }, shown);
    for (const r of shown) expect([...out.rows]).not.toContain(r);
    const soft = rerank(w, w.rows, w.scores, 60, { rotation: 0.3 }, shown);
    expect(soft.rows.indexOf(w.rows[0]!)).toBeGreaterThan(0);
    expect(soft.rows.indexOf(w.rows[1]!)).toBeGreaterThan(1);
    expect(soft.rows.length).toBe(60);
  });

  it("a pool of equal scores and items without vectors or categories is handled", () => {
    const items = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const out = rerank({ vectors: new Float32Array(6), dim: 2, items }, Int32Array.of(0, 1, 2), Float32Array.of(1, 1, 1), 5, { diversity: 0.7, maxPerCategory: 1 });
    expect([...out.rows]).toEqual([0, 1, 2]);
  });
});

describe("ranking options", () => {
  it("validates and names the field", () => {
    const bad = rankingOptionsSchema.safeParse({ diversity: 2 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["diversity"]);
    const unknown = rankingOptionsSchema.safeParse({ diversty: 0.5 });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error!.issues[0])).toContain("diversty");
    expect(rankingOptionsSchema.safeParse({ boost: [{ if: { category: "sale" }, by: 0.2 }, { if: { price: { lt: 20 } }, by: 0.1 }] }).success).toBe(true);
    expect(rankingOptionsSchema.safeParse({ boost: [{ if: {}, by: 0.2 }] }).success).toBe(false);
    expect(rankingOptionsSchema.safeParse({ boost: [{ if: { price: { below: 3 } }, by: 0.2 }] }).success).toBe(false);
  });

  it("merges layers key by key and sizes the pool", () => {
    expect(mergeRankingOptions({ diversity: 0.2, rotation: 0.5 }, undefined, { diversity: 0.7 })).toEqual({ diversity: 0.7, rotation: 0.5 });
    expect(reranks({})).toBe(false);
    expect(reranks({ diversity: 0 })).toBe(false);
    expect(reranks({ diversity: 0.1 })).toBe(true);
    expect(poolSize({}, 10)).toBe(50);
    expect(poolSize({}, 100)).toBe(500);
    expect(poolSize({ pool: 5 }, 10)).toBe(10);
  });
});
