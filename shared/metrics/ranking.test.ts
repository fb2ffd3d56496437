import { describe, expect, it } from "vitest";
import { averagePrecisionAt, hitRateAt, idealDcg, ndcgAt, precisionAt, recallAt } from "./ranking.ts";

// ranked [5, 1, 7, 3, 9], relevant {1, 3, 8}: hits at 0-based positions 1 and 3.
const ranked = [5, 1, 7, 3, 9];
const relevant = new Set([1, 3, 8]);
const L3 = 1 / Math.log2(3); // 0.6309…
const L5 = 1 / Math.log2(5); // 0.4306…

describe("ranking metrics (hand-computed)", () => {
  it("precision, recall and hit rate", () => {
    expect(precisionAt(ranked, relevant, 5)).toBeCloseTo(2 / 5, 12);
    expect(recallAt(ranked, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(precisionAt(ranked, relevant, 2)).toBeCloseTo(1 / 2, 12);
    expect(recallAt(ranked, relevant, 2)).toBeCloseTo(1 / 3, 12);
    expect(hitRateAt(ranked, relevant, 2)).toBe(1);
    expect(hitRateAt(ranked, relevant, 1)).toBe(0);
    // A list shorter than K: missing positions are misses, precision still divides by K.
    expect(precisionAt(ranked, relevant, 10)).toBeCloseTo(2 / 10, 12);
  });

  it("ndcg with IDCG over min(|relevant|, K)", () => {
    expect(ndcgAt(ranked, relevant, 5)).toBeCloseTo((L3 + L5) / (1 + L3 + 0.5), 12); // 0.49819…
    expect(ndcgAt(ranked, relevant, 5)).toBeCloseTo(0.498191, 5);
    expect(ndcgAt(ranked, relevant, 2)).toBeCloseTo(L3 / (1 + L3), 12); // 0.38685…
    expect(ndcgAt([1, 3, 8], relevant, 3)).toBeCloseTo(1, 12);
    expect(ndcgAt([1, 0], new Set([1]), 2)).toBeCloseTo(1, 12);
    expect(idealDcg(3)).toBeCloseTo(1 + L3 + 0.5, 12);
  });

  it("average precision divides by min(|relevant|, K)", () => {
    expect(averagePrecisionAt(ranked, relevant, 5)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 12);
    expect(averagePrecisionAt(ranked, relevant, 2)).toBeCloseTo(1 / 2 / 2, 12);
    expect(averagePrecisionAt([1, 3], relevant, 2)).toBeCloseTo(1, 12);
  });

  it("is 0 with no hits, no relevant items or K = 0", () => {
    for (const f of [precisionAt, recallAt, hitRateAt, ndcgAt, averagePrecisionAt]) {
      expect(f(ranked, relevant, 1)).toBe(0);
      expect(f(ranked, new Set(), 5)).toBe(0);
      expect(f(ranked, relevant, 0)).toBe(0);
    }
  });
});
