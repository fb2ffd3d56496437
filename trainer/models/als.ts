// Implicit ALS (Hu, Koren, Volinsky 2008) on typed arrays: confidence c = 1 + α·r, preference 1 for every observed
// pair. Each half-step solves, for every row, (YᵀY + Yᵀ(C−I)Y + λI) x = Yᵀ C p. Small problems use exact Cholesky
// solves; large ones use a few conjugate-gradient steps warm-started from the previous factors (as `implicit`'s
// cg solver does), which costs O(nnz·d + d²) per row instead of O(nnz·d² + d³).
// The last user step is always exact and goes through the same `FoldIn` the edge and the browser use, so a client
// that folds a user in from their items reproduces the trained user vector.

import type { Csr } from "../../shared/data/csr.ts";
import { Rng } from "../../shared/random.ts";
import { FoldIn, gramMatrix, solveSpdInPlace } from "../../shared/scoring/foldin.ts";
import type { TrainHooks, TrainedModel } from "./types.ts";
import { runEpochs } from "./epochs.ts";

export interface AlsParams {
  dim: number;
  iterations: number;
  /** L2 regularisation λ. */
  regularization: number;
  /** Confidence scale α. */
  alpha: number;
  seed: number;
  /** "auto" picks Cholesky for small problems and CG for large ones. */
  solver: "auto" | "cholesky" | "cg";
  cgSteps: number;
}

export const ALS_DEFAULTS: AlsParams = {
  dim: 64,
  iterations: 15,
  regularization: 0.1,
  alpha: 2,
  seed: 42,
  solver: "auto",
  cgSteps: 3,
};

export async function trainAls(byUser: Csr, byItem: Csr, p: AlsParams, hooks: TrainHooks = {}): Promise<TrainedModel> {
  const { dim } = p;
  const rng = new Rng(p.seed);
  const users = new Float32Array(byUser.rows * dim);
  const items = new Float32Array(byItem.rows * dim);
  const scale = 0.01;
  for (let k = 0; k < users.length; k++) users[k] = rng.normal() * scale;
  for (let k = 0; k < items.length; k++) items[k] = rng.normal() * scale;
  const useCg = p.solver === "cg" || (p.solver === "auto" && dim > 16);
  const solve = useCg ? new CgSolver(dim, p.cgSteps) : new CholeskySolver(dim);
  const started = performance.now();

  await runEpochs(p.iterations, hooks, started, () => {
    solve.halfStep(byUser, items, users, p);
    solve.halfStep(byItem, users, items, p);
    return implicitLoss(byUser, users, items, dim, p);
  }, () => ({ dim, userFactors: users, itemFactors: items }));

  // Final exact user step with the production fold-in solver.
  const gram = gramMatrix(items, byItem.rows, dim);
  const foldIn = new FoldIn(dim, gram, items, { alpha: p.alpha, regularization: p.regularization });
  for (let u = 0; u < byUser.rows; u++) {
    const s = byUser.indptr[u]!;
    const e = byUser.indptr[u + 1]!;
    foldIn.user(byUser.indices.subarray(s, e), byUser.values.subarray(s, e), users.subarray(u * dim, (u + 1) * dim));
  }

  return {
    kind: "als",
    dim,
    users: byUser.rows,
    items: byItem.rows,
    userFactors: users,
    itemFactors: items,
    params: { dim, iterations: p.iterations, regularization: p.regularization, alpha: p.alpha, seed: p.seed, solver: useCg ? "cg" : "cholesky" },
    foldIn: { method: "als", alpha: p.alpha, regularization: p.regularization },
    backend: "typed-arrays",
    seconds: (performance.now() - started) / 1000,
  };
}

interface HalfStep {
  /** Recomputes every row of `x` (rows of `m`) from the fixed factors `y`. */
  halfStep(m: Csr, y: Float32Array, x: Float32Array, p: AlsParams): void;
}

class CholeskySolver implements HalfStep {
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  constructor(private readonly dim: number) {
    this.a = new Float64Array(dim * dim);
    this.b = new Float64Array(dim);
  }

  halfStep(m: Csr, y: Float32Array, x: Float32Array, p: AlsParams): void {
    const { dim, a, b } = this;
    const gram = gramMatrix(y, m.cols, dim);
    for (let r = 0; r < m.rows; r++) {
      a.set(gram);
      for (let d = 0; d < dim; d++) a[d * dim + d]! += p.regularization;
      b.fill(0);
      for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
        const o = m.indices[k]! * dim;
        const c = 1 + p.alpha * m.values[k]!;
        for (let i = 0; i < dim; i++) {
          const yi = y[o + i]!;
          b[i]! += c * yi;
          const s = (c - 1) * yi;
          const ri = i * dim;
          for (let j = 0; j <= i; j++) a[ri + j]! += s * y[o + j]!;
        }
      }
      solveSpdInPlace(a, b, dim);
      for (let d = 0; d < dim; d++) x[r * dim + d] = b[d]!;
    }
  }
}

