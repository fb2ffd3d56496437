// Accumulates interactions with string ids into the dense `Interactions` shape. Every loader goes through it, so
// validation (ids present, weight finite and > 0) and duplicate merging (weights summed, latest timestamp kept)
// happen in one place. Storage grows as typed arrays; merging is O(n) with a per-user item stamp, no hashing of pairs.

import { DataError } from "../errors.ts";
import { IdMap, type Interactions, type ItemMeta, type UserMeta } from "./interactions.ts";

/** Where a record came from, for error messages: `source:line` (or `source row N` for columnar files). */
export interface Origin {
  line?: number;
  row?: number;
}

export const describeOrigin = (source: string, at?: Origin): string =>
  at?.line !== undefined ? `${source}:${at.line}` : at?.row !== undefined ? `${source} row ${at.row}` : source;

export class InteractionsBuilder {
  private readonly userIds = new IdMap();
  private readonly itemIds = new IdMap();
  private users = new Int32Array(1024);
  private items = new Int32Array(1024);
  private weights = new Float64Array(1024);
  private timestamps = new Float64Array(1024);
  private n = 0;
  private readonly itemMetaById = new Map<string, ItemMeta>();
  private readonly userMetaById = new Map<string, UserMeta>();
  // Files usually list a user's interactions together: a repeated user id skips the map lookup.
  private lastUser = "";
  private lastUserRow = -1;

  /** `source` names the input (a file name) in every error message. */
  constructor(readonly source = "input") {}

  get size(): number {
    return this.n;
  }

  /** Adds one interaction; `at` locates it for error messages. Throws DataError on an empty id or a bad weight. */
  add(userId: string, itemId: string, weight = 1, ts = Number.NaN, at?: Origin): void {
    if (userId === "") throw new DataError(`${describeOrigin(this.source, at)}: empty user id`);
    if (itemId === "") throw new DataError(`${describeOrigin(this.source, at)}: empty item id`);
    if (!(weight > 0) || weight === Infinity) {
      throw new DataError(`${describeOrigin(this.source, at)}: weight must be a finite number > 0, got ${weight}`);
    }
    if (ts === Infinity || ts === -Infinity) {
      throw new DataError(`${describeOrigin(this.source, at)}: timestamp must be finite, got ${ts}`);
    }
    if (this.n === this.users.length) this.grow();
    const k = this.n++;
    if (userId !== this.lastUser) {
      this.lastUser = userId;
      this.lastUserRow = this.userIds.add(userId);
    }
    this.users[k] = this.lastUserRow;
    this.items[k] = this.itemIds.add(itemId);
    this.weights[k] = weight;
    this.timestamps[k] = ts;
  }

  /** Attaches metadata to an item; kept only if the item has at least one interaction when `build()` runs. */
  setItemMeta(itemId: string, meta: ItemMeta): void {
    this.itemMetaById.set(itemId, meta);
  }

  /** Attaches metadata to a user; kept only if the user has at least one interaction when `build()` runs. */
  setUserMeta(userId: string, meta: UserMeta): void {
    this.userMetaById.set(userId, meta);
  }

  /** The merged interactions, in order of first occurrence. Throws DataError "no interactions" when empty. */
  build(): Interactions {
    if (this.n === 0) throw new DataError(`${this.source}: no interactions`);
    const n = this.n;
    const keep = this.mergeDuplicates();
    let m = 0;
    for (let k = 0; k < n; k++) m += keep[k]!;
    const users = new Int32Array(m);
    const items = new Int32Array(m);
    const weights = new Float32Array(m);
    const timestamps = new Float64Array(m);
    for (let k = 0, o = 0; k < n; k++) {
      if (!keep[k]) continue;
      users[o] = this.users[k]!;
      items[o] = this.items[k]!;
      weights[o] = this.weights[k]!;
      timestamps[o] = this.timestamps[k]!;
      o++;
    }
    const data: Interactions = { userIds: this.userIds, itemIds: this.itemIds, users, items, weights, timestamps };
    if (this.itemMetaById.size > 0) data.itemMeta = attach(this.itemMetaById, this.itemIds);
    if (this.userMetaById.size > 0) data.userMeta = attach(this.userMetaById, this.userIds);
    return data;
  }

  /**
   * Folds each repeated (user, item) pair into its first occurrence (weights summed, latest timestamp kept) and
   * returns a keep-mask. Entries are visited grouped by user (a stable counting sort), and `firstAt[item]` holds
   * the position of the pair's first occurrence while `stamp[item]` says for which user it was set.
   */
  private mergeDuplicates(): Uint8Array {
    const n = this.n;
    const nu = this.userIds.size;
    const ni = this.itemIds.size;
    const start = new Int32Array(nu + 1);
    for (let k = 0; k < n; k++) start[this.users[k]! + 1]!++;
    for (let u = 0; u < nu; u++) start[u + 1]! += start[u]!;
    const order = new Int32Array(n);
    const fill = start.slice(0, nu);
    for (let k = 0; k < n; k++) order[fill[this.users[k]!]!++] = k;
    const keep = new Uint8Array(n).fill(1);
    const stamp = new Int32Array(ni).fill(-1);
    const firstAt = new Int32Array(ni);
    for (let u = 0; u < nu; u++) {
      for (let p = start[u]!; p < start[u + 1]!; p++) {
        const k = order[p]!;
        const item = this.items[k]!;
        if (stamp[item] !== u) {
          stamp[item] = u;
          firstAt[item] = k;
          continue;
        }
        const f = firstAt[item]!;
        this.weights[f]! += this.weights[k]!;
        const t = this.timestamps[k]!;
        if (t > this.timestamps[f]! || this.timestamps[f] !== this.timestamps[f]) this.timestamps[f] = t;
        keep[k] = 0;
      }
    }
    return keep;
  }

  private grow(): void {
    const cap = this.users.length * 2;
    this.users = growInt(this.users, cap);
    this.items = growInt(this.items, cap);
    this.weights = growFloat(this.weights, cap);
    this.timestamps = growFloat(this.timestamps, cap);
  }
}

function growInt(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

function growFloat(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function attach<M>(byId: Map<string, M>, ids: IdMap): Map<number, M> {
  const out = new Map<number, M>();
  for (const [id, meta] of byId) {
    const row = ids.get(id);
    if (row !== undefined) out.set(row, meta);
  }
  return out;
}
