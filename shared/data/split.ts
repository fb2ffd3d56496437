// Train/test splits per user. Both halves keep the same IdMaps and metadata objects as the input, so row u of
// the train matrix and row u of the test matrix are the same user, and item columns line up.

import { EdgerecError } from "../errors.ts";
import { Rng } from "../random.ts";
import type { Interactions } from "./interactions.ts";

export interface Split {
  train: Interactions;
  test: Interactions;
}

/** Positions of each user's interactions: `order[start[u]..start[u+1]]`, in input order within a user. */
export interface UserGroups {
  start: Int32Array;
  order: Int32Array;
}

export function groupByUser(data: Interactions): UserGroups {
  const nu = data.userIds.size;
  const n = data.users.length;
  const start = new Int32Array(nu + 1);
  for (let k = 0; k < n; k++) start[data.users[k]! + 1]!++;
  for (let u = 0; u < nu; u++) start[u + 1]! += start[u]!;
  const fill = start.slice(0, nu);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[fill[data.users[k]!]!++] = k;
  return { start, order };
}

/** The interactions whose `mask[k]` is non-zero, in input order, sharing ids and metadata with `data`. */
export function subsetRows(data: Interactions, mask: ArrayLike<number>): Interactions {
  const n = data.users.length;
  let m = 0;
  for (let k = 0; k < n; k++) if (mask[k]) m++;
  const users = new Int32Array(m);
  const items = new Int32Array(m);
  const weights = new Float32Array(m);
  const timestamps = new Float64Array(m);
  for (let k = 0, o = 0; k < n; k++) {
    if (!mask[k]) continue;
    users[o] = data.users[k]!;
    items[o] = data.items[k]!;
    weights[o] = data.weights[k]!;
    timestamps[o] = data.timestamps[k]!;
    o++;
  }
  const out: Interactions = { userIds: data.userIds, itemIds: data.itemIds, users, items, weights, timestamps };
  if (data.itemMeta) out.itemMeta = data.itemMeta;
  if (data.userMeta) out.userMeta = data.userMeta;
  return out;
}

/** Splits by a mask: `inTest[k] = 1` sends interaction k to test, the rest to train. */
export function splitByMask(data: Interactions, inTest: Uint8Array): Split {
  const inTrain = new Uint8Array(inTest.length);
  for (let k = 0; k < inTest.length; k++) inTrain[k] = inTest[k] ? 0 : 1;
  return { train: subsetRows(data, inTrain), test: subsetRows(data, inTest) };
}

export interface HoldoutOptions {
  /** Share of each user's interactions held out (rounded), in (0, 1). Default 0.2. */
  testFraction?: number;
  seed?: number;
}

/**
 * Holds out a random `testFraction` of each user's interactions. A user with ≥ 2 interactions keeps ≥ 1 in
 * train and puts ≥ 1 in test; a user with one interaction stays in train only. Deterministic by seed.
 */
export function randomHoldout(data: Interactions, options: HoldoutOptions = {}): Split {
  const fraction = options.testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) {
    throw new EdgerecError("bad_option", `testFraction must be in (0, 1), got ${fraction}`);
  }
  const rng = new Rng(options.seed ?? 0);
  const { start, order } = groupByUser(data);
  const inTest = new Uint8Array(data.users.length);
  for (let u = 0; u + 1 < start.length; u++) {
    const s = start[u]!;
    const count = start[u + 1]! - s;
    if (count < 2) continue;
    const nTest = Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
    // Partial Fisher–Yates over this user's slice of `order`: the first nTest picks go to test.
    for (let i = 0; i < nTest; i++) {
      const j = i + rng.int(count - i);
      const t = order[s + i]!;
      order[s + i] = order[s + j]!;
      order[s + j] = t;
      inTest[order[s + i]!] = 1;
    }
  }
  return splitByMask(data, inTest);
}

export interface LeaveLastOptions {
  /** How many of each user's latest interactions go to test. Default 1. */
  n?: number;
}

/**
 * Holds out each user's `n` latest interactions by timestamp (ties and unknown timestamps: later input rows count
 * as later; unknown timestamps sort first). A user always keeps ≥ 1 interaction in train.
 */
export function temporalLeaveLastN(data: Interactions, options: LeaveLastOptions = {}): Split {
  const n = options.n ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new EdgerecError("bad_option", `n must be an integer ≥ 1, got ${n}`);
  const ts = data.timestamps;
  if (ts.length > 0 && ts.every((t) => Number.isNaN(t))) {
    throw new EdgerecError("bad_option", "a temporal split needs timestamps, and these interactions have none");
  }
  const { start, order } = groupByUser(data);
  const inTest = new Uint8Array(data.users.length);
  const key = (k: number) => (Number.isNaN(ts[k]!) ? -Infinity : ts[k]!);
  for (let u = 0; u + 1 < start.length; u++) {
    const s = start[u]!;
    const count = start[u + 1]! - s;
    if (count < 2) continue;
    const rows = Array.from(order.subarray(s, s + count)).sort((a, b) => key(a) - key(b) || a - b);
    const nTest = Math.min(n, count - 1);
    for (let i = count - nTest; i < count; i++) inTest[rows[i]!] = 1;
  }
  return splitByMask(data, inTest);
}
