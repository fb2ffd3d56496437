// Fold-in: a user's vector from the items they touched, with the implicit-ALS closed form (Hu, Koren, Volinsky 2008):
//   x_u = (YᵀY + Σ_i (c_i − 1) y_i y_iᵀ + λ_u I)⁻¹ Σ_i c_i y_i,   c_i = 1 + α·r_i
// λ_u = λ, or with frequency-scaled regularisation λ·(max(Σ_i r_i, 1) / regMean)^regExponent.
// YᵀY is precomputed once per model (`gram.bin`), so one fold-in costs O(n·d² + d³): well under a millisecond at d = 64.
// The ALS trainer's final user step calls this same solver, so fold-in reproduces trained user vectors exactly.

import type { AlsFoldInParams, FilterFoldInParams, FoldInParams, ProjectionFoldInParams } from "../artifact/manifest.ts";

/** Computes a user's vector from the item rows they touched (and optional weights). */
export interface UserFolder {
  readonly dim: number;
  user(rows: ArrayLike<number>, weights?: ArrayLike<number> | null, out?: Float32Array): Float32Array;
}

/**
 * The folder a manifest's `model.foldIn` asks for, or null when the model has none (or the version lacks the file
 * its method reads). `items` is the item matrix the caller scores with (it may live in wasm memory); `gram` YᵀY of
 * ALS (`gram.bin`); `foldInData` the fold-in method's own file (files.ts foldInFileOf): the item scales of
 * `item-scales.bin` for "filter", the matrix of `projection.bin` for "projection" (older graph versions).
 */
export function createFoldIn(
  params: FoldInParams | null,
  dim: number,
  items: Float32Array,
  gram: ArrayLike<number> | null,
  foldInData: Float32Array | null = null,
): UserFolder | null {
  if (!params) return null;
  if (params.method === "mean") return new MeanFoldIn(dim, items, params.biasLast);
  if (params.method === "projection") return foldInData ? new ProjectionFoldIn(dim, foldInData, params) : null;
  if (params.method === "filter") return foldInData ? new FilterFoldIn(dim, items, foldInData, params) : null;
  return gram ? new FoldIn(dim, gram, items, params) : null;
}

/**
 * Graph-filter fold-in (see filterFoldInSchema): x = (Σ w + offset)^-exponent · h ⊙ Σ w_i s_i y_i over the item
 * matrix the caller scores with — the projection fold-in with P_i = s_i · (y_i ⊙ h) derived on the fly, so no
 * items × dim projection matrix is stored or shipped. The graph trainer computes its user vectors with this class.
 * Rows past the scales (items added live at the edge) or past the matrix add nothing, as unknown rows do.
 */
export class FilterFoldIn implements UserFolder {
  private readonly acc: Float64Array;
  private readonly filter: Float64Array;
  constructor(
    readonly dim: number,
    private readonly items: Float32Array,
    private readonly scales: Float32Array,
    readonly params: Pick<FilterFoldInParams, "offset" | "exponent" | "filter">,
  ) {
    if (params.filter.length !== dim) throw new RangeError(`the filter has ${params.filter.length} weights, not dim ${dim}`);
    this.acc = new Float64Array(dim);
    this.filter = Float64Array.from(params.filter);
  }

  user(rows: ArrayLike<number>, weights?: ArrayLike<number> | null, out = new Float32Array(this.dim)): Float32Array {
    const { dim, items, scales, acc, filter } = this;
    const nRows = Math.min(scales.length, Math.floor(items.length / Math.max(1, dim)));
    acc.fill(0);
    let total = 0;
    for (let n = 0; n < rows.length; n++) {
      const row = rows[n]!;
      if (!(row >= 0 && row < nRows)) continue; // an item unknown to this version adds nothing
      const w = weights ? weights[n]! : 1;
      total += w;
      const ws = w * scales[row]!;
      if (ws === 0) continue;
      const o = row * dim;
      for (let d = 0; d < dim; d++) acc[d]! += ws * items[o + d]!;
    }
    const base = total + this.params.offset;
    const scale = total > 0 && base > 0 ? base ** -this.params.exponent : 0;
    for (let d = 0; d < dim; d++) out[d] = acc[d]! * filter[d]! * scale;
    return out;
  }
}

/**
 * Older graph versions' fold-in (see projectionFoldInSchema): x = (Σ w + offset)^-exponent · Σ w_i P_i with P the
 * stored projection matrix (`projection.bin`) — the filter fold-in over P with unit scales and a unit filter.
 */
