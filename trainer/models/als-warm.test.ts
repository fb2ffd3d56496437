// ALS warm starts (the search fits a neighbour from the incumbent's factors): a couple of iterations from a
// converged model land where a long cold fit does, a different dim keeps the shared columns, and the density rule
// for α grows as data gets sparser.

import { describe, expect, it } from "vitest";
import { randomHoldout } from "../../shared/data/split.ts";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { alsAlpha } from "../defaults.ts";
import { evaluateFactors } from "../evaluate-model.ts";
import { trainModel } from "../train.ts";

describe("ALS warm start", () => {
  const data = generateSynthetic({ users: 500, items: 400, interactionsPerUser: 20, categories: 8, seed: 5 });
  const { train, test } = randomHoldout(data, { testFraction: 0.2, seed: 1 });
  const ndcg = (m: Parameters<typeof evaluateFactors>[2]) => evaluateFactors(train, test, m)["ndcg@10"]!;

  it("two iterations from a converged neighbour match a long cold fit; one cold one does not", async () => {
    const converged = await trainModel("als", train, { dim: 16, epochs: 15, regularization: 5, alpha: 2, seed: 1, exactFinal: false });
    const long = ndcg(await trainModel("als", train, { dim: 16, epochs: 15, regularization: 8, alpha: 2, seed: 2 }));
    const warm = ndcg(await trainModel("als", train, { dim: 16, epochs: 2, regularization: 8, alpha: 2, seed: 2, init: converged }));
    const cold = ndcg(await trainModel("als", train, { dim: 16, epochs: 1, regularization: 8, alpha: 2, seed: 2 }));
    expect(warm).toBeGreaterThan(long * 0.97);
    expect(warm).toBeGreaterThan(cold);
  });

  it("starts a wider model from the narrower one's columns", async () => {
    const narrow = await trainModel("als", train, { dim: 8, epochs: 10, regularization: 5, alpha: 2, seed: 1, exactFinal: false });
    const wide = await trainModel("als", train, { dim: 16, epochs: 1, regularization: 5, alpha: 2, seed: 1, init: narrow, exactFinal: false });
    expect(wide.userFactors.every(Number.isFinite)).toBe(true);
    expect(ndcg(wide)).toBeGreaterThan(ndcg(narrow) * 0.95);
  });
});

describe("the α rule", () => {
  it("grows as the data gets sparser, within [2, 100]", () => {
    const dense = alsAlpha({ users: 300, items: 200, interactions: 30_000 });
    const ml = alsAlpha({ users: 943, items: 1682, interactions: 80_000 });
    const sparse = alsAlpha({ users: 30_000, items: 40_000, interactions: 600_000 });
    expect(dense).toBe(2);
    expect(ml).toBeGreaterThan(1.5);
    expect(ml).toBeLessThan(3);
    expect(sparse).toBeGreaterThan(20);
    expect(alsAlpha({ users: 1e6, items: 1e6, interactions: 1e6 })).toBe(100);
  });
});
