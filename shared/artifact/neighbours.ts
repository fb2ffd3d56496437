// The item–item neighbour list (`neighbours.bin`): the graph model's sparse term, each item's row of GF-CF's linear
// filter cut to its top k (trainer/models/graph/neighbours.ts), quantised. A versioned little-endian file
// (documented in edge/README.md, "neighbours.bin"):
//
//   offset  size             field
//   0       4                magic "ERNB"
//   4       2                u16 format version (1)
//   6       1                u8 column width in bytes: 2 (u16, only when items ≤ 65536) or 4 (u32)
//   7       1                u8 value width in bytes: 1 (u8) or 2 (u16)
//   8       4                u32 items   (rows and columns: rows of items.json, in that order)
//   12      4                u32 nnz     (entries)
//   16      4·(items+1)      u32 offsets: row i's entries are [offsets[i], offsets[i+1]); offsets[0] = 0,
//                            non-decreasing, offsets[items] = nnz
//   …       4·items          f32 row scales in [0, 2^64]: an entry's value is scale[row] × q
//   …       cw·nnz           column indices, strictly increasing within each row, each below items
//   …       vw·nnz           quantised values q
//
// The byte length is exactly 16 + 8·items + 4 + (cw + vw)·nnz. Every value is ≥ 0, which the edge's exact top-k
// relies on (edge/app/neighbour-scores.ts). The reader checks every field against the others and against the byte
// length before it trusts any (sizes in doubles: exact below 2^53, so no 32-bit wrap-around) and names the failed check.

import { ArtifactError } from "../errors.ts";

export const NEIGHBOURS_MAGIC = 0x424e5245; // "ERNB" read as a little-endian u32
export const NEIGHBOURS_VERSION = 1;
export const NEIGHBOURS_HEADER_BYTES = 16;
const MAX_SCALE = 2 ** 64;

export interface NeighbourList {
  items: number;
  /** items + 1 entries. */
  offsets: Uint32Array;
  columns: Uint16Array | Uint32Array;
  values: Uint8Array | Uint16Array;
  /** Per row: value = scales[row] × values[k]. */
  scales: Float32Array;
}

export type NeighbourValueWidth = 1 | 2;

export const neighboursBytes = (items: number, nnz: number, columnWidth: number, valueWidth: number): number =>
  NEIGHBOURS_HEADER_BYTES + 4 * (items + 1) + 4 * items + (columnWidth + valueWidth) * nnz;

/** Bytes the decoded list holds in memory. */
export const neighbourListBytes = (n: NeighbourList): number =>
  n.offsets.byteLength + n.columns.byteLength + n.values.byteLength + n.scales.byteLength;

/**
 * Quantises a float CSR (items × items, columns sorted within rows, values ≥ 0) to `valueWidth` bytes per entry with
 * a scale per row (the row's largest value maps to the top code). Entries that round to 0 are dropped, and so is the
 * diagonal when `dropDiagonal`: an item's own entry only ever scores an item the user already has.
 */
export function quantiseNeighbours(
  csr: { rows: number; indptr: Int32Array; indices: Int32Array; values: Float32Array },
  valueWidth: NeighbourValueWidth = 1,
  dropDiagonal = true,
): NeighbourList {
  const items = csr.rows;
  const top = valueWidth === 1 ? 255 : 65535;
  const offsets = new Uint32Array(items + 1);
  const scales = new Float32Array(items);
  const columns = items <= 65536 ? new Uint16Array(csr.indices.length) : new Uint32Array(csr.indices.length);
  const values = valueWidth === 1 ? new Uint8Array(csr.indices.length) : new Uint16Array(csr.indices.length);
  let n = 0;
  for (let i = 0; i < items; i++) {
    let max = 0;
    for (let p = csr.indptr[i]!; p < csr.indptr[i + 1]!; p++) {
      const v = csr.values[p]!;
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`neighbour value ${v} at row ${i} is not finite and ≥ 0`);
      if (!(dropDiagonal && csr.indices[p] === i)) max = Math.max(max, v);
    }
    const scale = max > 0 ? max / top : 0;
    scales[i] = scale;
    for (let p = csr.indptr[i]!; p < csr.indptr[i + 1]!; p++) {
      const j = csr.indices[p]!;
      if (dropDiagonal && j === i) continue;
      const q = scale > 0 ? Math.min(top, Math.round(csr.values[p]! / scales[i]!)) : 0;
      if (q === 0) continue;
      if (n > offsets[i]! && j <= columns[n - 1]!) throw new RangeError(`row ${i}: columns are not strictly increasing`);
      columns[n] = j;
      values[n++] = q;
    }
    offsets[i + 1] = n;
  }
  return { items, offsets, scales, columns: columns.slice(0, n), values: values.slice(0, n) };
}

