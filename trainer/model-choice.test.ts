import { describe, expect, it } from "vitest";
import { pairedGain } from "./model-choice.ts";

describe("pairedGain (auto's test of the graph filter against ALS on the same users)", () => {
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
