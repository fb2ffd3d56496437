// `--model graph`: a closed-form spectral graph filter on the user–item graph (after SVD-GCN, Peng et al. CIKM 2022,
// and the ideal low-pass of GF-CF, Shen et al. CIKM 2021). No gradient training: one truncated SVD of the
// degree-normalised interaction matrix
//     R̃ = (D_u + α)^-a · R · (D_i + α)^-b  =  U Σ Vᵀ   (rank K)
// and a filter h(σ) = (σ/σ₁)^p · exp(β σ/σ₁) on its singular values — times a shoulder weight γ on the `tailRank`
// directions after the first K (a two-step low-pass: full weight on the K leading directions, γ on the next ones,
// nothing after; served dimension K + tailRank). Serving is a dot product:
//     item        y_i = (d_i + α)^c · V_i
//     projection  P_i = (d_i + α)^-b · V_i · diag(h)  =  s_i · (y_i ⊙ h),   s_i = (d_i + α)^-(b+c)
//     user        x_u = (d_u + α)^-a · Σ_i r_ui P_i         (closed-form fold-in: one sparse product)
// so score(u, i) = x_u · y_i = (r̃_u V diag(h) Vᵀ)_i scaled by the item's degree^c+b. With p = −1 this is SVD-GCN's
// U diag(h·σ) Vᵀ; with p = 0, β = 0, c = b = ½ it is GF-CF's ideal low-pass. P is never stored: the artifact carries
// s (item-scales.bin, one float per item) and h (the manifest's `filter`), and the fold-in derives P_i from the served
// y_i. Trained user vectors are computed by that same fold-in (shared FilterFoldIn) over the float32 item vectors
// exported, so a client folding a known user in reproduces them.

import type { Csr } from "../../../shared/data/csr.ts";
import type { TrainHooks, TrainedModel } from "../types.ts";
import { randomizedSvd, type TruncatedSvd } from "./randomized-svd.ts";
import { itemNeighbours, type TermShape } from "./neighbours.ts";
import { type NeighbourValueWidth, quantiseNeighbours } from "../../../shared/artifact/neighbours.ts";
import { FilterFoldIn } from "../../../shared/scoring/foldin.ts";

export interface GraphParams {
  /** Singular vectors kept at full weight. */
  rank: number;
  /** Further singular vectors kept at weight `tailWeight` (the served dimension is rank + tailRank). */
  tailRank: number;
  tailWeight: number;
  /** Added to every degree before normalising (SVD-GCN's α): damps the weight of very rare nodes. */
  degreeOffset: number;
  /** Exponents a (users) and b (items) of the normalisation. */
  userExponent: number;
  itemExponent: number;
  /** Filter h(σ) = (σ/σ₁)^power · exp(beta·σ/σ₁). */
  beta: number;
  power: number;
  /** Exponent c of (d_i + α) on the served item vectors (popularity re-weighting). */
  itemScale: number;
  /** Randomized SVD: extra columns and subspace iterations. */
  oversample: number;
  iterations: number;
  seed: number;
  /**
   * GF-CF's linear filter as a sparse item–item term (neighbours.ts, served from neighbours.bin): each item's top
   * `neighbours` entries; 0 = none. The dense score is weighted by `denseWeight` against it (NeighbourScorer).
   */
  neighbours: number;
  denseWeight: number;
  /** Bytes per stored neighbour value: 1 (u8) or 2 (u16), with a scale per row. */
  neighbourValueBytes: number;
  /** The term's shape (neighbours.ts TermShape): G = D_i^-½ Rᵀ D_u^-termUserExponent R D_i^-termItemExponent. */
  termUserExponent: number;
  termItemExponent: number;
}

export const GRAPH_DEFAULTS: GraphParams = {
  rank: 64,
  tailRank: 0,
  tailWeight: 0.3,
  degreeOffset: 1,
  userExponent: 0.5,
  itemExponent: 0.5,
  beta: 0,
  power: 0,
  itemScale: 0.5,
  oversample: 32,
  iterations: 4,
  seed: 42,
  neighbours: 0,
  denseWeight: 0.5,
  neighbourValueBytes: 1,
  termUserExponent: 1,
  termItemExponent: 0.5,
};

/** Row sums of a CSR (weighted degrees). */
export function degrees(m: Csr): Float64Array {
  const d = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) d[r]! += m.values[p]!;
  return d;
}

/** R̃ in both layouts: entries r · (d_u + α)^-a · (d_i + α)^-b. */
export function normalisedGraph(byUser: Csr, byItem: Csr, p: Pick<GraphParams, "degreeOffset" | "userExponent" | "itemExponent">): { byUser: Csr; byItem: Csr } {
  const du = degrees(byUser);
  const di = degrees(byItem);
  const su = du.map((d) => (d + p.degreeOffset > 0 ? (d + p.degreeOffset) ** -p.userExponent : 0));
  const si = di.map((d) => (d + p.degreeOffset > 0 ? (d + p.degreeOffset) ** -p.itemExponent : 0));
  const scale = (m: Csr, rowScale: Float64Array, colScale: Float64Array): Csr => {
    const values = new Float32Array(m.values.length);
    for (let r = 0; r < m.rows; r++) {
      for (let q = m.indptr[r]!; q < m.indptr[r + 1]!; q++) values[q] = m.values[q]! * rowScale[r]! * colScale[m.indices[q]!]!;
    }
    return { ...m, values };
  };
  return { byUser: scale(byUser, su, si), byItem: scale(byItem, si, su) };
}

