import { describe, expect, it } from "vitest";
import { buildCsr, toCsr } from "../data/csr.ts";
import { randomHoldout } from "../data/split.ts";
import { plantSynthetic } from "../data/synthetic.ts";
import { EdgerecError } from "../errors.ts";
import { Rng } from "../random.ts";
import { evaluateRanking } from "./evaluate.ts";

const csr = (rows: number, cols: number, pairs: [number, number][]) =>
  buildCsr(rows, cols, Int32Array.from(pairs, (p) => p[0]), Int32Array.from(pairs, (p) => p[1]), new Float32Array(pairs.length).fill(1));

// 3 users × 6 items; every user scores item j as 6 − j. User 2 has no test items and is not evaluated.
const train = csr(3, 6, [[0, 0], [1, 1], [1, 2], [2, 3]]);
const test = csr(3, 6, [[0, 2], [0, 5], [1, 0]]);
const scoreUser = (_u: number, out: Float32Array) => {
  for (let j = 0; j < out.length; j++) out[j] = 6 - j;
};
const L3 = 1 / Math.log2(3);

describe("evaluateRanking (hand-computed)", () => {
  it("reports each evaluated user's values to onUser (their mean is the report), and names a bad metric", () => {
    const seen: [number, number, number][] = [];
    const r = evaluateRanking({ train, test, ks: [4, 2], scoreUser, onUser: (u, m) => void seen.push([u, m("ndcg@2"), m("recall@4")]) });
    expect(seen.map((s) => s[0])).toEqual([0, 1]);
    expect(seen[0]![1]).toBeCloseTo(L3 / (1 + L3), 12);
    expect(seen[1]![1]).toBe(1);
    expect((seen[0]![2] + seen[1]![2]) / 2).toBeCloseTo(r["recall@4"]!, 12);
    expect(() => evaluateRanking({ train, test, ks: [2], scoreUser, onUser: (_u, m) => m("ndcg@20") })).toThrow(/no metric 'ndcg@20'; expected one of: ndcg@2,/);
  });

  it("excludes train items, averages over users with test items and measures coverage", () => {
    const r = evaluateRanking({ train, test, ks: [4, 2], scoreUser });
    // user 0 ranks [1,2,3,4,5] (test {2,5}); user 1 ranks [0,3,4,5] (test {0}).
    expect(r.users).toBe(2);
    expect(r["precision@2"]).toBeCloseTo((1 / 2 + 1 / 2) / 2, 12);
    expect(r["recall@2"]).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(r["ndcg@2"]).toBeCloseTo((L3 / (1 + L3) + 1) / 2, 12);
    expect(r["map@2"]).toBeCloseTo((1 / 2 / 2 + 1) / 2, 12);
    expect(r["hitRate@2"]).toBe(1);
    expect(r["coverage@2"]).toBeCloseTo(4 / 6, 12); // {1,2} ∪ {0,3}
    expect(r["precision@4"]).toBeCloseTo(1 / 4, 12);
    expect(r["recall@4"]).toBeCloseTo(0.75, 12);
    expect(r["ndcg@4"]).toBeCloseTo((L3 / (1 + L3) + 1) / 2, 12);
    expect(r["map@4"]).toBeCloseTo((1 / 2 / 2 + 1) / 2, 12);
    expect(r["coverage@4"]).toBeCloseTo(1, 12);
    expect(Object.keys(r).sort()).toEqual(
      ["users", ...["ndcg", "recall", "precision", "map", "hitRate", "coverage"].flatMap((m) => [`${m}@2`, `${m}@4`])].sort(),
    );
  });

  it("evaluates only the users asked for", () => {
    const r = evaluateRanking({ train, test, ks: [2], scoreUser, users: [1, 2] });
    expect(r.users).toBe(1);
    expect(r["ndcg@2"]).toBeCloseTo(1, 12);
  });

  it("refuses mismatched matrices and bad cut-offs", () => {
    expect(() => evaluateRanking({ train, test: csr(3, 5, []), ks: [2], scoreUser })).toThrow(EdgerecError);
    expect(() => evaluateRanking({ train, test, ks: [0], scoreUser })).toThrow(/ks must be positive integers/);
    expect(() => evaluateRanking({ train, test, ks: [], scoreUser })).toThrow(EdgerecError);
  });

  it("ranks the planted model above popularity above random on synthetic data", () => {
    const { data, truth } = plantSynthetic({ users: 400, items: 600, seed: 11 });
    const split = randomHoldout(data, { seed: 1 });
    const tr = toCsr(split.train);
    const te = toCsr(split.test);
    const pop = new Float32Array(tr.cols);
    for (const j of tr.indices) pop[j]!++;
    const { dim, userFactors: U, itemFactors: V, affinity } = truth;
    const ndcg = (score: (u: number, out: Float32Array) => void) =>
      evaluateRanking({ train: tr, test: te, ks: [10], scoreUser: score })["ndcg@10"]!;
    const oracle = ndcg((u, out) => {
      for (let j = 0; j < out.length; j++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += U[u * dim + d]! * V[j * dim + d]!;
        out[j] = affinity * s + Math.log(truth.popularity[j]!);
      }
    });
    const popular = ndcg((_u, out) => out.set(pop));
    let x = 1;
    const random = ndcg((_u, out) => {
      for (let j = 0; j < out.length; j++) out[j] = x = (x * 48271) % 2147483647;
    });
    expect(oracle).toBeGreaterThan(popular * 1.5);
    expect(popular).toBeGreaterThan(random * 5);
  });

  it("matches a naive full sort with textbook formulas on random data", () => {
    const rng = new Rng(3);
    const users = 40;
    const items = 60;
    const trainPairs: [number, number][] = [];
    const testPairs: [number, number][] = [];
    for (let u = 0; u < users; u++) {
      for (let j = 0; j < items; j++) {
        const x = rng.next();
        if (x < 0.15) trainPairs.push([u, j]);
        else if (x < 0.25) testPairs.push([u, j]);
      }
    }
    const tr = csr(users, items, trainPairs);
    const te = csr(users, items, testPairs);
    const S = Float32Array.from({ length: users * items }, () => Math.round(rng.next() * 20)); // ties on purpose
    const score = (u: number, out: Float32Array) => out.set(S.subarray(u * items, (u + 1) * items));
    const got = evaluateRanking({ train: tr, test: te, ks: [5, 10], scoreUser: score });
    for (const k of [5, 10]) {
      const sum = { ndcg: 0, recall: 0, precision: 0, map: 0, hitRate: 0 };
      const covered = new Set<number>();
      let n = 0;
      for (let u = 0; u < users; u++) {
        const rel = new Set(testPairs.filter((p) => p[0] === u).map((p) => p[1]));
        if (rel.size === 0) continue;
        n++;
        const seen = new Set(trainPairs.filter((p) => p[0] === u).map((p) => p[1]));
        const ranked = [...Array(items).keys()]
          .filter((j) => !seen.has(j))
          .sort((a, b) => S[u * items + b]! - S[u * items + a]! || a - b)
          .slice(0, k);
        ranked.forEach((j) => covered.add(j));
        let hits = 0;
        let dcg = 0;
        let ap = 0;
        ranked.forEach((j, i) => {
          if (!rel.has(j)) return;
          hits++;
          dcg += 1 / Math.log2(i + 2);
          ap += hits / (i + 1);
        });
        let idcg = 0;
        for (let i = 0; i < Math.min(rel.size, k); i++) idcg += 1 / Math.log2(i + 2);
        sum.ndcg += dcg / idcg;
        sum.recall += hits / rel.size;
        sum.precision += hits / k;
        sum.map += ap / Math.min(rel.size, k);
        sum.hitRate += hits > 0 ? 1 : 0;
      }
      expect(got.users).toBe(n);
      for (const [m, v] of Object.entries(sum)) expect(got[`${m}@${k}`]).toBeCloseTo(v / n, 10);
      expect(got[`coverage@${k}`]).toBeCloseTo(covered.size / items, 12);
    }
  });
});
