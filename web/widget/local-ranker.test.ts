// The on-device ranker on a synthetic catalogue with planted categories: clicks on one category move the list to
// it, seen items never come back, reasons name a seen item of the same category, and the fold-in matches shared/.
import { describe, expect, it } from "vitest";
import { decodeItemsJson } from "../../shared/artifact/reader.ts";
import { decodePack } from "../../shared/artifact/pack.ts";
import { makeShopArtifact } from "../../e2e/fixtures/widget/make-artifact.ts";
import { LocalRanker, MAX_HISTORY_ITEMS } from "./local-ranker.ts";

async function ranker(items = 120, dim = 16) {
  const a = await makeShopArtifact({ items, dim, seed: 3 });
  const vectors = decodePack(a.files.get("items.bin")!);
  const gram = decodePack(a.files.get("gram.bin")!);
  const popular = (JSON.parse(new TextDecoder().decode(a.files.get("popular.json")!)) as { global: { id: string }[] }).global.map((p) => p.id);
  return { a, r: new LocalRanker(decodeItemsJson(a.files.get("items.json")!), vectors, gram, { method: "als", alpha: 4, regularization: 0.1 }, popular) };
}

describe("LocalRanker", () => {
  it("starts from popular.json for a visitor with no events", async () => {
    const { r } = await ranker();
    const ranking = r.rank([], 8);
    expect(ranking.personalised).toBe(false);
    expect(ranking.items).toHaveLength(8);
    expect(ranking.items.every((x) => x.reason.kind === "popular")).toBe(true);
  });

  it("moves towards the category of three clicked items and leaves them out", async () => {
    const { a, r } = await ranker();
    const shoes = a.items.filter((_, row) => a.categoryOf[row] === 0).slice(0, 3);
    const history = shoes.map((s) => ({ itemId: s.id, type: "click" as const }));
    const ranking = r.rank(history, 10);
    expect(ranking.personalised).toBe(true);
    const inCategory = ranking.items.filter((x) => a.categoryOf[x.row] === 0).length;
    expect(inCategory).toBeGreaterThanOrEqual(9);
    for (const s of shoes) expect(ranking.items.map((x) => x.item.id)).not.toContain(s.id);
    for (const x of ranking.items.filter((y) => a.categoryOf[y.row] === 0)) {
      expect(x.reason.kind).toBe("because");
      if (x.reason.kind === "because") expect(shoes.map((s) => s.id)).toContain(x.reason.itemId);
    }
    // Scores come out best first.
    for (let k = 1; k < ranking.items.length; k++) expect(ranking.items[k]!.score).toBeLessThanOrEqual(ranking.items[k - 1]!.score);
  });

  it("follows the latest taste: more clicks on bags outweigh one shoe view", async () => {
    const { a, r } = await ranker();
    const shoe = a.items.find((_, row) => a.categoryOf[row] === 0)!;
    const bags = a.items.filter((_, row) => a.categoryOf[row] === 2).slice(0, 4);
    const ranking = r.rank([{ itemId: shoe.id, type: "view" }, ...bags.map((b) => ({ itemId: b.id, type: "click" as const }))], 6);
    expect(ranking.items.filter((x) => a.categoryOf[x.row] === 2).length).toBeGreaterThanOrEqual(5);
  });

  it("ranks the same with the wasm SIMD scorer as with the scalar oracle", async () => {
    const { a } = await ranker(900, 24);
    const vectors = decodePack(a.files.get("items.bin")!);
    const gram = decodePack(a.files.get("gram.bin")!);
    const items = decodeItemsJson(a.files.get("items.json")!);
    const wasm = new LocalRanker(items, vectors, gram, { method: "als", alpha: 4, regularization: 0.1 }, null, "wasm-simd");
    const js = new LocalRanker(items, vectors, gram, { method: "als", alpha: 4, regularization: 0.1 }, null, "js");
    expect([wasm.scorerKind, js.scorerKind]).toEqual(["wasm-simd", "js"]);
    const history = a.items.slice(0, 7).map((i, k) => ({ itemId: i.id, type: k % 2 ? ("view" as const) : ("click" as const) }));
    const w = wasm.rank(history, 25);
    const j = js.rank(history, 25);
    expect(w.items.map((x) => x.row)).toEqual(j.items.map((x) => x.row));
    for (let k = 0; k < w.items.length; k++) expect(w.items[k]!.score).toBeCloseTo(j.items[k]!.score, 4);
  });

  it("ignores events on items not in the catalogue and caps the history", async () => {
    const { a, r } = await ranker(600, 16);
    expect(r.rank([{ itemId: "no-such-item", type: "click" }], 5).personalised).toBe(false);
    const many = a.items.slice(0, MAX_HISTORY_ITEMS + 30).map((i) => ({ itemId: i.id, type: "view" as const }));
    const ranking = r.rank(many, 20);
    // Only the newest MAX_HISTORY_ITEMS are folded in; every one of them is left out (older ones too, below).
    const newest = new Set(many.slice(-MAX_HISTORY_ITEMS).map((e) => e.itemId));
    for (const x of ranking.items) expect(newest.has(x.item.id)).toBe(false);
  });

  it("never shows an item from the visitor's history, even beyond the newest MAX_HISTORY_ITEMS that fold in", async () => {
    const { a, r } = await ranker();
    // 80 distinct items, newest last: the oldest 30 do not fold in but must still be left out.
    const history = a.items.slice(0, 80).map((it) => ({ itemId: it.id, type: "view" as const }));
    expect(history.length).toBeGreaterThan(MAX_HISTORY_ITEMS);
    const ranking = r.rank(history, 40);
    expect(ranking.items).toHaveLength(40);
    const had = new Set(history.map((h) => h.itemId));
    expect(ranking.items.filter((x) => had.has(x.item.id))).toEqual([]);
    // The marks are cleared: a visitor without history may get those items again.
    expect(r.rank([{ itemId: a.items[100]!.id, type: "click" }], 119).items.some((x) => had.has(x.item.id))).toBe(true);
  });

  it("re-ranks on the device with the shared ranking stage: caps, boosts, rotation", async () => {
    const { a, r } = await ranker();
    const shoes = a.items.filter((_, row) => a.categoryOf[row] === 0).slice(0, 3);
    const history = shoes.map((s) => ({ itemId: s.id, type: "click" as const }));
    const plain = r.rank(history, 8);
    const catOf = (id: string) => a.categoryOf[a.items.findIndex((x) => x.id === id)];
    expect(plain.items.every((x) => catOf(x.item.id) === 0)).toBe(true);
    const capped = r.rank(history, 8, { maxPerCategory: 2 });
    expect(capped.items).toHaveLength(8);
    const per = new Map<number, number>();
    for (const x of capped.items) per.set(catOf(x.item.id)!, (per.get(catOf(x.item.id)!) ?? 0) + 1);
    expect(Math.max(...per.values())).toBeLessThanOrEqual(2);
    for (const x of capped.items) expect(shoes.map((s) => s.id)).not.toContain(x.item.id);
    const rotated = r.rank(history, 8, { rotation: 1 }, plain.items.slice(0, 4).map((x) => x.item.id));
    for (const x of plain.items.slice(0, 4)) expect(rotated.items.map((y) => y.item.id)).not.toContain(x.item.id);
    const diverse = r.rank(history, 8, { diversity: 0.8 });
    expect(new Set(diverse.items.map((x) => catOf(x.item.id))).size).toBeGreaterThan(1);
  });
});
