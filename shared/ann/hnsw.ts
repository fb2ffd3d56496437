// The HNSW AnnIndex: hnswlib compiled to WebAssembly (wasm/hnsw.wasm), driven through its C API. Serialized bytes
// are hnswlib's own index format (x86-64 layout), readable and writable by native hnswlib / hnswlib-node.

import { checkDim, checkK, checkLabel, checkSpace, checkVector } from "./check.ts";
import { AnnError, type AnnErrorCode } from "./errors.ts";
import type { AnnHit, AnnIndex, AnnIndexOptions, AnnSpace } from "./types.ts";
import type { HnswWasm } from "./wasm/loader.ts";

export interface HnswOptions extends AnnIndexOptions {
  /** Maximum number of points (deleted points' slots are reused). Required: hnswlib preallocates. */
  capacity: number;
  /** Links per node (hnswlib M); default 16. */
  M?: number;
  /** Candidate list size while building; default 200. */
  efConstruction?: number;
  /** Candidate list size while searching (at least k is used); default 64. */
  ef?: number;
  /** Seed of the level generator; default 100 (hnswlib's). */
  seed?: number;
}

const CODES: Record<number, AnnErrorCode> = { [-1]: "ann_internal", [-2]: "ann_capacity", [-3]: "ann_unknown_label", [-4]: "ann_corrupt_index", [-5]: "ann_bad_params", [-6]: "ann_internal" };

