// The exact (brute-force) AnnIndex: scores every point. The oracle for HNSW, and fine for small catalogs.
// Serialized form: magic "ERAX", u16 version, u8 space, u8 reserved, u32 dim, u32 count, u32 labels[count],
// f32 vectors[count × dim] (little-endian; deleted points are not written).

import { topK } from "../scoring/topk.ts";
import { checkDim, checkK, checkLabel, checkSpace, checkVector, ANN_SPACES } from "./check.ts";
import { AnnError } from "./errors.ts";
import type { AnnHit, AnnIndex, AnnIndexOptions, AnnSpace } from "./types.ts";

const MAGIC = 0x58415245; // "ERAX" read as little-endian u32
const VERSION = 1;
const HEADER_BYTES = 16;

export class ExactIndex implements AnnIndex {
  readonly space: AnnSpace;
  readonly dim: number;
  readonly capacity: number;
  private vectors: Float32Array;
  private labels: Uint32Array;
  /** Number of occupied slots; slot order is insertion order. */
  private count = 0;
  private readonly slotOf = new Map<number, number>();
  private scratch = new Float32Array(0);

  constructor(opts: AnnIndexOptions) {
    this.space = checkSpace(opts.space);
    this.dim = checkDim(opts.dim);
    const capacity = opts.capacity ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new AnnError("ann_bad_params", `capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    const initial = Math.min(capacity, 1024);
    this.vectors = new Float32Array(initial * this.dim);
    this.labels = new Uint32Array(initial);
  }

  size(): number {
    return this.slotOf.size;
  }

  add(vector: ArrayLike<number>, label: number): void {
    checkLabel(label);
    const v = checkVector(vector, this.dim, this.space);
    const existing = this.slotOf.get(label);
    if (existing !== undefined) {
      this.vectors.set(v, existing * this.dim); // same label: replace the vector (as hnswlib does)
      return;
    }
    if (this.slotOf.size >= this.capacity) {
      throw new AnnError("ann_capacity", `index is full: capacity ${this.capacity} points`);
    }
    if (this.count === this.labels.length) this.compactOrGrow();
    const slot = this.count++;
    this.vectors.set(v, slot * this.dim);
    this.labels[slot] = label;
    this.slotOf.set(label, slot);
  }

  remove(label: number): void {
    checkLabel(label);
    const slot = this.slotOf.get(label);
    if (slot === undefined) throw new AnnError("ann_unknown_label", `label ${label} is not in the index`);
    // Move the last slot into the hole so slots stay dense.
    const last = --this.count;
    if (slot !== last) {
      this.vectors.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      const moved = this.labels[last]!;
      this.labels[slot] = moved;
      this.slotOf.set(moved, slot);
    }
    this.slotOf.delete(label);
  }

  search(query: ArrayLike<number>, k: number, filter?: (label: number) => boolean): AnnHit[] {
    checkK(k);
    const q = checkVector(query, this.dim, this.space, "query");
    const n = this.count;
    if (this.scratch.length < n) this.scratch = new Float32Array(Math.max(n, this.scratch.length * 2));
    const scores = this.scratch.subarray(0, n);
    const dim = this.dim;
    const vs = this.vectors;
    if (this.space === "l2") {
      for (let j = 0, o = 0; j < n; j++, o += dim) {
        let s = 0;
        for (let d = 0; d < dim; d++) {
          const t = vs[o + d]! - q[d]!;
          s += t * t;
        }
        scores[j] = -s;
      }
    } else {
      for (let j = 0, o = 0; j < n; j++, o += dim) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += vs[o + d]! * q[d]!;
        scores[j] = s;
      }
    }
    const labels = this.labels;
    const top = topK(scores, k, filter ? (slot) => !filter(labels[slot]!) : undefined);
    const hits: AnnHit[] = new Array(top.rows.length);
    for (let i = 0; i < top.rows.length; i++) hits[i] = { label: labels[top.rows[i]!]!, score: top.scores[i]! };
    return hits;
  }

  serialize(): Uint8Array {
    const n = this.count;
    const bytes = new Uint8Array(HEADER_BYTES + n * 4 + n * this.dim * 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint16(4, VERSION, true);
    view.setUint8(6, ANN_SPACES.indexOf(this.space));
    view.setUint32(8, this.dim, true);
    view.setUint32(12, n, true);
    for (let i = 0; i < n; i++) view.setUint32(HEADER_BYTES + i * 4, this.labels[i]!, true);
    const base = HEADER_BYTES + n * 4;
    for (let i = 0; i < n * this.dim; i++) view.setFloat32(base + i * 4, this.vectors[i]!, true);
    return bytes;
  }

  /** Reads what `serialize` wrote; refuses truncated or inconsistent bytes with `ann_corrupt_index`. */
  static deserialize(bytes: Uint8Array, opts: { capacity?: number } = {}): ExactIndex {
    const bad = (why: string) => new AnnError("ann_corrupt_index", `exact index bytes: ${why}`);
    if (!(bytes instanceof Uint8Array)) throw bad("expected a Uint8Array");
    if (bytes.byteLength < HEADER_BYTES) throw bad(`${bytes.byteLength} bytes is shorter than the ${HEADER_BYTES}-byte header`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw bad("magic is not 'ERAX'");
    const version = view.getUint16(4, true);
    if (version !== VERSION) throw bad(`format version ${version}; this reader knows ${VERSION}`);
    const space = ANN_SPACES[view.getUint8(6)];
    if (space === undefined) throw bad(`space code ${view.getUint8(6)} is unknown`);
    const dim = view.getUint32(8, true);
    const n = view.getUint32(12, true);
    if (dim < 1 || dim > 65_536) throw bad(`dimension ${dim} is out of range`);
    const expected = HEADER_BYTES + n * 4 + n * dim * 4;
    if (bytes.byteLength !== expected) throw bad(`${bytes.byteLength} bytes; header says ${n} × ${dim} needs ${expected}`);
    const capacity = opts.capacity;
    if (capacity !== undefined && capacity < n) {
      throw new AnnError("ann_capacity", `index holds ${n} points, more than capacity ${capacity}`);
    }
    const index = new ExactIndex({ space, dim, capacity: capacity ?? Number.MAX_SAFE_INTEGER });
    // Vectors are copied as stored (cosine ones were normalised when added), so a round trip is byte-identical.
    index.vectors = new Float32Array(Math.max(n, 1) * dim);
    index.labels = new Uint32Array(Math.max(n, 1));
    const base = HEADER_BYTES + n * 4;
    for (let i = 0; i < n * dim; i++) {
      const x = view.getFloat32(base + i * 4, true);
      if (!Number.isFinite(x)) throw bad(`point ${Math.floor(i / dim)} has a non-finite component`);
      index.vectors[i] = x;
    }
    for (let i = 0; i < n; i++) {
      const label = view.getUint32(HEADER_BYTES + i * 4, true);
      if (index.slotOf.has(label)) throw bad(`label ${label} appears twice`);
      index.labels[i] = label;
      index.slotOf.set(label, i);
    }
    index.count = n;
    return index;
  }

  dispose(): void {}

  private compactOrGrow(): void {
    const cap = Math.min(this.capacity, Math.max(16, this.labels.length * 2));
    const vectors = new Float32Array(cap * this.dim);
    vectors.set(this.vectors.subarray(0, this.count * this.dim));
    const labels = new Uint32Array(cap);
    labels.set(this.labels.subarray(0, this.count));
    this.vectors = vectors;
    this.labels = labels;
  }
}