export class ProjectionFoldIn extends FilterFoldIn {
  constructor(dim: number, projection: Float32Array, params: Pick<ProjectionFoldInParams, "offset" | "exponent">) {
    if (projection.length % Math.max(1, dim) !== 0) throw new RangeError(`projection has ${projection.length} values, not a multiple of dim ${dim}`);
    const rows = projection.length / Math.max(1, dim);
    super(dim, projection, new Float32Array(rows).fill(1), { ...params, filter: new Array<number>(dim).fill(1) });
  }
}

/** The weighted mean of the seen items' vectors (see meanFoldInSchema): BPR's fold-in. */
export class MeanFoldIn implements UserFolder {
  constructor(
    readonly dim: number,
    private readonly items: Float32Array,
    private readonly biasLast: boolean,
  ) {}

  user(rows: ArrayLike<number>, weights?: ArrayLike<number> | null, out = new Float32Array(this.dim)): Float32Array {
    const { dim, items } = this;
    out.fill(0);
    let total = 0;
    for (let n = 0; n < rows.length; n++) {
      const w = weights ? weights[n]! : 1;
      const o = rows[n]! * dim;
      for (let d = 0; d < dim; d++) out[d]! += w * items[o + d]!;
      total += w;
    }
    if (total > 0) for (let d = 0; d < dim; d++) out[d]! /= total;
    if (this.biasLast && dim > 0) out[dim - 1] = rows.length > 0 ? 1 : 0;
    return out;
  }
}

export class FoldIn implements UserFolder {
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  /** `gram` is YᵀY (dim × dim, row-major); `items` the item matrix (rows × dim, row-major). */
  constructor(
    readonly dim: number,
    private readonly gram: ArrayLike<number>,
    private readonly items: Float32Array,
    readonly params: Pick<AlsFoldInParams, "alpha" | "regularization" | "regExponent" | "regMean">,
  ) {
    if (gram.length !== dim * dim) throw new RangeError(`gram has ${gram.length} values, expected ${dim}×${dim}`);
    this.a = new Float64Array(dim * dim);
    this.b = new Float64Array(dim);
  }

  /**
   * The vector of a user who touched item `rows` with weights `weights` (1 each when omitted).
   * Duplicate rows add up, as repeated interactions do in training. Returns zeros for no items.
   */
  user(rows: ArrayLike<number>, weights?: ArrayLike<number> | null, out = new Float32Array(this.dim)): Float32Array {
    const { dim, a, b, items } = this;
    const { alpha, regularization, regExponent, regMean } = this.params;
    let mass = 0;
    for (let n = 0; n < rows.length; n++) mass += weights ? weights[n]! : 1;
    const reg = regExponent && regMean ? regularization * regScaleOf(Math.max(1, mass), regMean, regExponent) : regularization;
    for (let k = 0; k < dim * dim; k++) a[k] = this.gram[k]!;
    for (let d = 0; d < dim; d++) a[d * dim + d]! += reg;
    b.fill(0);
    for (let n = 0; n < rows.length; n++) {
      const row = rows[n]!;
      const c = 1 + alpha * (weights ? weights[n]! : 1);
      const o = row * dim;
      for (let i = 0; i < dim; i++) {
        const yi = items[o + i]!;
        b[i]! += c * yi;
        const s = (c - 1) * yi;
        if (s === 0) continue;
        const ri = i * dim;
        for (let j = 0; j <= i; j++) a[ri + j]! += s * items[o + j]!;
      }
    }
    solveSpdInPlace(a, b, dim);
    for (let d = 0; d < dim; d++) out[d] = b[d]!;
    return out;
  }
}

/** A user's λ factor under frequency-scaled regularisation: (mass / mean)^exponent (the trainer uses this same function). */
export function regScaleOf(mass: number, mean: number, exponent: number): number {
  return Math.fround((mass / mean) ** exponent);
}

/**
 * Solves A x = b for symmetric positive-definite A by Cholesky (A = L Lᵀ), reading only A's lower triangle.
 * Overwrites `a` with L and `b` with x.
 */
export function solveSpdInPlace(a: Float64Array, b: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let diag = a[rj + j]!;
    for (let k = 0; k < j; k++) diag -= a[rj + k]! * a[rj + k]!;
    // A is SPD by construction (λ > 0); guard against round-off on degenerate inputs.
    const ljj = Math.sqrt(diag > 1e-12 ? diag : 1e-12);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
  }
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[ri + k]! * b[k]!;
    b[i] = s / a[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
}

/** YᵀY of a row-major matrix (rows × dim), in float64 for accuracy. */
export function gramMatrix(y: Float32Array, rows: number, dim: number): Float64Array {
  const g = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    for (let i = 0; i < dim; i++) {
      const yi = y[o + i]!;
      if (yi === 0) continue;
      const gi = i * dim;
      for (let j = 0; j <= i; j++) g[gi + j]! += yi * y[o + j]!;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) g[j * dim + i] = g[i * dim + j]!;
  return g;
}
