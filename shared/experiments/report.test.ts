// Simulated experiments with synthetic visitors whose click probability is known: a real 10% relative CTR lift is
// found, an A/A split finds nothing (and, over many A/A runs, false positives stay near alpha), a broken split is
// flagged as a sample-ratio mismatch.
import { describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { bucketOf, pickWeighted } from "./bucket.ts";
import { type ReportEvent, experimentReport } from "./report.ts";

function simulate(o: { users: number; ctr: number[]; weights?: number[]; seed: number; salt?: string; dropTreatment?: number }): { exp: { id: string; salt: string; variants: { name: string; weight: number }[] }; events: ReportEvent[] } {
  const rng = new Rng(o.seed);
  const weights = o.weights ?? o.ctr.map(() => 1);
  const exp = { id: "e1", salt: o.salt ?? `salt-${o.seed}`, variants: o.ctr.map((_, i) => ({ name: i === 0 ? "control" : `t${i}`, weight: weights[i]! })) };
  const events: ReportEvent[] = [];
  for (let u = 0; u < o.users; u++) {
    const user = `visitor-${u}`;
    const v = pickWeighted(bucketOf(exp.salt, user), weights);
    if (v > 0 && o.dropTreatment && rng.next() < o.dropTreatment) continue; // e.g. a treatment that crashes for some
    // Visitors differ: a per-user propensity around the variant's CTR, 1–6 lists of 4 items each.
    const propensity = o.ctr[v]! * (0.5 + rng.next());
    const lists = 1 + rng.int(6);
    for (let l = 0; l < lists; l++) {
      const recomm_id = `e1.${exp.variants[v]!.name}.${"0".repeat(16)}`;
      for (let k = 0; k < 4; k++) {
        events.push({ user_id: user, type: "impression", recomm_id });
        if (rng.next() < propensity) {
          events.push({ user_id: user, type: "click", recomm_id });
          if (rng.next() < 0.2) events.push({ user_id: user, type: "conversion", recomm_id });
        }
      }
    }
  }
  return { exp, events };
}

describe("experiment report", () => {
  it("detects a 10% relative CTR lift, with the lift inside its interval", () => {
    const { exp, events } = simulate({ users: 20_000, ctr: [0.1, 0.11], seed: 1 });
    const r = experimentReport(exp, events);
    expect(r.detected).toBe(true);
    expect(r.pValue).toBeLessThan(0.05);
    expect(r.liftCi[0]).toBeLessThan(0.1);
    expect(r.liftCi[1]).toBeGreaterThan(0.1);
    expect(r.liftCi[0]).toBeGreaterThan(0);
    expect(r.srm).toBe(false);
    expect(r.variants.map((v) => v.name)).toEqual(["control", "t1"]);
    for (const v of r.variants) {
      expect(v.ci[0]).toBeLessThan(v.ctr);
      expect(v.ci[1]).toBeGreaterThan(v.ctr);
      expect(v.clicks / v.impressions).toBeCloseTo(v.ctr, 5);
    }
  });

  it("finds no difference in an A/A run; over many A/A runs false positives stay near alpha", () => {
    const aa = simulate({ users: 20_000, ctr: [0.1, 0.1], seed: 2 });
    const r = experimentReport(aa.exp, aa.events);
    expect(r.detected).toBe(false);
    expect(r.srm).toBe(false);
    let positives = 0;
    const runs = 200;
    for (let s = 0; s < runs; s++) {
      const { exp, events } = simulate({ users: 1000, ctr: [0.1, 0.1], seed: 100 + s });
      if (experimentReport(exp, events).detected) positives++;
    }
    // 5% expected: 10 of 200; a binomial 99.9% band is about 2..22.
    expect(positives).toBeGreaterThanOrEqual(2);
    expect(positives).toBeLessThanOrEqual(22);
  });

  it("flags a sample-ratio mismatch and ignores lists out of the user's bucket", () => {
    const { exp, events } = simulate({ users: 20_000, ctr: [0.1, 0.1], seed: 3, dropTreatment: 0.05 });
    const r = experimentReport(exp, events);
    expect(r.srm).toBe(true);
    const forged = [...events, { user_id: "visitor-0", type: "click", recomm_id: `e1.${exp.variants[1 - pickWeighted(bucketOf(exp.salt, "visitor-0"), [1, 1])]!.name}.x` }];
    expect(experimentReport(exp, forged).outOfBucket).toBe(1);
    expect(experimentReport(exp, [{ user_id: "u", type: "click", recomm_id: "other.control.x" }]).variants[0]!.users).toBe(0);
  });

  it("splits by weight, deterministically, and independently per salt", () => {
    const a = Array.from({ length: 10_000 }, (_, u) => pickWeighted(bucketOf("s1", `u${u}`), [1, 3]));
    expect(a.filter((v) => v === 1).length / a.length).toBeCloseTo(0.75, 1);
    expect(Array.from({ length: 10_000 }, (_, u) => pickWeighted(bucketOf("s1", `u${u}`), [1, 3]))).toEqual(a);
    const b = Array.from({ length: 10_000 }, (_, u) => pickWeighted(bucketOf("s2", `u${u}`), [1, 3]));
    const agree = a.filter((v, i) => v === b[i]).length / a.length;
    expect(agree).toBeCloseTo(0.25 * 0.25 + 0.75 * 0.75, 1);
  });
});
