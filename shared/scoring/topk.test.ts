import { describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { scoreAll, topK } from "./topk.ts";

describe("topK", () => {
  it("matches a full sort, ties broken towards the lower row", () => {
    const rng = new Rng(3);
    const scores = Float32Array.from({ length: 500 }, () => Math.round(rng.next() * 50));
    const expected = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, 25);
    expect(Array.from(topK(scores, 25).rows)).toEqual(expected);
  });

  it("skips rows and never returns NaN", () => {
    const scores = Float32Array.from([5, Number.NaN, 4, 3, 2]);
    const top = topK(scores, 3, (r) => r === 0);
    expect(Array.from(top.rows)).toEqual([2, 3, 4]);
    expect(Array.from(top.scores)).toEqual([4, 3, 2]);
  });

  it("returns fewer than k when there are fewer candidates", () => {
    expect(topK(Float32Array.from([1, 2]), 10).rows.length).toBe(2);
    expect(topK(Float32Array.from([1, 2]), 0).rows.length).toBe(0);
  });

  it("scoreAll computes dot products per row", () => {
    const items = Float32Array.from([1, 0, 0, 1, 2, 3]);
    expect(Array.from(scoreAll(items, 2, [2, 5], new Float32Array(3)))).toEqual([2, 5, 19]);
  });

});
