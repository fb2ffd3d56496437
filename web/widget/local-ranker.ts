// Ranks the whole catalogue on the device: the visitor's events → fold-in (shared/scoring/foldin.ts: ALS, the graph
// filter, …) → exact scores of every item (item-scorer.ts: wasm SIMD, or the shared scoreAll) → with a graph model's
// item–item term, the served scores (shared/scoring/neighbour-scorer.ts, the call `evaluate` and the edge make) →
// top-k without the items already seen (topK), each with a reason
// ("because you viewed X": the seen item most similar to it). Buffers are allocated once, so a re-rank after a
// click allocates only its result.
//
// Event weights (the r of c = 1 + α·r in the fold-in): view 1, click 2, conversion 4; repeated events on an item add up.

import { ARTIFACT_FILES, foldInFileOf } from "../../shared/artifact/files.ts";
import type { FoldInParams, ItemRecord } from "../../shared/artifact/manifest.ts";
import type { EmbeddingMatrix } from "../../shared/artifact/pack.ts";
import { createFoldIn, type UserFolder } from "../../shared/scoring/foldin.ts";
import type { NeighbourScorer } from "../../shared/scoring/neighbour-scorer.ts";
import { scoreAll, topK } from "../../shared/scoring/topk.ts";
import type { EventType } from "./edge-client.ts";
import { type ItemScorer, createItemScorer } from "../../shared/scoring/item-scorer.ts";
import { type RankingOptions, poolSize, reranks } from "../../shared/ranking/options.ts";
import { rerank } from "../../shared/ranking/rerank.ts";

export const EVENT_WEIGHTS: Record<EventType, number> = { view: 1, click: 2, conversion: 4 };
/** Only the most recent distinct items fold in: tastes drift, and it bounds the O(n·d²) fold-in. */
export const MAX_HISTORY_ITEMS = 50;

export interface HistoryEvent {
  itemId: string;
  type: EventType;
}

export type Reason = { kind: "because"; itemId: string; title: string; type: EventType } | { kind: "popular" };

export interface RankedItem {
  row: number;
  item: ItemRecord;
  score: number;
  reason: Reason;
}

export interface Ranking {
  items: RankedItem[];
  /** True when at least one event of the visitor matched the catalogue. */
  personalised: boolean;
}

export class LocalRanker {
  private readonly foldIn: UserFolder;
  private readonly rowById = new Map<string, number>();
  private readonly scorer: ItemScorer;
  private readonly seen: Uint8Array;
  private readonly dim: number;
  private readonly popular: string[] | null;
  private coldOrder: Int32Array | null = null;

  /** `vectors` is copied into the scorer; the caller may drop its copy and read `itemVectors` instead. */
  constructor(
    readonly items: ItemRecord[],
    vectors: EmbeddingMatrix,
    gram: EmbeddingMatrix | null,
    params: FoldInParams,
    popular: string[] | null = null,
    scorer: "wasm-simd" | "js" = "wasm-simd",
    /** The fold-in method's own file (item-scales.bin, or projection.bin of older graph versions). */
    foldInData: EmbeddingMatrix | null = null,
    /** The graph model's item–item term (neighbours.bin), added to the dense scores of a visitor with history. */
    private readonly neighbours: NeighbourScorer | null = null,
  ) {
    items.forEach((item, row) => this.rowById.set(item.id, row));
    this.dim = vectors.dim;
    this.scorer = createItemScorer(vectors.data, vectors.rows, vectors.dim, scorer);
    const foldIn = createFoldIn(params, vectors.dim, this.scorer.items, gram?.data ?? null, foldInData?.data ?? null);
    const needs = foldInFileOf(params) ?? ARTIFACT_FILES.gram;
    if (!foldIn) throw new Error(`fold-in '${params.method}' needs ${needs}, which this version lacks`);
    this.foldIn = foldIn;
    this.seen = new Uint8Array(vectors.rows);
    this.popular = popular;
  }

