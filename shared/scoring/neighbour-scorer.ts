// The graph model's served score with its sparse item–item term (neighbours.bin):
//     s_u(i) = w · x_u·y_i  +  (h + α)^-a · Σ_{j ∈ H_u} G_k[j, i]
// H_u is the user's history (distinct item rows, h of them), x_u·y_i the dense low-pass score, w the manifest's
// `model.params.denseWeight`, (α, a) the graph fold-in's offset and exponent (method "filter", or "projection" in older versions). It ranks as GF-CF's linear filter
// plus w × the ideal low-pass on the same normalisation (bench:graph's former offline row): multiplying by
// (h + α)^a gives Σ G rows + w · Σ_j P_j·y_i. One implementation, so `edgerec recommend` / `evaluate` and the edge
// score alike. Every G entry is ≥ 0, so the sparse part is ≥ 0 (the edge's exact top-k relies on it).

import type { FoldInParams, Manifest } from "../artifact/manifest.ts";
import { type NeighbourList, neighbourListBytes } from "../artifact/neighbours.ts";
import { ARTIFACT_FILES } from "../artifact/files.ts";
import { ArtifactError } from "../errors.ts";

export interface NeighbourTermParams {
  /** Weight w of the dense (low-pass) score. */
  denseWeight: number;
  /** The sparse sum's scale (h + offset)^-exponent, the graph fold-in's. */
  offset: number;
  exponent: number;
}

/** The term's parameters from a manifest (null when the model does not carry the term). */
export function neighbourTermParams(manifest: Manifest): NeighbourTermParams | null {
  const w = manifest.model.params.denseWeight;
  if (typeof w !== "number" || !Number.isFinite(w) || w < 0) return null;
  return { denseWeight: w, ...(graphNormalisation(manifest.model.foldIn) ?? { offset: 0, exponent: 0 }) };
}

/**
 * The term of a version that serves it: null when the manifest lists no neighbours.bin; its parameters when it does;
 * an ArtifactError when it lists the file without a dense weight (the edge and the widget refuse such a version).
 */
export function listedNeighbourTerm(manifest: Manifest): NeighbourTermParams | null {
  if (!manifest.files[ARTIFACT_FILES.neighbours]) return null;
  const term = neighbourTermParams(manifest);
  if (!term) throw new ArtifactError("neighbours", "neighbours.bin needs model.params.denseWeight (a number ≥ 0), which the manifest lacks");
  return term;
}

/** The user normalisation (Σw + offset)^-exponent of a graph fold-in ("filter" or the older "projection"); null for others. */
export function graphNormalisation(f: FoldInParams | null | undefined): { offset: number; exponent: number } | null {
  return f?.method === "filter" || f?.method === "projection" ? { offset: f.offset, exponent: f.exponent } : null;
}

export class NeighbourScorer {
  // Scratch reused by every call (one call runs at a time in an isolate or process; nothing awaits in between).
  private readonly acc: Float64Array;
  private readonly mark: Uint8Array;
  private support: Int32Array;
  private historyRows: Int32Array;

  constructor(
    readonly list: NeighbourList,
    readonly params: NeighbourTermParams,
  ) {
    this.acc = new Float64Array(list.items);
    this.mark = new Uint8Array(list.items);
    this.support = new Int32Array(64);
    this.historyRows = new Int32Array(64);
  }

  /** Memory held: the list and the scratch (the per-isolate model budget counts it). */
  get bytes(): number {
    return neighbourListBytes(this.list) + this.acc.byteLength + this.mark.byteLength + this.support.byteLength + this.historyRows.byteLength;
  }

  /** The distinct history rows the list knows, ascending (so every caller sums in the same order). */
  private distinct(history: ArrayLike<number>): Int32Array {
    const { mark } = this;
    if (this.historyRows.length < history.length) this.historyRows = new Int32Array(history.length);
    let h = 0;
    for (let n = 0; n < history.length; n++) {
      const r = history[n]!;
      if (r >= 0 && r < mark.length && mark[r] === 0) (mark[r] = 1, (this.historyRows[h++] = r));
    }
    const rows = this.historyRows.subarray(0, h).sort();
    for (let n = 0; n < h; n++) mark[rows[n]!] = 0;
    return rows;
  }

  /**
   * The sparse part for a history: rows with a non-zero sum (ascending) and their scaled sums. Views into scratch,
   * valid until the next call.
   */
  sparse(history: ArrayLike<number>): { rows: Int32Array; scores: Float32Array } {
    const { list, acc, mark } = this;
    const hist = this.distinct(history);
    const scale = hist.length + this.params.offset > 0 ? (hist.length + this.params.offset) ** -this.params.exponent : 0;
    let count = 0;
    for (let n = 0; n < hist.length; n++) {
      const j = hist[n]!;
      const s = list.scales[j]!;
      const end = list.offsets[j + 1]!;
      if (count + (end - list.offsets[j]!) > this.support.length) this.grow(count + end - list.offsets[j]!);
      for (let q = list.offsets[j]!; q < end; q++) {
        const i = list.columns[q]!;
        if (mark[i] === 0) (mark[i] = 1, (this.support[count++] = i));
        acc[i]! += s * list.values[q]!;
      }
    }
    const rows = this.support.subarray(0, count).sort();
    const scores = new Float32Array(count);
    for (let n = 0; n < count; n++) {
      const i = rows[n]!;
      scores[n] = acc[i]! * scale;
      acc[i] = 0;
      mark[i] = 0;
    }
    return { rows, scores };
  }

  /** Turns dense scores of every item (`out`, items long) into served scores in place. */
  scoreAllInto(history: ArrayLike<number>, out: Float32Array): void {
    const w = this.params.denseWeight;
    const { rows, scores } = this.sparse(history);
    for (let n = 0; n < rows.length; n++) if (rows[n]! < out.length) scores[n] = combine(w, out[rows[n]!]!, scores[n]!);
    for (let i = 0; i < out.length; i++) out[i] = combine(w, out[i]!, 0);
    for (let n = 0; n < rows.length; n++) if (rows[n]! < out.length) out[rows[n]!] = scores[n]!;
  }

  private grow(min: number): void {
    const next = new Int32Array(Math.max(min, this.support.length * 2));
    next.set(this.support);
    this.support = next;
  }
}

/** w·dense + sparse, in float32 as every caller stores it. */
export const combine = (w: number, dense: number, sparse: number): number => Math.fround(w * dense + sparse);
