// The seen list (`seen.bin`): every known user's training items, so servers never recommend what a user already has.
// A versioned little-endian file (documented in edge/README.md, "seen.bin"):
//
//   offset  size            field
//   0       4               magic "ERSN"
//   4       2               u16 format version (1)
//   6       2               u16 reserved, 0
//   8       4               u32 users   (rows of users.json, in that order)
//   12      4               u32 items   (rows of items.json; every item row is below it)
//   16      4               u32 nnz     (number of (user, item) entries)
//   20      4·(users+1)     u32 offsets: user u's items are items[offsets[u] .. offsets[u+1]); offsets[0] = 0,
//                           non-decreasing, offsets[users] = nnz
//   …       4·nnz           u32 item rows, strictly increasing within each user (sorted, no duplicates)
//
// The byte length is exactly 20 + 4·(users + 1) + 4·nnz. The reader checks every field against the others and
// against the byte length before it trusts any of them (sizes are computed in doubles: exact below 2^53, so no
// 32-bit wrap-around), and names the check that failed.

import { ArtifactError } from "../errors.ts";

export const SEEN_MAGIC = 0x4e535245; // "ERSN" read as a little-endian u32
export const SEEN_VERSION = 1;
export const SEEN_HEADER_BYTES = 20;

export interface SeenList {
  users: number;
  items: number;
  /** users + 1 entries; user u's rows are rows[offsets[u] .. offsets[u + 1]). */
  offsets: Uint32Array;
  /** Item rows, sorted ascending within each user. */
  rows: Uint32Array;
}

export const seenBytes = (users: number, nnz: number): number => SEEN_HEADER_BYTES + 4 * (users + 1) + 4 * nnz;

/** A user's seen item rows (sorted ascending), a view into the list. */
export function seenRowsOf(s: SeenList, user: number): Uint32Array {
  return s.rows.subarray(s.offsets[user]!, s.offsets[user + 1]!);
}

/** Whether `row` is in the sorted `rows` (binary search: O(log n), no allocation). */
export function hasRow(rows: Uint32Array, row: number): boolean {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = rows[mid]!;
    if (v === row) return true;
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Builds the list from (user row, item row) pairs of any order, with repeats: rows are sorted and deduplicated
 * per user. `userOf[k]`, `itemOf[k]` is the k-th interaction.
 */
export function buildSeenList(users: number, items: number, userOf: ArrayLike<number>, itemOf: ArrayLike<number>): SeenList {
  if (userOf.length !== itemOf.length) throw new RangeError(`${userOf.length} user rows but ${itemOf.length} item rows`);
  const counts = new Uint32Array(users + 1);
  for (let k = 0; k < userOf.length; k++) {
    const u = userOf[k]!;
    const i = itemOf[k]!;
    if (!(u >= 0 && u < users) || !(i >= 0 && i < items)) throw new RangeError(`interaction ${k}: user ${u} / item ${i} out of range`);
    counts[u + 1]!++;
  }
  for (let u = 0; u < users; u++) counts[u + 1]! += counts[u]!;
  const fill = counts.slice(0, users);
  const raw = new Uint32Array(userOf.length);
  for (let k = 0; k < userOf.length; k++) raw[fill[userOf[k]!]!++] = itemOf[k]!;
  const offsets = new Uint32Array(users + 1);
  const rows = new Uint32Array(userOf.length);
  let n = 0;
  for (let u = 0; u < users; u++) {
    const row = raw.subarray(counts[u]!, counts[u + 1]!).sort();
    for (let j = 0; j < row.length; j++) if (j === 0 || row[j] !== row[j - 1]) rows[n++] = row[j]!;
    offsets[u + 1] = n;
  }
  return { users, items, offsets, rows: rows.slice(0, n) };
}

export function encodeSeen(s: SeenList): Uint8Array {
  const nnz = s.offsets[s.users] ?? 0;
  const out = new Uint8Array(seenBytes(s.users, nnz));
  const view = new DataView(out.buffer);
  view.setUint32(0, SEEN_MAGIC, true);
  view.setUint16(4, SEEN_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, s.users, true);
  view.setUint32(12, s.items, true);
  view.setUint32(16, nnz, true);
  let at = SEEN_HEADER_BYTES;
  for (let u = 0; u <= s.users; u++, at += 4) view.setUint32(at, s.offsets[u]!, true);
  for (let k = 0; k < nnz; k++, at += 4) view.setUint32(at, s.rows[k]!, true);
  return out;
}

/** Reads a seen list, refusing anything inconsistent with ArtifactError("seen", …) naming the failed check. */
export function decodeSeen(bytes: Uint8Array, name = "seen.bin"): SeenList {
  const bad = (why: string) => new ArtifactError("seen", `${name}: ${why}`);
  if (bytes.byteLength < SEEN_HEADER_BYTES) throw bad(`${bytes.byteLength} bytes is shorter than the ${SEEN_HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== SEEN_MAGIC) throw bad("magic is not ERSN (not a seen list)");
  const version = view.getUint16(4, true);
  if (version !== SEEN_VERSION) throw bad(`format version ${version} is not supported (expected ${SEEN_VERSION})`);
  if (view.getUint16(6, true) !== 0) throw bad("reserved header bytes are not zero");
  const users = view.getUint32(8, true);
  const items = view.getUint32(12, true);
  const nnz = view.getUint32(16, true);
  const expected = seenBytes(users, nnz); // < 2^36: exact in a double
  if (bytes.byteLength !== expected) throw bad(`byte length ${bytes.byteLength}, but the header's ${users} users and ${nnz} entries need ${expected}`);
  const offsets = new Uint32Array(users + 1);
  let at = SEEN_HEADER_BYTES;
  for (let u = 0; u <= users; u++, at += 4) offsets[u] = view.getUint32(at, true);
  if (offsets[0] !== 0) throw bad(`offsets[0] is ${offsets[0]}, expected 0`);
  for (let u = 0; u < users; u++) {
    if (offsets[u + 1]! < offsets[u]!) throw bad(`offsets are not monotonic at user ${u} (${offsets[u]} then ${offsets[u + 1]})`);
    if (offsets[u + 1]! > nnz) throw bad(`offsets[${u + 1}] = ${offsets[u + 1]} is above nnz ${nnz}`);
  }
  if (offsets[users] !== nnz) throw bad(`offsets end at ${offsets[users]}, the header says nnz ${nnz}`);
  const rows = new Uint32Array(nnz);
  for (let k = 0; k < nnz; k++, at += 4) rows[k] = view.getUint32(at, true);
  for (let u = 0; u < users; u++) {
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) {
      if (rows[k]! >= items) throw bad(`user ${u} has item row ${rows[k]}, not below the item count ${items}`);
      if (k > offsets[u]! && rows[k]! <= rows[k - 1]!) throw bad(`user ${u}'s item rows are not strictly increasing at entry ${k}`);
    }
  }
  return { users, items, offsets, rows };
}

/** Checks that a decoded list fits the artifact it came with (users.json and items.json row counts). */
export function checkSeenFits(s: SeenList, users: number, items: number, name = "seen.bin"): SeenList {
  if (s.users !== users) throw new ArtifactError("seen", `${name}: ${s.users} users, but users.json lists ${users}`);
  if (s.items !== items) throw new ArtifactError("seen", `${name}: ${s.items} items, but items.json lists ${items}`);
  return s;
}
