// Test helpers for data modules: interactions as readable "user>item weight@ts" strings, and a catcher that
// returns the thrown error so tests can check its type and message together.

import type { Interactions } from "./interactions.ts";

export function triples(data: Interactions): string[] {
  const out: string[] = [];
  for (let k = 0; k < data.users.length; k++) {
    const ts = data.timestamps[k]!;
    out.push(
      `${data.userIds.ids[data.users[k]!]}>${data.itemIds.ids[data.items[k]!]} ${data.weights[k]}${Number.isNaN(ts) ? "" : `@${ts}`}`,
    );
  }
  return out;
}

export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw, nothing was thrown");
}

export async function rejected(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection, the promise resolved");
}
