// Models on planted synthetic data: each must clearly beat popularity, repeat exactly by seed, and ALS's user
// vectors must be exactly what fold-in computes from the user's items.

import { describe, expect, it } from "vitest";
import { randomHoldout } from "../../shared/data/split.ts";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import type { AlsFoldInParams } from "../../shared/artifact/manifest.ts";
import { FoldIn, gramMatrix } from "../../shared/scoring/foldin.ts";
import { evaluateFactors, evaluatePopularity } from "../evaluate-model.ts";
import { normalisedCsr, trainModel } from "../train.ts";

const data = generateSynthetic({ users: 400, items: 300, interactionsPerUser: 30, dim: 6, categories: 6, seed: 5 });
const { train, test } = randomHoldout(data, { testFraction: 0.2, seed: 1 });
const popularity = evaluatePopularity(train, test)["ndcg@10"]!;

describe.each(["als", "bpr"] as const)("%s", (model) => {
  it("beats popularity clearly on planted structure", async () => {
    const m = await trainModel(model, train, { seed: 3 });
    const ndcg = evaluateFactors(train, test, m)["ndcg@10"]!;
    expect(ndcg).toBeGreaterThan(popularity * 1.25);
  });

  it("is deterministic by seed", async () => {
    const a = await trainModel(model, train, { seed: 9, epochs: 3, dim: 8 });
    const b = await trainModel(model, train, { seed: 9, epochs: 3, dim: 8 });
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
  });

  it("reports every epoch with a finite loss and stops when asked", async () => {
    const losses: number[] = [];
    const m = await trainModel(model, train, { seed: 1, epochs: 6, dim: 8 }, {
      onEpoch: (r) => {
        losses.push(r.loss);
        expect(r.etaSeconds).toBeGreaterThanOrEqual(0);
        return r.epoch === 3 ? "stop" : undefined;
      },
    });
    expect(losses).toHaveLength(3);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(m.userFactors.length).toBe(m.users * m.dim);
  });
});

describe("ALS fold-in", () => {
  it.each([0, 0.5, 1])("reproduces every trained user vector from the user's items (regExponent %s)", async (regExponent) => {
    const m = await trainModel("als", train, { seed: 2, epochs: 4, dim: 12, regExponent });
    expect(m.foldIn).toMatchObject(regExponent > 0 ? { regExponent, regMean: expect.any(Number) } : { method: "als" });
    if (regExponent === 0) expect(m.foldIn).not.toHaveProperty("regExponent");
    const { byUser } = normalisedCsr(train);
    const f = new FoldIn(m.dim, gramMatrix(m.itemFactors, m.items, m.dim), m.itemFactors, m.foldIn as AlsFoldInParams);
    let worst = 0;
    for (let u = 0; u < m.users; u++) {
      const s = byUser.indptr[u]!;
      const e = byUser.indptr[u + 1]!;
      const v = f.user(byUser.indices.subarray(s, e), byUser.values.subarray(s, e));
      for (let d = 0; d < m.dim; d++) worst = Math.max(worst, Math.abs(v[d]! - m.userFactors[u * m.dim + d]!));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe("ALS frequency-scaled λ", () => {
  it("keeps quality on planted structure and gives users above the mean weight more λ (shorter vectors)", async () => {
    const plain = await trainModel("als", train, { seed: 3, regExponent: 0 });
    const scaled = await trainModel("als", train, { seed: 3, regExponent: 0.5 });
    expect(evaluateFactors(train, test, scaled)["ndcg@10"]!).toBeGreaterThan(popularity * 1.25);
    // λ_u = λ·(W_u / W̄)^ν: the users above the mean weight get more λ, so shorter vectors on average than unscaled.
    const { byUser } = normalisedCsr(train);
    const norm = (f: Float32Array, u: number) => Math.hypot(...f.subarray(u * plain.dim, (u + 1) * plain.dim));
    const mean = byUser.indices.length / byUser.rows;
    let heavier = 0;
    let heavy = 0;
    for (let u = 0; u < byUser.rows; u++) {
      if (byUser.indptr[u + 1]! - byUser.indptr[u]! < 1.3 * mean) continue;
      heavy++;
      if (norm(scaled.userFactors, u) < norm(plain.userFactors, u)) heavier++;
    }
    expect(heavy).toBeGreaterThan(10);
    expect(heavier / heavy).toBeGreaterThan(0.8);
  });
});

describe("BPR", () => {
  it("loss falls over training", async () => {
    const losses: number[] = [];
    await trainModel("bpr", train, { seed: 1, epochs: 8 }, { onEpoch: (r) => void losses.push(r.loss) });
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
  });
});
