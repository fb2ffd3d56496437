// Data sanity before training and a sanity check of what training produced: each failure is one readable line
// (DataError / EdgerecError), never a model that cannot mean anything. Browser-safe.

import type { Interactions } from "../shared/data/interactions.ts";
import { DataError, EdgerecError } from "../shared/errors.ts";

export const MIN_USERS = 3;
export const MIN_ITEMS = 3;
export const MIN_INTERACTIONS = 10;

/** Refuses data no collaborative model can learn from. `source` names the file in the message. */
export function checkTrainable(d: Interactions, source: string): void {
  const users = d.userIds.size;
  const items = d.itemIds.size;
  const n = d.users.length;
  const what = `${users} users, ${items} items, ${n} interactions`;
  if (n === 0) throw new DataError(`${source}: no interactions to train on`);
  if (users < MIN_USERS || items < MIN_ITEMS || n < MIN_INTERACTIONS) {
    throw new DataError(
      `${source}: too little data to learn from (${what}; need ≥ ${MIN_USERS} users, ≥ ${MIN_ITEMS} items, ≥ ${MIN_INTERACTIONS} distinct interactions; repeated rows count once)`,
    );
  }
  const perUser = new Int32Array(users);
  for (let k = 0; k < n; k++) perUser[d.users[k]!]!++;
  let multi = 0;
  for (let u = 0; u < users; u++) if (perUser[u]! >= 2) multi++;
  if (multi < 2) {
    throw new DataError(`${source}: ${multi} of ${users} users have ≥ 2 items (${what}); a recommender learns from users with several items`);
  }
  const perItem = new Int32Array(items);
  for (let k = 0; k < n; k++) perItem[d.items[k]!]!++;
  let shared = 0;
  for (let i = 0; i < items; i++) if (perItem[i]! >= 2) shared++;
  if (shared === 0) throw new DataError(`${source}: no item has more than one user (${what}); there is nothing to learn across users`);
}

/** Refuses a trained model whose vectors are all zero or not finite (what an over-regularised fit produces). */
export function checkFactors(m: { userFactors: Float32Array; itemFactors: Float32Array; dim: number; kind: string }): void {
  for (const [name, a] of [["item", m.itemFactors], ["user", m.userFactors]] as const) {
    let nonFinite = 0;
    let max = 0;
    for (let k = 0; k < a.length; k++) {
      const v = a[k]!;
      if (!Number.isFinite(v)) nonFinite++;
      else if (Math.abs(v) > max) max = Math.abs(v);
    }
    if (nonFinite > 0) throw new EdgerecError("degenerate_model", `${m.kind}: ${nonFinite} ${name} vector values are NaN or infinite; training diverged (lower the learning rate or raise regularisation)`);
    if (max < 1e-6) throw new EdgerecError("degenerate_model", `${m.kind}: every ${name} vector is zero (max |value| ${max.toExponential(1)}); regularisation overwhelms the data (lower --reg or drop it to let the search choose)`);
  }
}