function checkCount(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AnnError("ann_bad_params", `${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

export class HnswIndex implements AnnIndex {
  private handle: number;
  private queryPtr: number;
  private resultCap = 0;
  private labelsPtr = 0;
  private distPtr = 0;
  /** Checked copy of the vector being added or searched, reused across calls. */
  private readonly scratch: Float32Array;
  /** True while a filtered search runs: the filter must not re-enter this index (its buffers are in use). */
  private searching = false;

  private constructor(
    private readonly wasm: HnswWasm,
    readonly space: AnnSpace,
    readonly dim: number,
    handle: number,
  ) {
    this.handle = handle;
    this.queryPtr = wasm.malloc(dim * 4);
    this.scratch = new Float32Array(dim);
  }

  /** A new empty index in the given module instance. */
  static create(wasm: HnswWasm, opts: HnswOptions): HnswIndex {
    const space = checkSpace(opts.space);
    const dim = checkDim(opts.dim);
    const capacity = checkCount("capacity", opts.capacity, 1, 0x7fff_ffff);
    const M = checkCount("M", opts.M ?? 16, 2, 10_000);
    const efConstruction = checkCount("efConstruction", opts.efConstruction ?? 200, 1, 1_000_000);
    const seed = checkCount("seed", opts.seed ?? 100, 0, 0xffff_ffff);
    const handle = HnswIndex.withHandleSlot(wasm, (out) =>
      wasm.exports.hnsw_create(space === "l2" ? 1 : 0, dim, capacity, M, efConstruction, seed, out),
    );
    const index = new HnswIndex(wasm, space, dim, handle);
    index.ef = opts.ef ?? 64;
    return index;
  }

  /**
   * Reads hnswlib index bytes (as hnswlib's saveIndex / hnswlib-node's writeIndex write them). The space and
   * dimension are not in hnswlib's format, so the caller says them; a dimension mismatch is detected.
   */
  static deserialize(wasm: HnswWasm, bytes: Uint8Array, opts: { space: AnnSpace; dim: number; capacity?: number; ef?: number }): HnswIndex {
    const space = checkSpace(opts.space);
    const dim = checkDim(opts.dim);
    if (!(bytes instanceof Uint8Array)) throw new AnnError("ann_corrupt_index", "hnsw index bytes must be a Uint8Array");
    const minCapacity = checkCount("capacity", opts.capacity ?? 0, 0, 0x7fff_ffff);
    const ptr = wasm.malloc(bytes.length);
    try {
      wasm.u8.set(bytes, ptr);
      const handle = HnswIndex.withHandleSlot(wasm, (out) =>
        wasm.exports.hnsw_deserialize(space === "l2" ? 1 : 0, dim, ptr, bytes.length, minCapacity, out),
      );
      const index = new HnswIndex(wasm, space, dim, handle);
      index.ef = opts.ef ?? 64;
      return index;
    } finally {
      wasm.exports.free(ptr);
    }
  }

  get ef(): number {
    return this.wasm.exports.hnsw_get_ef(this.live());
  }

  set ef(ef: number) {
    checkCount("ef", ef, 1, 1_000_000);
    this.check(this.wasm.exports.hnsw_set_ef(this.live(), ef));
  }

  get M(): number {
    return this.wasm.exports.hnsw_get_m(this.live());
  }

  get efConstruction(): number {
    return this.wasm.exports.hnsw_get_ef_construction(this.live());
  }

  get capacity(): number {
    return this.wasm.exports.hnsw_capacity(this.live());
  }

  size(): number {
    return this.wasm.exports.hnsw_size(this.live());
  }

  add(vector: ArrayLike<number>, label: number): void {
    const handle = this.live();
    checkLabel(label);
    const v = checkVector(vector, this.dim, this.space, "vector", this.scratch);
    this.wasm.f32(this.queryPtr, this.dim).set(v);
    this.check(this.wasm.exports.hnsw_add(handle, this.queryPtr, label));
  }

  remove(label: number): void {
    const handle = this.live();
    checkLabel(label);
    this.check(this.wasm.exports.hnsw_mark_deleted(handle, label));
  }

  search(query: ArrayLike<number>, k: number, filter?: (label: number) => boolean): AnnHit[] {
    const handle = this.live();
    checkK(k);
    const q = checkVector(query, this.dim, this.space, "query", this.scratch);
    k = Math.min(k, Math.max(1, this.wasm.exports.hnsw_capacity(handle)));
    this.ensureResultSpace(k);
    const wasm = this.wasm;
    wasm.f32(this.queryPtr, this.dim).set(q);
    const run = () => wasm.exports.hnsw_search(handle, this.queryPtr, k, filter ? 1 : 0, this.labelsPtr, this.distPtr);
    let status: number;
    if (filter) {
      this.searching = true;
      try {
        status = wasm.withFilter(filter, run);
      } finally {
        this.searching = false;
      }
    } else {
      status = run();
    }
    const n = this.check(status);
    const labels = wasm.f64(this.labelsPtr, n);
    const dists = wasm.f32(this.distPtr, n);
    const hits: AnnHit[] = new Array(n);
    const l2 = this.space === "l2";
    // hnswlib distances: 1 − dot for ip/cosine, squared L2 for l2; AnnIndex scores are similarities.
    for (let i = 0; i < n; i++) hits[i] = { label: labels[i]!, score: l2 ? -dists[i]! : 1 - dists[i]! };
    return hits;
  }

  serialize(): Uint8Array {
    const handle = this.live();
    const len = this.wasm.exports.hnsw_serialized_size(handle);
    if (len === 0) throw new AnnError("ann_internal", `hnsw: ${this.wasm.lastError()}`);
    const ptr = this.wasm.malloc(len);
    try {
      this.check(this.wasm.exports.hnsw_serialize(handle, ptr, len));
      return this.wasm.u8.slice(ptr, ptr + len);
    } finally {
      this.wasm.exports.free(ptr);
    }
  }

  /**
   * The similarity of `query` to each point in `labels` (the scores search returns), by the module's SIMD distance:
   * an exact scan of a candidate set (a selective filter) without walking the graph. NaN for a label not in the index.
   */
  scoreLabels(query: ArrayLike<number>, labels: ArrayLike<number>, out = new Float32Array(labels.length)): Float32Array {
    const handle = this.live();
    const n = labels.length;
    if (out.length < n) throw new AnnError("ann_bad_params", `out holds ${out.length} scores; ${n} labels need ${n}`);
    const q = checkVector(query, this.dim, this.space, "query", this.scratch);
    this.ensureResultSpace(n);
    const wasm = this.wasm;
    wasm.f32(this.queryPtr, this.dim).set(q);
    new Uint32Array(wasm.exports.memory.buffer, this.labelsPtr, n).set(labels);
    this.check(wasm.exports.hnsw_distances(handle, this.queryPtr, this.labelsPtr, n, this.distPtr));
    const dists = wasm.f32(this.distPtr, n);
    const l2 = this.space === "l2";
    for (let i = 0; i < n; i++) out[i] = l2 ? -dists[i]! : 1 - dists[i]!;
    return out;
  }

  dispose(): void {
    if (this.handle === 0) return;
    this.live();
    this.wasm.exports.hnsw_destroy(this.handle);
    this.wasm.exports.free(this.queryPtr);
    if (this.resultCap > 0) {
      this.wasm.exports.free(this.labelsPtr);
      this.wasm.exports.free(this.distPtr);
    }
    this.handle = 0;
  }

  private live(): number {
    if (this.handle === 0) throw new AnnError("ann_disposed", "this HNSW index was disposed");
    if (this.searching) throw new AnnError("ann_bad_params", "a search filter must not use the index it filters");
    return this.handle;
  }

  private ensureResultSpace(k: number): void {
    if (k <= this.resultCap) return;
    if (this.resultCap > 0) {
      this.wasm.exports.free(this.labelsPtr);
      this.wasm.exports.free(this.distPtr);
      this.resultCap = 0;
    }
    this.labelsPtr = this.wasm.malloc(k * 8);
    this.distPtr = this.wasm.malloc(k * 4);
    this.resultCap = k;
  }

  /** Turns a negative status into the matching AnnError with the module's message. */
  private check(status: number): number {
    if (status >= 0) return status;
    throw new AnnError(CODES[status] ?? "ann_internal", `hnsw: ${this.wasm.lastError()}`);
  }

  private static withHandleSlot(wasm: HnswWasm, call: (out: number) => number): number {
    const out = wasm.malloc(4);
    try {
      const status = call(out);
      if (status < 0) throw new AnnError(CODES[status] ?? "ann_internal", `hnsw: ${wasm.lastError()}`);
      return wasm.u32At(out);
    } finally {
      wasm.exports.free(out);
    }
  }
}