export function encodeNeighbours(n: NeighbourList): Uint8Array {
  const nnz = n.offsets[n.items] ?? 0;
  const cw = n.columns.BYTES_PER_ELEMENT;
  const vw = n.values.BYTES_PER_ELEMENT;
  const out = new Uint8Array(neighboursBytes(n.items, nnz, cw, vw));
  const view = new DataView(out.buffer);
  view.setUint32(0, NEIGHBOURS_MAGIC, true);
  view.setUint16(4, NEIGHBOURS_VERSION, true);
  view.setUint8(6, cw);
  view.setUint8(7, vw);
  view.setUint32(8, n.items, true);
  view.setUint32(12, nnz, true);
  let at = NEIGHBOURS_HEADER_BYTES;
  for (let i = 0; i <= n.items; i++, at += 4) view.setUint32(at, n.offsets[i]!, true);
  for (let i = 0; i < n.items; i++, at += 4) view.setFloat32(at, n.scales[i]!, true);
  for (let k = 0; k < nnz; k++, at += cw) cw === 2 ? view.setUint16(at, n.columns[k]!, true) : view.setUint32(at, n.columns[k]!, true);
  for (let k = 0; k < nnz; k++, at += vw) vw === 1 ? view.setUint8(at, n.values[k]!) : view.setUint16(at, n.values[k]!, true);
  return out;
}

/** Reads a neighbour list, refusing anything inconsistent with ArtifactError("neighbours", …) naming the failed check. */
export function decodeNeighbours(bytes: Uint8Array, name = "neighbours.bin"): NeighbourList {
  const bad = (why: string) => new ArtifactError("neighbours", `${name}: ${why}`);
  if (bytes.byteLength < NEIGHBOURS_HEADER_BYTES) throw bad(`${bytes.byteLength} bytes is shorter than the ${NEIGHBOURS_HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== NEIGHBOURS_MAGIC) throw bad("magic is not ERNB (not a neighbour list)");
  const version = view.getUint16(4, true);
  if (version !== NEIGHBOURS_VERSION) throw bad(`format version ${version} is not supported (expected ${NEIGHBOURS_VERSION})`);
  const cw = view.getUint8(6);
  const vw = view.getUint8(7);
  if (cw !== 2 && cw !== 4) throw bad(`column width ${cw} is not 2 or 4`);
  if (vw !== 1 && vw !== 2) throw bad(`value width ${vw} is not 1 or 2`);
  const items = view.getUint32(8, true);
  const nnz = view.getUint32(12, true);
  if (cw === 2 && items > 65536) throw bad(`16-bit columns cannot name ${items} items`);
  const expected = neighboursBytes(items, nnz, cw, vw); // < 2^37: exact in a double
  if (bytes.byteLength !== expected) throw bad(`byte length ${bytes.byteLength}, but the header's ${items} items and ${nnz} entries need ${expected}`);
  const offsets = new Uint32Array(items + 1);
  let at = NEIGHBOURS_HEADER_BYTES;
  for (let i = 0; i <= items; i++, at += 4) offsets[i] = view.getUint32(at, true);
  if (offsets[0] !== 0) throw bad(`offsets[0] is ${offsets[0]}, expected 0`);
  for (let i = 0; i < items; i++) {
    if (offsets[i + 1]! < offsets[i]!) throw bad(`offsets are not monotonic at row ${i} (${offsets[i]} then ${offsets[i + 1]})`);
    if (offsets[i + 1]! > nnz) throw bad(`offsets[${i + 1}] = ${offsets[i + 1]} is above nnz ${nnz}`);
  }
  if (offsets[items] !== nnz) throw bad(`offsets end at ${offsets[items]}, the header says nnz ${nnz}`);
  const scales = new Float32Array(items);
  for (let i = 0; i < items; i++, at += 4) {
    const s = view.getFloat32(at, true);
    // Bounded so that any sum of entries stays finite in float32 (2^64 × 65535 × 2^32 rows < 3.4·10^38).
    if (!(s >= 0 && s <= MAX_SCALE)) throw bad(`row ${i}'s scale ${s} is not in [0, 2^64]`);
    scales[i] = s;
  }
  const columns = cw === 2 ? new Uint16Array(nnz) : new Uint32Array(nnz);
  for (let k = 0; k < nnz; k++, at += cw) columns[k] = cw === 2 ? view.getUint16(at, true) : view.getUint32(at, true);
  for (let i = 0; i < items; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      if (columns[k]! >= items) throw bad(`row ${i} has column ${columns[k]}, not below the item count ${items}`);
      if (k > offsets[i]! && columns[k]! <= columns[k - 1]!) throw bad(`row ${i}'s columns are not strictly increasing at entry ${k}`);
    }
  }
  const values = vw === 1 ? bytes.slice(at, at + nnz) : new Uint16Array(nnz);
  if (vw === 2) for (let k = 0; k < nnz; k++, at += 2) values[k] = view.getUint16(at, true);
  return { items, offsets, columns, values, scales };
}

/** Checks that a decoded list fits the artifact it came with (items.json's row count). */
export function checkNeighboursFit(n: NeighbourList, items: number, name = "neighbours.bin"): NeighbourList {
  if (n.items !== items) throw new ArtifactError("neighbours", `${name}: ${n.items} items, but items.json lists ${items}`);
  return n;
}
