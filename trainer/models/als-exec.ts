// Where the ALS kernels run. In-process by default (the browser demo, tests); in Node, `als-pool.ts` installs a
// worker_threads pool over SharedArrayBuffer with `setAlsExecutor`. Browser-safe: no Node APIs here.

import type { Csr } from "../../shared/data/csr.ts";
import { alsSolveRows, gramRows } from "./als-kernel.ts";

export interface AlsExecutor {
  readonly threads: number;
  /** A zeroed Float32Array every thread can see. */
  floats(n: number): Float32Array;
  /** The matrix in memory every thread can see (may return `m` itself). */
  share(m: Csr): Csr;
  /** YᵀY (dim × dim, float64, both triangles). */
  gram(y: Float32Array, rows: number, dim: number): Promise<Float64Array>;
  /** Solves every row of `x` from `y` (see alsSolveRows; steps 0 = exact; regScale: per-row λ factors or null). */
  solve(m: Csr, y: Float32Array, x: Float32Array, gram: Float64Array, dim: number, alpha: number, reg: number, regScale: Float32Array | null, steps: number): Promise<void>;
}

export const inProcessExecutor: AlsExecutor = {
  threads: 1,
  floats: (n) => new Float32Array(n),
  share: (m) => m,
  async gram(y, rows, dim) {
    const g = new Float64Array(dim * dim);
    gramRows(y, dim, 0, rows, g, null, 0);
    mirrorLower(g, dim);
    return g;
  },
  async solve(m, y, x, gram, dim, alpha, reg, regScale, steps) {
    alsSolveRows(m.indptr, m.indices, m.values, y, x, gram, dim, 0, m.rows, alpha, reg, regScale, steps, scratchFor(dim), null, 0);
  },
};

let scratch = new Float64Array(0);
export function scratchFor(dim: number): Float64Array {
  if (scratch.length < dim * (dim + 4)) scratch = new Float64Array(dim * (dim + 4));
  return scratch;
}

export function mirrorLower(g: Float64Array, dim: number): void {
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) g[j * dim + i] = g[i * dim + j]!;
}

let current: AlsExecutor = inProcessExecutor;
export const alsExecutor = (): AlsExecutor => current;
export function setAlsExecutor(e: AlsExecutor | null): void {
  current = e ?? inProcessExecutor;
}
