// The search walks any SearchSpace: it leaves the start when a neighbour is better, keeps stepping past the edge of
// what it tried while that improves, refines, respects pins and the budget, and stops epochs early. A fake space
// with a known optimum makes each of these exact.

import { describe, expect, it } from "vitest";
import { IdMap, type Interactions } from "../../shared/data/interactions.ts";
import type { TrainedModel } from "../models/types.ts";
import { plateauEnd, searchSpace } from "./search.ts";
import type { Point, SearchSpace } from "./space.ts";
import type { Validation } from "./validation.ts";

const data: Interactions = {
  userIds: IdMap.from(["u"]), itemIds: IdMap.from(["i"]),
  users: Int32Array.of(0), items: Int32Array.of(0), weights: Float32Array.of(1), timestamps: Float64Array.of(NaN),
};

/** Score peaks at λ = 100, dim = 64, weighting "log"; it rises for `peakEpoch` epochs, then falls. */
function fakeSpace(fits: Point[], peakEpoch = 4): SearchSpace {
  const quality = (p: Point) =>
    1 - (Math.log10(Number(p.regularization)) - 2) ** 2 / 10 - (Math.log2(Number(p.dim)) - 6) ** 2 / 50 + (p.weighting === "log" ? 0.05 : 0);
  return {
    model: "fake",
    epochsParam: "epochs",
    maxEpochs: () => 20,
    start: () => ({ regularization: 1, dim: 16, weighting: "mean", epochs: 10 }),
    params: () => [
      { name: "weighting", kind: "choice", choices: ["mean", "binary", "log"] },
      { name: "regularization", kind: "log", step: 3, min: 1e-3, max: 1e5 },
      { name: "dim", kind: "log", step: 2, min: 8, max: 256, integer: true },
    ],
    cost: () => 1,
    async fit(_d, p, hooks) {
      fits.push(p);
      const q = quality(p);
      for (let e = 1; e <= Number(p.epochs); e++) {
        const s = q - Math.abs(e - peakEpoch) * 0.01;
        const f = { dim: 1, userFactors: Float32Array.of(s), itemFactors: Float32Array.of(1) };
        if ((await hooks.onEpoch?.({ epoch: e, epochs: Number(p.epochs), loss: 1, seconds: 0, etaSeconds: 0, factors: () => f })) === "stop") break;
      }
      return { kind: "als", dim: 1, users: 1, items: 1, userFactors: Float32Array.of(q), itemFactors: Float32Array.of(1), params: {}, foldIn: null, backend: "fake", seconds: 0 } satisfies TrainedModel;
    },
  };
}

// A noise-free scorer, so it stands for a validation split of many users (the search's move threshold shrinks with
// their number; with one user it would refuse every move smaller than 50%).
const val = { split: { train: data, test: data }, users: new Int32Array(100_000), score: (f: { userFactors: Float32Array }) => ({ "ndcg@20": f.userFactors[0]! }), popularity: () => ({}) } as unknown as Validation;
const stats = { users: 1, items: 1, interactions: 1 };

