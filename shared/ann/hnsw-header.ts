// What an hnswlib index file will cost in memory once loaded, read from its 96-byte header without loading it, with
// the same bounds as the wasm reader (wasm/hnsw_format.h): a file's max_elements is clamped to
// count + count/4 + 1024, and each slot costs its level-0 record plus a fixed overhead. Servers count a loaded index
// by this (not by file bytes) and refuse one that would not fit their memory budget before allocating anything.

import { AnnError } from "./errors.ts";

export const HNSW_HEADER_BYTES = 96;
/** Per-slot bookkeeping beside the level-0 record (link-list pointer, level, mutex, visited-list slot). */
export const HNSW_SLOT_OVERHEAD = 64;
export const HNSW_HEADROOM_MIN = 1024;

/** The capacity a file of `count` elements gets at most (the wasm reader's clamp). */
export const hnswCapacityBound = (count: number): number => count + Math.floor(count / 4) + HNSW_HEADROOM_MIN;

export interface HnswFileInfo {
  /** The file's max_elements (u64, may be absurd in a hostile file). */
  maxElements: bigint;
  count: number;
  M: number;
  /** Bytes of one level-0 record. */
  recordBytes: number;
  /** Capacity the reader will allocate (before any larger capacity a caller asks for). */
  capacity: number;
  /** Bytes the loaded index takes: capacity × (record + overhead) + the upper-level link lists. */
  residentBytes: number;
}

/** Reads the header fields that size the index; throws ann_corrupt_index when they are not even plausible. */
export function hnswFileInfo(bytes: Uint8Array): HnswFileInfo {
  if (bytes.byteLength < HNSW_HEADER_BYTES) {
    throw new AnnError("ann_corrupt_index", `hnsw index: ${bytes.byteLength} bytes is shorter than the ${HNSW_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxElements = view.getBigUint64(8, true);
  const count64 = view.getBigUint64(16, true);
  const record64 = view.getBigUint64(24, true);
  const M64 = view.getBigUint64(72, true);
  const body = BigInt(bytes.byteLength - HNSW_HEADER_BYTES);
  // The element records must lie inside the file: this bounds count by the byte length (in BigInt: no overflow).
  if (record64 === 0n || count64 * record64 > body || count64 > maxElements) {
    throw new AnnError("ann_corrupt_index", `hnsw index: ${count64} elements of ${record64} bytes do not fit in ${body} bytes (max_elements ${maxElements})`);
  }
  const count = Number(count64);
  const recordBytes = Number(record64);
  const bound = BigInt(hnswCapacityBound(count));
  const capacity = Number(maxElements < bound ? maxElements : bound);
  const links = bytes.byteLength - HNSW_HEADER_BYTES - count * recordBytes;
  return { maxElements, count, M: Number(M64 > 1_000_000n ? 1_000_000n : M64), recordBytes, capacity, residentBytes: capacity * (recordBytes + HNSW_SLOT_OVERHEAD) + links };
}
