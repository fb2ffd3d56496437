// Nearest items to a query vector. `ExactItemIndex` scans the whole item matrix (the oracle); `AnnItemIndex`
// wraps an AnnIndex (HNSW in wasm) and over-fetches when filters drop hits, so `k` is still met.

import type { AnnIndex } from "../../shared/ann/types.ts";
import { type TopK, scoreAll, topK } from "../../shared/scoring/topk.ts";

export interface ItemIndex {
  readonly kind: "exact" | "hnsw";
  /** The k best rows for `query`, best first; rows where `skip(row)` is true never appear. */
  search(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK;
  readonly bytes: number;
}

export class ExactItemIndex implements ItemIndex {
  readonly kind = "exact";
  // One score buffer per index, reused by every request (requests in an isolate run one at a time between awaits).
  private readonly scores: Float32Array;

  constructor(
    private readonly items: Float32Array,
    private readonly dim: number,
    rows: number,
  ) {
    this.scores = new Float32Array(rows);
  }

  get bytes(): number {
    return this.scores.byteLength;
  }

  search(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK {
    scoreAll(this.items, this.dim, query, this.scores);
    return topK(this.scores, k, skip);
  }
}

export class AnnItemIndex implements ItemIndex {
  readonly kind = "hnsw";

  constructor(
    private readonly ann: AnnIndex,
    readonly bytes: number,
  ) {}

  search(query: Float32Array, k: number, skip?: (row: number) => boolean): TopK {
    const hits = this.ann.search(query, k, skip ? (label) => !skip(label) : undefined);
    const rows = new Int32Array(hits.length);
    const scores = new Float32Array(hits.length);
    for (let i = 0; i < hits.length; i++) {
      rows[i] = hits[i]!.label;
      scores[i] = hits[i]!.score;
    }
    return { rows, scores };
  }
}
