// Per-request item filters: include/exclude categories, excluded ids and seen items, compiled once into a
// `skip(row)` predicate over the model's category CSR (no allocation per scored row). Deleted items are always skipped.

import { hasRow } from "../../shared/artifact/seen.ts";
import type { Filters } from "./schemas.ts";
import type { ServingModel } from "./serving-model.ts";

export interface CompiledFilter {
  skip: ((row: number) => boolean) | undefined;
  /** Included category names that the model knows (for popular-by-category). */
  includeCategories: string[];
}

/** `seenRows`: the user's training items (sorted, from seen.bin), looked up by binary search; null → none. */
export function compileFilter(model: ServingModel, filters: Filters | undefined, excludedRows: Set<number>, seenRows: Uint32Array | null = null): CompiledFilter {
  const include = filters?.includeCategories ?? [];
  const exclude = filters?.excludeCategories ?? [];
  for (const id of filters?.excludeIds ?? []) {
    const r = model.itemRow.get(id);
    if (r !== undefined) excludedRows.add(r);
  }
  // flags[c]: 1 = included, 2 = excluded. An included category the model does not know matches nothing.
  const flags = new Uint8Array(model.categoryId.size);
  const knownInclude: string[] = [];
  for (const c of include) {
    const id = model.categoryId.get(c);
    if (id !== undefined) (flags[id] = 1, knownInclude.push(c));
  }
  for (const c of exclude) {
    const id = model.categoryId.get(c);
    if (id !== undefined) flags[id] = 2;
  }
  const byCategory = include.length > 0 || exclude.length > 0;
  const wantInclude = include.length > 0;
  const seen = seenRows && seenRows.length > 0 ? seenRows : null;
  // Items deleted at the edge (item DELETE) leave every list, whatever the request's filters.
  const deleted = model.live.deleted.size > 0 ? model.live.deleted : null;
  if (!byCategory && excludedRows.size === 0 && !seen && !deleted) return { skip: undefined, includeCategories: knownInclude };
  const { catOffsets, catIds } = model;
  const skip = (row: number): boolean => {
    if (excludedRows.has(row)) return true;
    if (deleted && deleted.has(row)) return true;
    if (seen && hasRow(seen, row)) return true;
    if (!byCategory) return false;
    let included = false;
    for (let k = catOffsets[row]!, end = catOffsets[row + 1]!; k < end; k++) {
      const f = flags[catIds[k]!]!;
      if (f === 2) return true;
      if (f === 1) included = true;
    }
    return wantInclude && !included;
  };
  return { skip, includeCategories: knownInclude };
}
