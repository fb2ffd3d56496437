import { describe, expect, it } from "vitest";
import { gateDecision } from "./pipeline.ts";

describe("pipeline gate", () => {
  it("passes a candidate that is not worse beyond the tolerance", () => {
    expect(gateDecision(0.3, 0.3, 0.005, false).passed).toBe(true);
    expect(gateDecision(0.296, 0.3, 0.005, false).passed).toBe(true);
    expect(gateDecision(0.35, 0.3, 0, false)).toMatchObject({ passed: true, better: true });
  });

  it("keeps the active version when the candidate is worse, unless forced", () => {
    const kept = gateDecision(0.25, 0.3, 0.005, false);
    expect(kept).toMatchObject({ passed: false, better: false });
    expect(kept.reason).toMatch(/worse, not activated/);
    const forced = gateDecision(0.25, 0.3, 0.005, true);
    expect(forced).toMatchObject({ passed: true, better: false });
    expect(forced.reason).toMatch(/activated by --force/);
  });

  it("a drop beyond the tolerance passes when a paired test says it is noise, and not when it is real", () => {
    const noise = gateDecision(0.11, 0.14, 0.005, false, { z: -0.8, users: 12 });
    expect(noise).toMatchObject({ passed: true, better: true });
    expect(noise.reason).toMatch(/paired z -0\.8 over 12 users\): lower, within noise/);
    const real = gateDecision(0.11, 0.14, 0.005, false, { z: -3.1, users: 5000 });
    expect(real).toMatchObject({ passed: false, better: false });
    expect(real.reason).toMatch(/worse, not activated/);
  });

  it("passes when nothing is active", () => {
    expect(gateDecision(0.1, undefined, 0.005, false)).toMatchObject({ passed: true, reason: "no active version to compare with" });
  });
});
