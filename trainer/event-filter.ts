// Which logged events the pipeline trains on: events posted with a publishable (read) key — anyone who can read a
// web page has that key — may not add items to the catalogue. Their items must be known: in the base data, or
// named by an event a write key posted (server-side ingestion registers items). Write-key events pass unchanged.

import type { Interactions } from "../shared/data/interactions.ts";
import type { LoggedEvent } from "../shared/data/merge.ts";

export interface TrainingEvents<E extends LoggedEvent> {
  kept: E[];
  /** Publishable-key events dropped because their item is not in the catalogue. */
  unknownItems: number;
}

export function trainingEvents<E extends LoggedEvent & { origin?: string }>(base: Interactions, events: readonly E[]): TrainingEvents<E> {
  const known = new Set<string>(base.itemIds.ids);
  for (const e of events) if (e.origin !== "publishable") known.add(e.item_id);
  const kept: E[] = [];
  let unknownItems = 0;
  for (const e of events) {
    if (e.origin === "publishable" && !known.has(e.item_id)) unknownItems++;
    else kept.push(e);
  }
  return { kept, unknownItems };
}
