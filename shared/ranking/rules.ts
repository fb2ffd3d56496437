// Boost and bury rules compiled against a candidate pool: one pass over the pool's items per rule, adding each
// matching rule's `by` to a per-candidate adjustment (Float32Array), so the selection loop reads only numbers.

import type { ItemRecord } from "../artifact/manifest.ts";
import type { Condition, NumericRange, RankingRule } from "./options.ts";

function inRange(x: number, r: NumericRange): boolean {
  if (typeof r === "number") return x === r;
  return (
    (r.lt === undefined || x < r.lt) &&
    (r.lte === undefined || x <= r.lte) &&
    (r.gt === undefined || x > r.gt) &&
    (r.gte === undefined || x >= r.gte) &&
    (r.eq === undefined || x === r.eq)
  );
}

/** Whether `item` meets every key of `cond` (see options.ts for the language). */
export function matches(item: ItemRecord, cond: Condition): boolean {
  for (const key in cond) {
    const want = cond[key]!;
    if (key === "category" || key === "categories") {
      const cats = item.categories;
      if (!cats || cats.length === 0) return false;
      if (typeof want === "string") {
        if (!cats.includes(want)) return false;
      } else if (Array.isArray(want)) {
        if (!want.some((c) => cats.includes(c))) return false;
      } else return false;
      continue;
    }
    const x = item.numbers && Object.hasOwn(item.numbers, key) ? item.numbers[key] : undefined;
    if (x === undefined || typeof want === "string" || Array.isArray(want)) return false;
    if (!inRange(x, want)) return false;
  }
  return true;
}

/** Adds Σ by(boosts) − Σ by(buries) of the matching rules to `adjust[i]` for each candidate row `rows[i]`. */
/**
 * Items by row, for rules and caps: a plain array, or a compact table (shared/artifact/item-table.ts) that makes a
 * record on request and reads categories without one.
 */
export type ItemsByRow = readonly ItemRecord[] | { get(row: number): ItemRecord | undefined; categories(row: number): readonly string[] | undefined };

export const itemAt = (items: ItemsByRow, row: number): ItemRecord | undefined => (Array.isArray(items) ? (items as readonly ItemRecord[])[row] : (items as Exclude<ItemsByRow, readonly ItemRecord[]>).get(row));

export const categoriesAt = (items: ItemsByRow, row: number): readonly string[] | undefined =>
  Array.isArray(items) ? (items as readonly ItemRecord[])[row]?.categories : (items as Exclude<ItemsByRow, readonly ItemRecord[]>).categories(row);

export function applyRules(items: ItemsByRow, rows: Int32Array, boost: readonly RankingRule[], bury: readonly RankingRule[], adjust: Float32Array): void {
  const rules = [...boost.map((r) => ({ cond: r.if, by: r.by })), ...bury.map((r) => ({ cond: r.if, by: -r.by }))];
  if (rules.length === 0) return;
  for (let i = 0; i < rows.length; i++) {
    const item = itemAt(items, rows[i]!);
    if (!item) continue;
    for (const r of rules) if (matches(item, r.cond)) adjust[i]! += r.by;
  }
}
