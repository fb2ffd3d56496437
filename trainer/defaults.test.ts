// The serving-memory cap on default dimensions: a default model must load in the Worker's default budget.
import { describe, expect, it } from "vitest";
import { EDGE_MODEL_BUDGET_BYTES, alsDim, chooseDim, servedBytes, servingDimCap } from "./defaults.ts";

const gowalla = { users: 29858, items: 40981, interactions: 810128 };

describe("servingDimCap", () => {
  it("is the largest multiple of 8 whose served model fits the budget", () => {
    const cap = servingDimCap(gowalla);
    expect(cap % 8).toBe(0);
    expect(servedBytes(gowalla, cap)).toBeLessThanOrEqual(EDGE_MODEL_BUDGET_BYTES);
    expect(servedBytes(gowalla, cap + 8)).toBeGreaterThan(EDGE_MODEL_BUDGET_BYTES);
    expect(cap).toBeLessThan(256);
  });

  it("caps the rules' dimensions on a large catalogue and leaves small data alone", () => {
    const wide = { users: 50_000, items: 100_000, interactions: 1_000_000 };
    expect(alsDim(wide)).toBe(servingDimCap(wide));
    expect(chooseDim(wide)).toBeLessThanOrEqual(servingDimCap(wide));
    const ml100k = { users: 943, items: 1682, interactions: 100_000 };
    expect(servingDimCap(ml100k)).toBeGreaterThan(1000);
    expect(alsDim(ml100k)).toBe(48);
  });

  it("caps nothing where not even d32 would fit (the model is for the Node host)", () => {
    expect(servingDimCap({ users: 359_347, items: 160_112, interactions: 17_559_530 })).toBe(Number.POSITIVE_INFINITY);
  });
});
