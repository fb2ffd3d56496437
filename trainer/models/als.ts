// Implicit ALS (Hu, Koren, Volinsky 2008) on typed arrays: confidence c = 1 + α·r, preference 1 for every observed
// pair. Each half-step solves, for every row, (YᵀY + Yᵀ(C−I)Y + λI) x = Yᵀ C p. Small problems use exact Cholesky
// solves; large ones use a few conjugate-gradient steps warm-started from the previous factors (as `implicit`'s
// cg solver does), which costs O(nnz·d + d²) per row instead of O(nnz·d² + d³).
// The last user step is exact: the same closed form as the `FoldIn` the edge and the browser use, so a client
// that folds a user in from their items reproduces the trained user vector.

import type { Csr } from "../../shared/data/csr.ts";
import { Rng } from "../../shared/random.ts";
import { alsExecutor } from "./als-exec.ts";
import type { TrainHooks, TrainedModel } from "./types.ts";
import { regScaleOf } from "../../shared/scoring/foldin.ts";
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
  /**
   * Finish with an exact user step (what fold-in computes). "auto" (default): when it costs less than about two
   * iterations (O(d³ + n·d²) per user against CG's O(d² + n·d)); search fits pass false.
   */
  exactFinal?: boolean | "auto";
  /**
   * Frequency-scaled regularisation of user rows (see userRegScales): a user's λ grows as (their weight / the mean
   * user's)^regExponent. 0 or absent: one λ for everyone.
   */
  regExponent?: number;
}

/**
 * Factors to start from instead of random ones (the search warm-starts a neighbour from the incumbent, so it
 * converges in a few iterations). A different dim keeps the shared columns; new columns start small and random.
 */
export interface AlsInit {
  dim: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
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

export async function trainAls(byUser: Csr, byItem: Csr, p: AlsParams, hooks: TrainHooks = {}, init?: AlsInit): Promise<TrainedModel> {
  const { dim } = p;
  const exec = alsExecutor();
  const rng = new Rng(p.seed);
  const users = exec.floats(byUser.rows * dim);
  const items = exec.floats(byItem.rows * dim);
  const scale = 0.01;
  for (let k = 0; k < users.length; k++) users[k] = rng.normal() * scale;
  for (let k = 0; k < items.length; k++) items[k] = rng.normal() * scale;
  if (init && init.userFactors.length === byUser.rows * init.dim && init.itemFactors.length === byItem.rows * init.dim) {
    copyColumns(init.userFactors, init.dim, users, dim);
    copyColumns(init.itemFactors, init.dim, items, dim);
  }
  const useCg = p.solver === "cg" || (p.solver === "auto" && dim > 16);
  const steps = useCg ? Math.max(1, p.cgSteps) : 0;
  const mu = exec.share(byUser);
  const mi = exec.share(byItem);
  const started = performance.now();
  const scaled = userRegScales(byUser, p.regExponent ?? 0);
  const userScale = scaled?.scales ?? null;

  const iterations = await runEpochs(p.iterations, hooks, started, async () => {
    await exec.solve(mu, items, users, await exec.gram(items, mi.rows, dim), dim, p.alpha, p.regularization, userScale, steps);
    await exec.solve(mi, users, items, await exec.gram(users, mu.rows, dim), dim, p.alpha, p.regularization, null, steps);
    return implicitLoss(byUser, users, items, dim, p);
  }, () => ({ dim, userFactors: users, itemFactors: items }));

  // Final exact user step: the same closed form as the production fold-in (shared/scoring/foldin.ts), so a client
  // that folds a user in from their items reproduces the trained user vector. Skipped for search fits.
  const nnz = byUser.indices.length;
  const exactCost = byUser.rows * (dim ** 3 / 6) + (nnz * dim * dim) / 2;
  const iterationCost = (byUser.rows + byItem.rows) * (steps + 1) * (dim * dim) + 4 * nnz * (steps + 1) * dim;
  const exact = p.exactFinal === true || ((p.exactFinal ?? "auto") === "auto" && (!useCg || exactCost < 2 * iterationCost));
  // Otherwise one more CG user step, so users match the final items.
  if (exact || p.exactFinal !== false) {
    await exec.solve(mu, items, users, await exec.gram(items, mi.rows, dim), dim, p.alpha, p.regularization, userScale, exact ? 0 : steps);
  }

  return {
    kind: "als",
    dim,
    users: byUser.rows,
    items: byItem.rows,
    userFactors: users,
    itemFactors: items,
    params: { dim, iterations, regularization: p.regularization, alpha: p.alpha, ...(scaled ? { regExponent: p.regExponent! } : {}), seed: p.seed, solver: useCg ? "cg" : "cholesky", finalStep: exact ? "exact" : "cg" },
    foldIn: { method: "als", alpha: p.alpha, regularization: p.regularization, ...(scaled ? { regExponent: p.regExponent!, regMean: scaled.mean } : {}) },
    backend: exec.threads > 1 ? `typed-arrays×${exec.threads} threads` : "typed-arrays",
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Frequency-scaled regularisation (after Rendle et al., "Revisiting the performance of iALS on item recommendation
 * benchmarks", 2022, who scale λ by each row's frequency): user u's λ is λ·(W_u / W̄)^ν, W_u the sum of u's
 * (transformed) weights, at least 1, and W̄ its mean over users, so λ keeps its scale and the typical user their
 * old regularisation. Heavy users, whose data term outweighs a constant λ, get a proportionate share of it. Only
 * user rows are scaled: the fold-in (shared/scoring/foldin.ts) computes the same λ_u from the history it is given.
 * Item rows keep a constant λ (scaling them measured worse on MovieLens-100k). Null when ν = 0.
 */
export function userRegScales(byUser: Csr, exponent: number): { scales: Float32Array; mean: number } | null {
  if (!(exponent > 0)) return null;
  const mass = new Float64Array(byUser.rows);
  let sum = 0;
  for (let r = 0; r < byUser.rows; r++) {
    let w = 0;
    for (let k = byUser.indptr[r]!; k < byUser.indptr[r + 1]!; k++) w += byUser.values[k]!;
    mass[r] = Math.max(1, w);
    sum += mass[r]!;
  }
  const mean = Math.fround(sum / Math.max(1, byUser.rows));
  const scales = new Float32Array(byUser.rows);
  for (let r = 0; r < byUser.rows; r++) scales[r] = regScaleOf(mass[r]!, mean, exponent);
  return { scales, mean };
}

/** Copies the first min(from, to) columns of each row of `src` (width `from`) into `dst` (width `to`). */
function copyColumns(src: Float32Array, from: number, dst: Float32Array, to: number): void {
  const rows = src.length / from;
  const n = Math.min(from, to);
  for (let r = 0; r < rows; r++) for (let d = 0; d < n; d++) dst[r * to + d] = src[r * from + d]!;
}

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
