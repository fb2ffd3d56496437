// Merges interaction sets (base data + the edge's event log) into one, by external id: metadata kept, duplicate
// (user, item) pairs merged by the builder (weights summed, latest timestamp kept).

import { InteractionsBuilder } from "./builder.ts";
import type { Interactions } from "./interactions.ts";
import { typeWeight } from "./formats/records.ts";

/** An event as the edge logs it (the JSONL training format). */
export interface LoggedEvent {
  user_id: string;
  item_id: string;
  type: string;
  timestamp: number;
}

export function mergeEvents(base: Interactions, events: readonly LoggedEvent[], source = "event log"): Interactions {
  const b = new InteractionsBuilder(source);
  for (let k = 0; k < base.users.length; k++) {
    b.add(base.userIds.ids[base.users[k]!]!, base.itemIds.ids[base.items[k]!]!, base.weights[k]!, base.timestamps[k]!);
  }
  // An impression is what the user was shown, not something they did: it is no interaction to learn from.
  events.forEach((e, k) => e.type === "impression" || b.add(e.user_id, e.item_id, typeWeight(e.type), e.timestamp, { row: k + 1 }));
  for (const [row, meta] of base.itemMeta ?? []) b.setItemMeta(base.itemIds.ids[row]!, meta);
  for (const [row, meta] of base.userMeta ?? []) b.setUserMeta(base.userIds.ids[row]!, meta);
  return b.build();
}
