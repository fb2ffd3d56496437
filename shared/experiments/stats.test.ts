import { describe, expect, it } from "vitest";
import { chiSquareGoodness, chiSquareSf, compare, normalCdf, pairedGain, ratioMetric, twoSidedP, zFor } from "./stats.ts";

describe("experiment statistics", () => {
  it("matches tabulated normal and chi-square values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.575829)).toBeCloseTo(0.005, 6);
    expect(zFor(0.05)).toBeCloseTo(1.959964, 5);
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 5);
    expect(chiSquareSf(3.841459, 1)).toBeCloseTo(0.05, 5);
    expect(chiSquareSf(5.991465, 2)).toBeCloseTo(0.05, 5);
    expect(chiSquareSf(10.827566, 1)).toBeCloseTo(0.001, 6);
    expect(chiSquareSf(0, 3)).toBe(1);
  });

  it("checks sample ratios against the configured weights", () => {
    expect(chiSquareGoodness([5000, 5000], [1, 1]).pValue).toBeCloseTo(1, 6);
    expect(chiSquareGoodness([5200, 4800], [1, 1]).pValue).toBeLessThan(0.001);
    expect(chiSquareGoodness([2000, 8000], [1, 4]).pValue).toBeCloseTo(1, 6);
  });

  it("reduces the delta method to the binomial variance when every user has one impression", () => {
    const y = [1, 0, 0, 1, 0, 0, 0, 0, 1, 0];
    const m = ratioMetric(y, y.map(() => 1));
    expect(m.value).toBeCloseTo(0.3);
    // Sample variance of a 0/1 variable over n: p(1 − p)·n/(n − 1), divided by n.
    expect(m.variance).toBeCloseTo((0.3 * 0.7 * (10 / 9)) / 10, 10);
  });

  it("compares two arms: lift, its interval and the p-value", () => {
    const c = { value: 0.1, variance: 0.0001 };
    const t = { value: 0.12, variance: 0.0001 };
    const r = compare(c, t, 0.05);
    expect(r.lift).toBeCloseTo(0.2);
    expect(r.pValue).toBeCloseTo(twoSidedP(0.02 / Math.sqrt(0.0002)), 8);
    expect(r.liftCi[0]).toBeLessThan(0.2);
    expect(r.liftCi[1]).toBeGreaterThan(0.2);
    expect(r.detected).toBe(r.pValue < 0.05);
  });
});

describe("pairedGain (train --model auto and the pipeline gate: two models on the same users)", () => {
  it("is the mean per-user difference over its standard error", () => {
    const a = [0.1, 0.2, 0.3, 0.4];
    const b = [0.2, 0.2, 0.5, 0.5]; // differences 0.1, 0, 0.2, 0.1: mean 0.1, sd √(0.02/3)
    const { mean, z } = pairedGain(a, b);
    expect(mean).toBeCloseTo(0.1, 12);
    expect(z).toBeCloseTo(0.1 / (Math.sqrt(0.02 / 3) / 2), 10);
    expect(pairedGain(b, a).z).toBeCloseTo(-z, 10);
  });

  it("a small gain on few users is not significant; the same gain on many is", () => {
    const noisy = (n: number, gain: number) => {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < n; i++) {
        const base = (i * 7919) % 10 / 10;
        a.push(base);
        b.push(base + gain + (i % 2 ? 0.2 : -0.2));
      }
      return pairedGain(a, b).z;
    };
    expect(noisy(40, 0.02)).toBeLessThan(2);
    expect(noisy(20_000, 0.02)).toBeGreaterThan(2);
  });

  it("refuses to compare different users: no gain", () => {
    expect(pairedGain([0.1, 0.2], [0.3])).toEqual({ mean: 0, z: 0 });
    expect(pairedGain([], [])).toEqual({ mean: 0, z: 0 });
  });
});