class CgSolver implements HalfStep {
  // Every vector the inner loops touch is a Float64Array (and y a Float32Array), so V8 keeps them monomorphic.
  private readonly r: Float64Array;
  private readonly pv: Float64Array;
  private readonly ap: Float64Array;
  private readonly xv: Float64Array;
  constructor(
    private readonly dim: number,
    private readonly steps: number,
  ) {
    this.r = new Float64Array(dim);
    this.pv = new Float64Array(dim);
    this.ap = new Float64Array(dim);
    this.xv = new Float64Array(dim);
  }

  halfStep(m: Csr, y: Float32Array, x: Float32Array, p: AlsParams): void {
    const { dim, r, pv, ap, xv } = this;
    const gram = gramMatrix(y, m.cols, dim);
    for (let row = 0; row < m.rows; row++) {
      const xo = row * dim;
      const start = m.indptr[row]!;
      const end = m.indptr[row + 1]!;
      for (let d = 0; d < dim; d++) xv[d] = x[xo + d]!;
      // r = b − A x, with A x = (YᵀY + λI) x + Σ (c−1)(y·x) y and b = Σ c y
      applyA(dim, gram, y, xv, m, start, end, p, r);
      for (let d = 0; d < dim; d++) r[d] = -r[d]!;
      for (let k = start; k < end; k++) {
        const o = m.indices[k]! * dim;
        const c = 1 + p.alpha * m.values[k]!;
        for (let d = 0; d < dim; d++) r[d]! += c * y[o + d]!;
      }
      pv.set(r);
      let rsOld = dot(r, r, dim);
      for (let it = 0; it < this.steps && rsOld > 1e-20; it++) {
        applyA(dim, gram, y, pv, m, start, end, p, ap);
        const alpha = rsOld / dot(pv, ap, dim);
        for (let d = 0; d < dim; d++) {
          xv[d]! += alpha * pv[d]!;
          r[d]! -= alpha * ap[d]!;
        }
        const rsNew = dot(r, r, dim);
        const beta = rsNew / rsOld;
        for (let d = 0; d < dim; d++) pv[d] = r[d]! + beta * pv[d]!;
        rsOld = rsNew;
      }
      for (let d = 0; d < dim; d++) x[xo + d] = xv[d]!;
    }
  }
}

/** out = A v = (YᵀY + λI) v + Σ_k (c_k − 1)(y_k·v) y_k over the row's entries. */
function applyA(
  dim: number, gram: Float64Array, y: Float32Array, v: Float64Array, m: Csr, start: number, end: number,
  p: AlsParams, out: Float64Array,
): void {
  for (let i = 0; i < dim; i++) {
    let s = p.regularization * v[i]!;
    const gi = i * dim;
    for (let j = 0; j < dim; j++) s += gram[gi + j]! * v[j]!;
    out[i] = s;
  }
  for (let k = start; k < end; k++) {
    const o = m.indices[k]! * dim;
    const c1 = p.alpha * m.values[k]!;
    let yv = 0;
    for (let d = 0; d < dim; d++) yv += y[o + d]! * v[d]!;
    const s = c1 * yv;
    for (let d = 0; d < dim; d++) out[d]! += s * y[o + d]!;
  }
}

const dot = (a: Float64Array, b: Float64Array, n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * The weighted loss on observed pairs plus regularisation, per interaction: Σ_obs c (1 − x·y)² / nnz + λ(‖X‖² + ‖Y‖²)/nnz.
 * (The unobserved part of the full objective is left out: it is O(users·items) and only shapes, not tracks, progress.)
 */
function implicitLoss(m: Csr, users: Float32Array, items: Float32Array, dim: number, p: AlsParams): number {
  let loss = 0;
  for (let u = 0; u < m.rows; u++) {
    const uo = u * dim;
    for (let k = m.indptr[u]!; k < m.indptr[u + 1]!; k++) {
      const io = m.indices[k]! * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += users[uo + d]! * items[io + d]!;
      loss += (1 + p.alpha * m.values[k]!) * (1 - s) * (1 - s);
    }
  }
  let norm = 0;
  for (let k = 0; k < users.length; k++) norm += users[k]! * users[k]!;
  for (let k = 0; k < items.length; k++) norm += items[k]! * items[k]!;
  const nnz = Math.max(1, m.indices.length);
  return (loss + p.regularization * norm) / nnz;
}
