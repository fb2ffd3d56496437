// Puts a catalogue's and an attribute table's metadata onto a training set: catalogue rows replace the metadata of
// items the data has, and catalogue items WITHOUT interactions become item rows too (after the data's own rows), so
// models with features give them vectors at training time and they are recommendable from day one. Attribute rows
// of users without interactions are kept aside (`coldUsers`) for `recommend --for`.

import type { Interactions, ItemMeta, UserMeta } from "../data/interactions.ts";

export interface AttachReport {
  /** Catalogue rows matched to items with interactions, and catalogue items added without any. */
  itemsMatched: number;
  itemsAdded: number;
  /** Items with interactions the catalogue does not list. */
  itemsMissing: number;
  usersMatched: number;
  /** Users listed in the attribute table with no interactions. */
  coldUsers: Map<string, UserMeta>;
}

export function attachCatalogue(
  data: Interactions,
  items: Map<string, ItemMeta> | undefined,
  users: Map<string, UserMeta> | undefined,
): AttachReport {
  const report: AttachReport = { itemsMatched: 0, itemsAdded: 0, itemsMissing: 0, usersMatched: 0, coldUsers: new Map() };
  if (items) {
    const meta = (data.itemMeta ??= new Map());
    const before = data.itemIds.size;
    for (const [id, m] of items) {
      const known = data.itemIds.get(id) !== undefined;
      const row = data.itemIds.add(id);
      meta.set(row, m);
      if (known) report.itemsMatched++;
      else report.itemsAdded++;
    }
    report.itemsMissing = before - report.itemsMatched;
  }
  if (users) {
    const meta = (data.userMeta ??= new Map());
    for (const [id, m] of users) {
      const row = data.userIds.get(id);
      if (row === undefined) report.coldUsers.set(id, m);
      else (meta.set(row, m), report.usersMatched++);
    }
  }
  return report;
}