  get itemVectors(): Float32Array {
    return this.scorer.items;
  }

  get scorerKind(): ItemScorer["kind"] {
    return this.scorer.kind;
  }

  get size(): number {
    return this.items.length;
  }

  rowOf(itemId: string): number | undefined {
    return this.rowById.get(itemId);
  }

  /**
   * The `count` best items for a visitor with these events (oldest first). Every item in the history is left out,
   * not only the newest MAX_HISTORY_ITEMS that fold in. Re-ranked by `options` (shared/ranking) over a pool of
   * candidates, with `shown` (item ids, newest first) for rotation.
   */
  rank(history: readonly HistoryEvent[], count: number, options: RankingOptions = {}, shown: readonly string[] = []): Ranking {
    const { rows, weights, types } = this.aggregate(history);
    const seen = this.seen;
    const marked: number[] = [];
    for (const e of history) {
      const r = this.rowById.get(e.itemId);
      if (r !== undefined && seen[r] === 0) (seen[r] = 1, marked.push(r));
    }
    try {
      if (rows.length === 0) return { items: this.coldStart(count), personalised: false };
      if (this.neighbours) massPerItem(weights);
      this.foldIn.user(rows, weights, this.scorer.user);
      this.scorer.score();
      // The sparse term sums over the rows that fold in (the newest MAX_HISTORY_ITEMS distinct items), as the edge sums
      // over the recent items it folds in; the served score is then w·dense + sparse, before exclusions and re-ranking.
      this.neighbours?.scoreAllInto(rows, this.scorer.scores);
      const active = reranks(options);
      let top = topK(this.scorer.scores, active ? poolSize(options, count) : count, (row) => seen[row] === 1);
      if (active) top = this.rerankPool(top.rows, top.scores, count, options, shown);
      const items: RankedItem[] = [];
      for (let k = 0; k < top.rows.length; k++) {
        const row = top.rows[k]!;
        items.push({ row, item: this.items[row]!, score: top.scores[k]!, reason: this.reasonFor(row, rows, types) });
      }
      return { items, personalised: true };
    } finally {
      for (const r of marked) seen[r] = 0;
    }
  }

  /** Re-ranks a candidate pool (rows best first) with the shared ranking stage. */
  rerankPool(rows: Int32Array, scores: Float32Array, count: number, options: RankingOptions, shown: readonly string[] = []): { rows: Int32Array; scores: Float32Array } {
    const shownRows: number[] = [];
    for (const id of shown) {
      const r = this.rowById.get(id);
      if (r !== undefined) shownRows.push(r);
    }
    const scorer = this.scorer;
    // MMR's similarity updates run on the scoring kernel (wasm SIMD): score every item against the pick, gather.
    const dots = (v: Float32Array, rs: Int32Array, out: Float32Array) => {
      scorer.user.set(v);
      scorer.score();
      for (let k = 0; k < rs.length; k++) out[k] = scorer.scores[rs[k]!]!;
    };
    // The kernel scores the whole catalogue per pick: that pays only with SIMD and for a pool that is a good share
    // of the catalogue; otherwise MMR's lazy updates in JS touch fewer items.
    const fast = scorer.kind === "wasm-simd" && rows.length * 4 >= this.items.length ? { dots, invNorms: this.inverseNorms() } : {};
    return rerank({ vectors: scorer.items, dim: this.dim, items: this.items, ...fast }, rows, scores, count, options, shownRows);
  }

  private invNorms: Float32Array | null = null;