describe("searchSpace", () => {
  it("does not move on gains within the validation split's noise", async () => {
    const fits: Point[] = [];
    // 100 users: moves need > 5%; from λ 60 the neighbours (λ 20 / 180) gain under 2%, weighting "log" 5.1%.
    const few = { ...val, users: new Int32Array(100) } as Validation;
    const space = { ...fakeSpace(fits), start: () => ({ regularization: 60, dim: 64, weighting: "mean", epochs: 10 }) };
    const r = await searchSpace(space, stats, few, { budgetSeconds: 60, pinned: {} });
    expect(r.best.weighting).toBe("log");
    expect(r.best.regularization).toBe(60);
    expect(r.best.dim).toBe(64);
  });

  it("walks from the start to an optimum far away, with tried points on both sides of it", async () => {
    const fits: Point[] = [];
    const r = await searchSpace(fakeSpace(fits), stats, val, { budgetSeconds: 60, pinned: {} });
    expect(r.best.weighting).toBe("log");
    expect(Number(r.best.regularization)).toBeGreaterThan(50);
    expect(Number(r.best.regularization)).toBeLessThan(200);
    expect(r.best.dim).toBe(64);
    const lambdas = r.trials.filter((t) => t.point.dim === r.best.dim && t.point.weighting === "log").map((t) => Number(t.point.regularization));
    expect(Math.min(...lambdas)).toBeLessThan(Number(r.best.regularization));
    expect(Math.max(...lambdas)).toBeGreaterThan(Number(r.best.regularization));
    // Early stopping: the best epoch is the curve's peak, and fits stop soon after it.
    expect(r.best.epochs).toBe(4);
    expect(r.trials.every((t) => t.end === "converged" || t.end === "pruned")).toBe(true);
    expect(new Set(r.trials.map((t) => JSON.stringify(t.point))).size).toBe(r.trials.length);
    expect(r.outOfBudget).toBe(false);
  });

  it("never moves a pinned parameter, and pinned epochs run to the end", async () => {
    const fits: Point[] = [];
    const r = await searchSpace(fakeSpace(fits), stats, val, { budgetSeconds: 60, pinned: { dim: 16, epochs: 6 } });
    expect(fits.every((p) => p.dim === 16 && p.epochs === 6)).toBe(true);
    expect(r.best.dim).toBe(16);
    expect(r.best.epochs).toBe(6);
    expect(r.trials.every((t) => t.end === "pinned")).toBe(true);
  });

  it("moves a coupled partner with a parameter, unless the partner is pinned", async () => {
    const fits: Point[] = [];
    const base = fakeSpace(fits);
    // Stepping "dim" drags "regularization" along by the same factor.
    const coupled: SearchSpace = {
      ...base,
      params: () => [{ name: "dim", kind: "log", step: 2, min: 8, max: 256, integer: true, move: (p, v) => ({ ...p, dim: v, regularization: Number(p.regularization) * (v / Number(p.dim)) }) }],
    };
    await searchSpace(coupled, stats, val, { budgetSeconds: 60, pinned: {} });
    expect(fits.every((p) => Number(p.regularization) / Number(p.dim) === 1 / 16)).toBe(true);
    const pinnedFits: Point[] = [];
    await searchSpace({ ...coupled, fit: fakeSpace(pinnedFits).fit }, stats, val, { budgetSeconds: 60, pinned: { regularization: 1 } });
    expect(pinnedFits.every((p) => p.regularization === 1)).toBe(true);
    expect(new Set(pinnedFits.map((p) => p.dim)).size).toBeGreaterThan(1);
  });

  it("warm-starts each fit after the first from the incumbent and counts its epochs on top", async () => {
    const inits: (number | undefined)[] = [];
    const fits: Point[] = [];
    const base = fakeSpace(fits);
    const warm: SearchSpace = { ...base, warmStarts: true, fit: (d, p, h, f, init) => (inits.push(init?.userFactors[0]), base.fit(d, p, h, f)) };
    const r = await searchSpace(warm, stats, val, { budgetSeconds: 60, pinned: {} });
    expect(inits[0]).toBeUndefined();
    expect(inits.slice(1).every((x) => x !== undefined)).toBe(true);
    // The fake curve peaks at its 4th epoch whatever the start, so a warm trial's count is the incumbent's + 4.
    expect(r.trials[0]!.epochs).toBe(4);
    expect(r.trials.slice(1).every((t) => t.epochs > 4 && t.epochs <= 20)).toBe(true);
  });

  it("stops at the budget and returns the best point so far", async () => {
    const fits: Point[] = [];
    const space = fakeSpace(fits);
    const slow: SearchSpace = { ...space, fit: async (d, p, h, f) => { await new Promise((r) => setTimeout(r, 150)); return space.fit(d, p, h, f); } };
    const r = await searchSpace(slow, stats, val, { budgetSeconds: 0.5, pinned: {} });
    expect(r.outOfBudget).toBe(true);
    expect(r.trials.length).toBeLessThan(6);
    expect(r.score).toBe(Math.max(...r.trials.map((t) => t.score)));
  });
});

describe("plateauEnd (the epochs a searched point is refitted with)", () => {
  it("is the last evaluated epoch within the noise threshold of the best, never before the best", () => {
    const curve = new Map([[1, 0.2], [5, 0.3], [7, 0.31], [8, 0.306], [9, 0.305], [10, 0.29]]);
    // Threshold 2%: 0.31 × 0.98 = 0.3038, so epochs 8 and 9 are on the plateau and 10 is not.
    expect(plateauEnd(curve, 7, 0.31, 0.02)).toBe(9);
    // A strict threshold keeps the argmax.
    expect(plateauEnd(curve, 7, 0.31, 0.001)).toBe(7);
    // Epochs before the best never count, however close.
    expect(plateauEnd(new Map([[3, 0.3], [4, 0.301]]), 4, 0.301, 0.05)).toBe(4);
  });
});
