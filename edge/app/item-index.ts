// Nearest items to a query vector. `ExactItemIndex` scans the whole item matrix (the oracle); `AnnItemIndex`
// wraps an AnnIndex (HNSW in wasm) and over-fetches when filters drop hits, so `k` is still met. Both follow live
// catalogue changes (item PUT / DELETE): `setItems` after the item matrix grew, `upsert` / `remove` for one row.

import type { AnnIndex } from "../../shared/ann/types.ts";
import { type TopK, scoreAll, topK } from "../../shared/scoring/topk.ts";

export interface ItemIndex {
  readonly kind: "exact" | "hnsw";
  /** The k best rows for `query`, best first; rows where `skip(row)` is true never appear. */
  search(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK;
  /** The same by an exact scan of every row (cheaper than a graph walk when `skip` drops a large share). */
  searchExact(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK;
  /** Exact scores of `rows` into `out` (the scan of a selective filter); SIMD in wasm where the index has it. */
  scoreRows(query: Float32Array, rows: Int32Array, out: Float32Array): void;
  readonly bytes: number;
  /** The item matrix changed (a live item PUT): later scans read `items`, `rows` rows of it. */
  setItems(items: Float32Array, rows: number): void;
  /** Puts `row`'s vector into the search structure (HNSW add or replace); AnnError `ann_capacity` when full. */
  upsert(row: number, vector: Float32Array): void;
  /** Takes `row` out of the search structure (HNSW mark-deleted); the exact index leaves that to the filter. */
  remove(row: number): void;
  /** New rows the index can still take (Infinity for the exact scan). */
  room(): number;
}

/** out[i] = <items[rows[i]], query>: the plain JavaScript scan. */
export function scoreRowsJs(items: Float32Array, dim: number, query: Float32Array, rows: Int32Array, out: Float32Array): void {
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i]! * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += items[o + d]! * query[d]!;
    out[i] = s;
  }
}

export class ExactItemIndex implements ItemIndex {
  readonly kind = "exact";
  // One score buffer per index, reused by every request (requests in an isolate run one at a time between awaits).
  private scores: Float32Array;

  constructor(
    private items: Float32Array,
    private readonly dim: number,
    rows: number,
  ) {
    this.scores = new Float32Array(rows);
  }

  setItems(items: Float32Array, rows: number): void {
    this.items = items;
    // scoreAll scores `scores.length` rows: the buffer is exactly the catalogue.
    if (this.scores.length !== rows) this.scores = new Float32Array(rows);
  }

  upsert(): void {}

  remove(): void {}

  room(): number {
    return Number.POSITIVE_INFINITY;
  }

  get bytes(): number {
    return this.scores.byteLength;
  }

  search(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK {
    scoreAll(this.items, this.dim, query, this.scores);
    return topK(this.scores, k, skip);
  }

  searchExact(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK {
    return this.search(query, k, skip);
  }

  scoreRows(query: Float32Array, rows: Int32Array, out: Float32Array): void {
    scoreRowsJs(this.items, this.dim, query, rows, out);
  }
}

export class AnnItemIndex implements ItemIndex {
  readonly kind = "hnsw";
  private exact: ExactItemIndex | null = null;

  constructor(
    private readonly ann: AnnIndex,
    private readonly indexBytes: number,
    private items: Float32Array,
    private readonly dim: number,
    private rows: number,
  ) {}

  setItems(items: Float32Array, rows: number): void {
    this.items = items;
    this.rows = rows;
    this.exact?.setItems(items, rows);
  }

  upsert(row: number, vector: Float32Array): void {
    this.ann.add(vector, row);
  }

  remove(row: number): void {
    this.ann.remove(row);
  }

  room(): number {
    // Deleted points' slots are reused by later adds, so the room is capacity minus live points.
    const capacity = (this.ann as { capacity?: unknown }).capacity;
    return typeof capacity === "number" ? Math.max(0, capacity - this.ann.size()) : Number.POSITIVE_INFINITY;
  }

  /** The index's resident size plus the score buffer of the exact fallback (allocated on first use). */
  get bytes(): number {
    return this.indexBytes + this.rows * 4;
  }

  search(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK {
    const hits = this.ann.search(query, k, skip ? (label) => !skip(label) : undefined);
    // A filter that drops most of the graph can leave the walk short of k: finish with an exact scan (rare).
    if (skip && hits.length < k && hits.length < this.rows) return this.searchExact(query, k, skip);
    const rows = new Int32Array(hits.length);
    const scores = new Float32Array(hits.length);
    for (let i = 0; i < hits.length; i++) {
      rows[i] = hits[i]!.label;
      scores[i] = hits[i]!.score;
    }
    return { rows, scores };
  }

  searchExact(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK {
    this.exact ??= new ExactItemIndex(this.items, this.dim, this.rows);
    return this.exact.search(query, k, skip);
  }

  scoreRows(query: Float32Array, rows: Int32Array, out: Float32Array): void {
    // The index holds every item vector in wasm memory and scores them with SIMD: about 4× the JavaScript loop.
    if (this.ann.scoreLabels && this.ann.space === "ip") this.ann.scoreLabels(query, rows, out);
    else scoreRowsJs(this.items, this.dim, query, rows, out);
  }
}