  /** 1 / ‖item‖ per row, computed once per model (MMR's cosine). */
  private inverseNorms(): Float32Array {
    if (this.invNorms) return this.invNorms;
    const { dim } = this;
    const data = this.scorer.items;
    const out = new Float32Array(this.items.length);
    for (let r = 0; r < out.length; r++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += data[r * dim + d]! * data[r * dim + d]!;
      out[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
    }
    return (this.invNorms = out);
  }

  /** Distinct rows of the most recent items with summed weights; the latest event type of each for the reason. */
  private aggregate(history: readonly HistoryEvent[]): { rows: number[]; weights: number[]; types: EventType[] } {
    const index = new Map<number, number>();
    const rows: number[] = [];
    const weights: number[] = [];
    const types: EventType[] = [];
    for (let k = history.length - 1; k >= 0; k--) {
      const e = history[k]!;
      const row = this.rowById.get(e.itemId);
      if (row === undefined) continue; // an item no longer in the catalogue
      const at = index.get(row);
      if (at !== undefined) {
        weights[at]! += EVENT_WEIGHTS[e.type];
        continue;
      }
      if (rows.length === MAX_HISTORY_ITEMS) continue;
      index.set(row, rows.length);
      rows.push(row);
      weights.push(EVENT_WEIGHTS[e.type]);
      types.push(e.type);
    }
    return { rows, weights, types };
  }

  /** The seen item whose vector points most nearly the same way (cosine) as the recommended one. */
  private reasonFor(row: number, seenRows: number[], types: EventType[]): Reason {
    const { dim } = this;
    const data = this.scorer.items;
    let best = -1;
    let bestCos = -Infinity;
    for (let k = 0; k < seenRows.length; k++) {
      const s = seenRows[k]!;
      let dot = 0;
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        const v = data[s * dim + d]!;
        dot += data[row * dim + d]! * v;
        norm += v * v;
      }
      const cos = norm > 0 ? dot / Math.sqrt(norm) : -Infinity;
      if (cos > bestCos) {
        bestCos = cos;
        best = k;
      }
    }
    if (best < 0) return { kind: "popular" };
    const item = this.items[seenRows[best]!]!;
    return { kind: "because", itemId: item.id, title: item.title ?? item.id, type: types[best]! };
  }

  private coldStart(count: number): RankedItem[] {
    const order = (this.coldOrder ??= this.coldStartOrder(this.popular));
    const out: RankedItem[] = [];
    for (let k = 0; k < order.length && out.length < count; k++) {
      const row = order[k]!;
      out.push({ row, item: this.items[row]!, score: 0, reason: { kind: "popular" } });
    }
    return out;
  }

  /**
   * Order for a visitor with no events: `popular.json` when the artifact has it, then the rest by their score
   * against the mean item vector (in implicit MF, popular items have long vectors along the common direction).
   */
  private coldStartOrder(popular: string[] | null): Int32Array {
    const { dim } = this;
    const data = this.scorer.items;
    const rows = this.items.length;
    const mean = new Float32Array(dim);
    for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) mean[d]! += data[r * dim + d]!;
    const picked = new Uint8Array(rows);
    const order: number[] = [];
    for (const id of popular ?? []) {
      const row = this.rowById.get(id);
      if (row !== undefined && !picked[row]) {
        picked[row] = 1;
        order.push(row);
      }
    }
    const rest = topK(scoreAll(data, dim, mean, new Float32Array(rows)), Math.min(rows, 200), (row) => picked[row] === 1);
    return Int32Array.from([...order, ...rest.rows]);
  }
}

/**
 * Rescales event weights to sum to the number of items (in place), keeping their ratios. With a graph model's
 * item–item term the dense part's scale counts: the fold-in normalises by (Σw + α)^-a, the sparse term by
 * (h + α)^-a over the h distinct items, and the edge folds a visitor's recent items with weight 1 each (Σw = h). Without
 * this a visitor who only clicked (weight 2 each) would get a smaller dense part than the edge gives them. For the
 * dense part alone the rescale changes no ranking (the graph fold-in is linear in the weights up to a positive scale).
 */
function massPerItem(weights: number[]): void {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) return;
  const k = weights.length / total;
  for (let n = 0; n < weights.length; n++) weights[n]! *= k;
}
