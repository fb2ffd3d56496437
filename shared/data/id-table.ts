// String ids ↔ dense rows without a heap object per id: every id lives in one string, found through an
// open-addressing hash table of typed arrays. A Map<string, number> of 100k ids is 100k strings the garbage collector
// marks on every major GC of a serving isolate (tens of ms under load, measured); this is four objects. Ids added
// after the build (live catalogue changes) go to a small Map beside it.
//
// Lookups are Map-shaped (`get`, `has`, `set`, `size`) so code that only needs id → row accepts either.

/** What id → row lookups need: a Map<string, number> satisfies it too. */
export interface IdLookup {
  get(id: string): number | undefined;
  has(id: string): boolean;
  readonly size: number;
}

/** FNV-1a over UTF-16 code units. */
function hashId(s: string, from = 0, to = s.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class IdTable implements IdLookup {
  /** All ids concatenated; id r is chars[offsets[r], offsets[r + 1]). */
  private readonly chars: string;
  private readonly offsets: Int32Array;
  private readonly hashes: Int32Array;
  /** Open addressing, linear probing: row + 1, 0 = empty. Length a power of two ≥ 2 × rows. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly baseRows: number;
  /** Ids added after the build, and the id of each row past the base. */
  private added: Map<string, number> | null = null;
  private addedIds: string[] = [];

  private constructor(chars: string, offsets: Int32Array) {
    this.chars = chars;
    this.offsets = offsets;
    this.baseRows = offsets.length - 1;
    this.hashes = new Int32Array(this.baseRows);
    let cap = 16;
    while (cap < this.baseRows * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let r = 0; r < this.baseRows; r++) {
      const h = hashId(chars, offsets[r]!, offsets[r + 1]!);
      this.hashes[r] = h;
      let s = h & this.mask;
      // A repeated id keeps its first row, like the first write into a Map that later writes would not reach.
      let dup = false;
      while (this.slots[s] !== 0) {
        if (this.hashes[this.slots[s]! - 1] === h && this.equalsRow(this.slots[s]! - 1, chars, offsets[r]!, offsets[r + 1]!)) {
          dup = true;
          break;
        }
        s = (s + 1) & this.mask;
      }
      if (!dup) this.slots[s] = r + 1;
    }
  }

  /** The table of `ids`, row r = ids[r]. */
  static from(ids: readonly string[]): IdTable {
    const offsets = new Int32Array(ids.length + 1);
    let total = 0;
    for (let r = 0; r < ids.length; r++) {
      total += ids[r]!.length;
      if (total > 0x1fffffe8) throw new RangeError(`ids total ${total}+ characters, more than one string can hold`);
      offsets[r + 1] = total;
    }
    return new IdTable(ids.join(""), offsets);
  }

  private equalsRow(row: number, s: string, from: number, to: number): boolean {
    const a = this.offsets[row]!;
    const n = this.offsets[row + 1]! - a;
    if (n !== to - from) return false;
    for (let i = 0; i < n; i++) if (this.chars.charCodeAt(a + i) !== s.charCodeAt(from + i)) return false;
    return true;
  }

  /** Rows: the built ones plus those added since. */
  get size(): number {
    return this.baseRows + this.addedIds.length;
  }

  get(id: string): number | undefined {
    const h = hashId(id);
    let s = h & this.mask;
    for (;;) {
      const v = this.slots[s]!;
      if (v === 0) break;
      if (this.hashes[v - 1] === h && this.equalsRow(v - 1, id, 0, id.length)) return v - 1;
      s = (s + 1) & this.mask;
    }
    return this.added?.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** The id of `row` (undefined past the end). */
  id(row: number): string | undefined {
    if (row < 0 || !Number.isInteger(row)) return undefined;
    if (row < this.baseRows) return this.chars.slice(this.offsets[row]!, this.offsets[row + 1]!);
    return this.addedIds[row - this.baseRows];
  }

  /** Every id in row order (Map-like). */
  *keys(): IterableIterator<string> {
    for (let r = 0; r < this.size; r++) yield this.id(r)!;
  }

  /** Appends `id` as the next row (`row` must be `size`); a known id is refused. */
  append(id: string, row: number): void {
    if (row !== this.size) throw new RangeError(`row ${row} is not the next row (${this.size})`);
    if (this.has(id)) throw new RangeError(`id '${id.slice(0, 80)}' is already in the table`);
    (this.added ??= new Map()).set(id, row);
    this.addedIds.push(id);
  }

  /** Bytes held (typed arrays, the id string at 2 bytes a character, the added map by estimate). */
  get bytes(): number {
    return this.chars.length * 2 + this.offsets.byteLength + this.hashes.byteLength + this.slots.byteLength + this.addedIds.length * 96;
  }
}
