import { describe, expect, it } from "vitest";
import { evaluateRanking } from "../metrics/evaluate.ts";
import { toCsr } from "./csr.ts";
import { randomHoldout } from "./split.ts";
import { generateSynthetic, plantSynthetic } from "./synthetic.ts";

describe("generateSynthetic", () => {
  const data = generateSynthetic({ users: 300, items: 500, interactionsPerUser: 30, categories: 8, seed: 4 });

  it("has the asked shape, varying counts per user, distinct items per user and increasing timestamps", () => {
    expect(data.userIds.size).toBe(300);
    expect(data.itemIds.size).toBe(500);
    expect(data.users.length / 300).toBeGreaterThan(25);
    expect(data.users.length / 300).toBeLessThan(35);
    const counts = new Map<number, number>();
    const pairs = new Set<number>();
    const last = new Map<number, number>();
    for (let k = 0; k < data.users.length; k++) {
      const u = data.users[k]!;
      counts.set(u, (counts.get(u) ?? 0) + 1);
      pairs.add(u * 500 + data.items[k]!);
      expect(data.timestamps[k]).toBeGreaterThan(last.get(u) ?? 0);
      last.set(u, data.timestamps[k]!);
      expect(data.weights[k]).toBe(1);
    }
    expect(pairs.size).toBe(data.users.length);
    expect(new Set(counts.values()).size).toBeGreaterThan(10);
  });

  it("names items from word lists with their category", () => {
    const cats = new Set<string>();
    for (let j = 0; j < 500; j++) {
      const meta = data.itemMeta?.get(j);
      expect(meta?.title).toMatch(/^[A-Z][a-z]+ [A-Z][\w -]+( \d+)?$/);
      expect(meta?.categories).toHaveLength(1);
      cats.add(meta!.categories![0]!);
    }
    expect(cats.size).toBe(8);
    expect(data.itemMeta?.get(0)?.categories?.[0]).toMatch(/^(Lighting|Kitchen|Books|Music|Garden|Outdoor|Toys|Fashion)$/);
  });

  it("is deterministic by seed", () => {
    const again = generateSynthetic({ users: 300, items: 500, interactionsPerUser: 30, categories: 8, seed: 4 });
    expect(again.items).toEqual(data.items);
    expect(again.timestamps).toEqual(data.timestamps);
    expect(again.itemMeta).toEqual(data.itemMeta);
    const other = generateSynthetic({ users: 300, items: 500, interactionsPerUser: 30, categories: 8, seed: 5 });
    expect(other.items).not.toEqual(data.items);
  });

  it("follows the planted popularity: the most popular decile is drawn far more than the less popular half", () => {
    const { data: d, truth } = plantSynthetic({ users: 500, items: 1000, seed: 3 });
    const counts = new Float64Array(1000);
    for (const j of d.items) counts[j]!++;
    const byPop = Array.from({ length: 1000 }, (_, j) => j).sort((a, b) => truth.popularity[b]! - truth.popularity[a]!);
    const mean = (js: number[]) => js.reduce((s, j) => s + counts[j]!, 0) / js.length;
    expect(mean(byPop.slice(0, 100))).toBeGreaterThan(5 * mean(byPop.slice(500)));
    // and every category is drawn from
    expect(new Set(Array.from(d.items, (j) => truth.itemCategory[j])).size).toBe(truth.categoryNames.length);
  });

  it("plants learnable structure: a category profile learned from train beats popularity, which beats random", () => {
    const { data: d, truth } = plantSynthetic({ users: 600, items: 900, seed: 9 });
    const { train, test } = randomHoldout(d, { seed: 2 });
    const tr = toCsr(train);
    const te = toCsr(test);
    const pop = new Float32Array(tr.cols);
    for (const j of tr.indices) pop[j]!++;
    const nc = truth.categoryNames.length;
    const hist = new Float32Array(nc);
    const ndcg = (score: (u: number, out: Float32Array) => void) =>
      evaluateRanking({ train: tr, test: te, ks: [10], scoreUser: score })["ndcg@10"]!;
    const popular = ndcg((_u, out) => out.set(pop));
    const profile = ndcg((u, out) => {
      hist.fill(0);
      for (let p = tr.indptr[u]!; p < tr.indptr[u + 1]!; p++) hist[truth.itemCategory[tr.indices[p]!]!]!++;
      for (let j = 0; j < out.length; j++) out[j] = Math.log(pop[j]! + 1) + Math.log(hist[truth.itemCategory[j]!]! + 0.1);
    });
    const random = ndcg((_u, out) => {
      for (let j = 0; j < out.length; j++) out[j] = (j * 2654435761) % 1000;
    });
    expect(profile).toBeGreaterThan(popular * 1.4);
    expect(popular).toBeGreaterThan(random * 5);
    expect(popular).toBeGreaterThan(0.08);
  });
});
