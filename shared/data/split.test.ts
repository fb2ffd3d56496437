import { describe, expect, it } from "vitest";
import { EdgerecError } from "../errors.ts";
import { InteractionsBuilder } from "./builder.ts";
import type { Interactions } from "./interactions.ts";
import { randomHoldout, subsetRows, temporalLeaveLastN } from "./split.ts";
import { generateSynthetic } from "./synthetic.ts";
import { thrown, triples } from "./test-helpers.ts";

/** Users with 1..12 interactions, timestamps shuffled against input order. */
function sample(): Interactions {
  const b = new InteractionsBuilder("t");
  for (let u = 0; u < 12; u++) {
    for (let i = 0; i <= u; i++) b.add(`u${u}`, `i${(u * 7 + i * 3) % 40}`, 1 + (i % 3), 1000 + ((i * 37) % 101));
  }
  b.setItemMeta("i3", { title: "Three" });
  return b.build();
}

const perUser = (d: Interactions) => {
  const c = new Map<number, number>();
  for (const u of d.users) c.set(u, (c.get(u) ?? 0) + 1);
  return c;
};

describe("randomHoldout", () => {
  const data = sample();

  it("is disjoint, covers the input and shares ids and metadata", () => {
    const { train, test } = randomHoldout(data, { seed: 1 });
    expect([...triples(train), ...triples(test)].sort()).toEqual(triples(data).sort());
    expect(new Set(triples(train)).size + new Set(triples(test)).size).toBe(data.users.length);
    expect(train.userIds).toBe(data.userIds);
    expect(test.itemIds).toBe(data.itemIds);
    expect(test.itemMeta).toBe(data.itemMeta);
  });

  it("keeps ≥ 1 train and ≥ 1 test per user with ≥ 2 interactions, about testFraction held out", () => {
    const { train, test } = randomHoldout(data, { testFraction: 0.25, seed: 3 });
    const tr = perUser(train);
    const te = perUser(test);
    const all = perUser(data);
    for (const [u, n] of all) {
      expect(tr.get(u) ?? 0).toBeGreaterThanOrEqual(1);
      if (n >= 2) expect(te.get(u)).toBe(Math.min(n - 1, Math.max(1, Math.round(n * 0.25))));
      else expect(te.get(u)).toBeUndefined();
    }
  });

  it("is deterministic by seed and differs across seeds", () => {
    const a = triples(randomHoldout(data, { seed: 7 }).test);
    expect(triples(randomHoldout(data, { seed: 7 }).test)).toEqual(a);
    expect(triples(randomHoldout(data, { seed: 8 }).test)).not.toEqual(a);
  });

  it("holds out ~20% of a larger synthetic set", () => {
    const d = generateSynthetic({ users: 200, items: 300, seed: 5 });
    const { test } = randomHoldout(d, { seed: 1 });
    expect(test.users.length / d.users.length).toBeGreaterThan(0.18);
    expect(test.users.length / d.users.length).toBeLessThan(0.22);
  });

  it("refuses a fraction outside (0, 1)", () => {
    for (const f of [0, 1, -0.5, Number.NaN]) {
      expect(thrown(() => randomHoldout(data, { testFraction: f }))).toBeInstanceOf(EdgerecError);
    }
  });
});

describe("temporalLeaveLastN", () => {
  it("holds out each user's latest n by timestamp, never a user's only interactions", () => {
    const b = new InteractionsBuilder("t");
    b.add("a", "x", 1, 30);
    b.add("a", "y", 1, 10);
    b.add("a", "z", 1, 20);
    b.add("b", "x", 1, 5);
    b.add("c", "x", 1, 1);
    b.add("c", "y", 1, 1); // a tie: the later row counts as later
    const data = b.build();
    expect(triples(temporalLeaveLastN(data).test)).toEqual(["a>x 1@30", "c>y 1@1"]);
    const two = temporalLeaveLastN(data, { n: 2 });
    expect(triples(two.test)).toEqual(["a>x 1@30", "a>z 1@20", "c>y 1@1"]);
    expect(triples(two.train)).toEqual(["a>y 1@10", "b>x 1@5", "c>x 1@1"]);
  });

  it("is disjoint and covers on a larger set; later than every train item of the user", () => {
    const d = sample();
    const { train, test } = temporalLeaveLastN(d, { n: 2 });
    expect([...triples(train), ...triples(test)].sort()).toEqual(triples(d).sort());
    const latestTrain = new Map<number, number>();
    for (let k = 0; k < train.users.length; k++) {
      latestTrain.set(train.users[k]!, Math.max(latestTrain.get(train.users[k]!) ?? -Infinity, train.timestamps[k]!));
    }
    for (let k = 0; k < test.users.length; k++) {
      expect(test.timestamps[k]).toBeGreaterThanOrEqual(latestTrain.get(test.users[k]!)!);
    }
  });

  it("refuses data without timestamps and a bad n", () => {
    const b = new InteractionsBuilder("t");
    b.add("a", "x");
    b.add("a", "y");
    expect(thrown(() => temporalLeaveLastN(b.build())).message).toMatch(/needs timestamps/);
    expect(thrown(() => temporalLeaveLastN(sample(), { n: 0 }))).toBeInstanceOf(EdgerecError);
  });
});

describe("subsetRows", () => {
  it("keeps the masked rows in order", () => {
    const d = sample();
    const mask = new Uint8Array(d.users.length);
    mask[0] = 1;
    mask[5] = 1;
    expect(triples(subsetRows(d, mask))).toEqual([triples(d)[0], triples(d)[5]]);
  });
});