/** The filter weights h(σ_k), σ normalised by the largest; directions from `rank` on are scaled by `tailWeight`. */
export function filterWeights(values: Float64Array, p: Pick<GraphParams, "beta" | "power" | "rank" | "tailWeight">): Float64Array {
  const top = values[0]! > 0 ? values[0]! : 1;
  return values.map((s, k) => (s > 0 ? (s / top) ** p.power * Math.exp((p.beta * s) / top) * (k < p.rank ? 1 : p.tailWeight) : 0));
}

/** Singular vectors the model needs: the full-weight ones and the shoulder. */
export const servedRank = (p: Pick<GraphParams, "rank" | "tailRank">): number => p.rank + p.tailRank;

export interface GraphFactors {
  dim: number;
  /** s_i = (d_i + α)^-(b+c), 0 where d_i + α ≤ 0 (item-scales.bin). */
  itemScales: Float32Array;
  /** h, the filter weight of each served direction (the fold-in's `filter`). */
  filter: number[];
  itemFactors: Float32Array;
  userFactors: Float32Array;
}

/** Item scales, filter, item and user matrices from an SVD (split out so a search can re-filter one SVD many times). */
export function graphFactors(byUser: Csr, itemDegrees: Float64Array, svd: TruncatedSvd, p: GraphParams): GraphFactors {
  const k = Math.min(servedRank(p), svd.rank);
  const filter = Array.from(filterWeights(svd.values.subarray(0, k), p));
  const items = itemDegrees.length;
  const itemScales = new Float32Array(items);
  const itemFactors = new Float32Array(items * k);
  for (let i = 0; i < items; i++) {
    const base = itemDegrees[i]! + p.degreeOffset;
    const outScale = base > 0 ? base ** p.itemScale : 0;
    // (d + α)^-b / (d + α)^c in one power, so the product s_i · y_i is the projection's (d + α)^-b · V_i.
    itemScales[i] = base > 0 ? base ** -(p.itemExponent + p.itemScale) : 0;
    for (let j = 0; j < k; j++) itemFactors[i * k + j] = outScale * svd.v[i * svd.rank + j]!;
  }
  const userFactors = new Float32Array(byUser.rows * k);
  // The served fold-in itself, over the float32 vectors and scales exported: one code path for trainer and clients.
  const folder = new FilterFoldIn(k, itemFactors, itemScales, { offset: p.degreeOffset, exponent: p.userExponent, filter });
  for (let u = 0; u < byUser.rows; u++) {
    const from = byUser.indptr[u]!;
    const to = byUser.indptr[u + 1]!;
    folder.user(byUser.indices.subarray(from, to), byUser.values.subarray(from, to), userFactors.subarray(u * k, (u + 1) * k));
  }
  return { dim: k, itemScales, filter, itemFactors, userFactors };
}

export async function trainGraph(byUser: Csr, byItem: Csr, p: GraphParams, hooks: TrainHooks = {}): Promise<TrainedModel> {
  const t0 = performance.now();
  hooks.signal?.throwIfAborted();
  const norm = normalisedGraph(byUser, byItem, p);
  const svd = randomizedSvd(norm.byUser, norm.byItem, servedRank(p), { oversample: p.oversample, iterations: p.iterations, seed: p.seed });
  const f = graphFactors(byUser, degrees(byItem), svd, p);
  const neighbours = p.neighbours > 0 ? quantiseNeighbours(itemNeighbours(byUser, byItem, p.neighbours, termShape(p)), p.neighbourValueBytes as NeighbourValueWidth) : undefined;
  const seconds = (performance.now() - t0) / 1000;
  await hooks.onEpoch?.({ epoch: 1, epochs: 1, loss: 0, seconds, etaSeconds: 0 });
  return {
    kind: "graph",
    dim: f.dim,
    users: byUser.rows,
    items: byUser.cols,
    userFactors: f.userFactors,
    itemFactors: f.itemFactors,
    itemScales: f.itemScales,
    ...(neighbours ? { neighbours } : {}),
    // denseWeight in the manifest is what tells a server to add the sparse term: only with neighbours.bin.
    params: neighbours ? { ...p, dim: f.dim } : { ...withoutTerm(p), dim: f.dim },
    foldIn: { method: "filter", offset: p.degreeOffset, exponent: p.userExponent, filter: f.filter },
    backend: "typed-arrays",
    seconds,
  };
}

function withoutTerm(p: GraphParams): Omit<GraphParams, "denseWeight" | "neighbourValueBytes" | "termUserExponent" | "termItemExponent"> {
  const { denseWeight: _w, neighbourValueBytes: _b, termUserExponent: _u, termItemExponent: _i, ...rest } = p;
  return rest;
}

/** The item–item term's shape from the parameters. */
export const termShape = (p: Pick<GraphParams, "termUserExponent" | "termItemExponent">): TermShape => ({ userExponent: p.termUserExponent, itemExponent: p.termItemExponent });
