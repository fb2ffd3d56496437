// Cold-start splits: a share of items (or users) held out ENTIRELY. Item-cold: every interaction with a held-out
// item goes to test, so the model never sees those items interacted with (their metadata stays: it is all a new
// item has); evaluation ranks only the held-out items. User-cold: every interaction of a held-out user goes to test;
// their attributes stay, their history is unknown.

import { EdgerecError } from "../errors.ts";
import { Rng } from "../random.ts";
import type { Interactions } from "./interactions.ts";
import { splitByMask, type Split } from "./split.ts";

export interface ColdSplit extends Split {
  /** 1 for each held-out item row (item-cold) or user row (user-cold). */
  cold: Uint8Array;
}

export function itemColdSplit(data: Interactions, fraction: number, seed = 42): ColdSplit {
  const cold = pick(data.itemIds.size, fraction, seed, "items");
  const inTest = new Uint8Array(data.users.length);
  for (let k = 0; k < inTest.length; k++) inTest[k] = cold[data.items[k]!]!;
  return { ...splitByMask(data, inTest), cold };
}

export function userColdSplit(data: Interactions, fraction: number, seed = 42): ColdSplit {
  const cold = pick(data.userIds.size, fraction, seed, "users");
  const inTest = new Uint8Array(data.users.length);
  for (let k = 0; k < inTest.length; k++) inTest[k] = cold[data.users[k]!]!;
  return { ...splitByMask(data, inTest), cold };
}

function pick(n: number, fraction: number, seed: number, what: string): Uint8Array {
  if (!(fraction > 0 && fraction < 1)) throw new EdgerecError("bad_option", `the held-out share of ${what} must be in (0, 1), got ${fraction}`);
  const rng = new Rng(seed);
  const order = Int32Array.from({ length: n }, (_, k) => k);
  for (let k = n - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const cold = new Uint8Array(n);
  for (let k = 0; k < Math.round(n * fraction); k++) cold[order[k]!] = 1;
  return cold;
}
