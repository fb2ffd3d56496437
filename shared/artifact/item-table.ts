// items.json held compactly for serving: ids in an IdTable, each row's category list as an index into the distinct
// lists (a catalogue of 100k items has a few hundred), and every other field (title, image, numbers, …) as a slice
// of one JSON string, parsed only when a record is asked for. A parsed items.json of 100k records is a few hundred
// thousand heap objects that every major GC of a serving isolate marks; this is a handful. Records changed or added
// after the build (live catalogue changes, bounded by the overlay's limits) are kept as objects beside it.

import { IdTable } from "../data/id-table.ts";
import type { ItemRecord } from "./manifest.ts";

const NO_CATEGORIES = -1;

export class ItemTable {
  readonly ids: IdTable;
  private readonly baseRows: number;
  /** Per base row: index into `sets`, or NO_CATEGORIES. */
  private readonly catSet: Int32Array;
  /** Distinct category lists, shared by every row that has that list (read-only). */
  private readonly sets: string[][];
  /** The other fields of each base row as JSON: rest[restAt[2r], restAt[2r + 1]); empty = none. Identical slices are stored once. */
  private readonly rest: string;
  private readonly restAt: Int32Array;
  /** Rows replaced or appended since the build. */
  private readonly changed = new Map<number, ItemRecord>();
  private rows: number;

  private constructor(ids: IdTable, catSet: Int32Array, sets: string[][], rest: string, restAt: Int32Array) {
    this.ids = ids;
    this.baseRows = catSet.length;
    this.rows = catSet.length;
    this.catSet = catSet;
    this.sets = sets;
    this.rest = rest;
    this.restAt = restAt;
  }

  static from(records: readonly ItemRecord[]): ItemTable {
    const n = records.length;
    const catSet = new Int32Array(n);
    const sets: string[][] = [];
    const setIndex = new Map<string, number>();
    const names = new Map<string, string>();
    const restAt = new Int32Array(2 * n);
    const restIndex = new Map<string, number>();
    const parts: string[] = [];
    let restLength = 0;
    for (let r = 0; r < n; r++) {
      const { id: _id, categories, ...others } = records[r]!;
      if (!categories) catSet[r] = NO_CATEGORIES;
      else {
        const key = categories.join("\u0000");
        let k = setIndex.get(key);
        if (k === undefined) {
          k = sets.length;
          sets.push(categories.map((c) => names.get(c) ?? (names.set(c, c), c)));
          setIndex.set(key, k);
        }
        catSet[r] = k;
      }
      let json = "";
      for (const key in others) {
        if ((others as Record<string, unknown>)[key] !== undefined) {
          json = JSON.stringify(others);
          break;
        }
      }
      if (json === "") continue;
      let at = restIndex.get(json);
      if (at === undefined) {
        at = restLength;
        parts.push(json);
        restLength += json.length;
        if (restLength > 0x1fffffe8) throw new RangeError(`items.json's fields total ${restLength}+ characters, more than one string can hold`);
        restIndex.set(json, at);
      }
      restAt[2 * r] = at;
      restAt[2 * r + 1] = at + json.length;
    }
    return new ItemTable(IdTable.from(records.map((it) => it.id)), catSet, sets, parts.join(""), restAt);
  }

  get length(): number {
    return this.rows;
  }

  id(row: number): string | undefined {
    return this.ids.id(row);
  }

  /** The row's categories (a shared, read-only list), or undefined. */
  categories(row: number): readonly string[] | undefined {
    if (row >= this.baseRows || this.changed.size > 0) {
      const c = this.changed.get(row);
      if (c) return c.categories;
      if (row >= this.baseRows) return undefined;
    }
    const k = this.catSet[row]!;
    return k === NO_CATEGORIES ? undefined : this.sets[k];
  }

  /** The whole record of `row` (a fresh object; its categories list is shared), or undefined past the end. */
  get(row: number): ItemRecord | undefined {
    if (!(row >= 0 && row < this.rows)) return undefined;
    const c = this.changed.get(row);
    if (c) return c;
    const a = this.restAt[2 * row]!;
    const b = this.restAt[2 * row + 1]!;
    const record: ItemRecord = a === b ? { id: this.ids.id(row)! } : { id: this.ids.id(row)!, ...(JSON.parse(this.rest.slice(a, b)) as Omit<ItemRecord, "id">) };
    const k = this.catSet[row]!;
    if (k !== NO_CATEGORIES) record.categories = this.sets[k];
    return record;
  }

  /** Replaces the record of an existing row (its id must stay the same). */
  set(row: number, record: ItemRecord): void {
    if (!(row >= 0 && row < this.rows)) throw new RangeError(`row ${row} is not in the table (${this.rows} rows)`);
    if (this.ids.id(row) !== record.id) throw new RangeError(`row ${row} is '${this.ids.id(row)}', not '${record.id}'`);
    this.changed.set(row, record);
  }

  /** Appends a record with a new id; returns its row. */
  push(record: ItemRecord): number {
    const row = this.rows;
    this.ids.append(record.id, row);
    this.changed.set(row, record);
    this.rows = row + 1;
    return row;
  }

  /** Bytes held, by estimate: typed arrays and strings exactly, changed records at a few hundred bytes each. */
  get bytes(): number {
    return this.ids.bytes + this.catSet.byteLength + this.restAt.byteLength + this.rest.length * 2 + this.sets.length * 64 + this.changed.size * 300;
  }
}
