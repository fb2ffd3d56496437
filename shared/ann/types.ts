// The approximate-nearest-neighbour interface. `exact` (brute force) is the oracle; `hnsw` (WebAssembly) is the fast one.
// Labels are item rows (non-negative integers). Scores are similarities: higher is better for every space.

export type AnnSpace = "ip" | "l2" | "cosine";

export interface AnnHit {
  label: number;
  /** Similarity: the inner product for `ip` and `cosine`, the negated squared distance for `l2`. */
  score: number;
}

export interface AnnIndex {
  readonly space: AnnSpace;
  readonly dim: number;
  /** Number of points (deleted ones excluded). */
  size(): number;
  add(vector: ArrayLike<number>, label: number): void;
  /** Marks a label as deleted: it is never returned again. */
  remove(label: number): void;
  /** The k most similar points, best first; `filter(label)` false drops a point. */
  search(query: ArrayLike<number>, k: number, filter?: (label: number) => boolean): AnnHit[];
  /** Exact similarity of `query` to each of `labels` (NaN for an unknown label), where the implementation has it. */
  scoreLabels?(query: ArrayLike<number>, labels: ArrayLike<number>, out?: Float32Array): Float32Array;
  /** Bytes that `deserialize` of the same implementation reads back. */
  serialize(): Uint8Array;
  /** Frees native memory (no-op for the exact index). */
  dispose(): void;
}

/** How an index is created. `capacity` bounds the number of points; adding more raises `AnnError("ann_capacity")`. */
export interface AnnIndexOptions {
  space: AnnSpace;
  dim: number;
  capacity?: number;
}
