// The ALS inner loops, as flat self-contained functions over typed arrays: no imports, no closures, no nested
// functions. That keeps V8's loops monomorphic, and lets the Node thread pool (als-pool.ts) ship their source text
// to worker_threads unchanged (workers cannot load TypeScript). The browser runs them on its one thread.
//
// For row r of the matrix being solved (its entries i with weights w_i over the fixed factors y):
//   (G + λ_r I + Σ_i α w_i y_i y_iᵀ) x_r = Σ_i (1 + α w_i) y_i,     G = YᵀY (the gram trick: computed once per half-step)
// λ_r = λ·regScale[r] when a per-row scale is given (frequency-scaled regularisation, see als.ts), else λ.
// `steps` > 0: that many conjugate-gradient steps warm-started from the current x_r (what `implicit`'s cg solver
// does: O(steps·(d² + n_r·d)) per row). `steps` = 0: an exact Cholesky solve (O(d³ + n_r·d²)).

/**
 * Solves rows [lo, hi) of x in place. `scratch` holds ≥ dim·(dim + 4) float64s, private to the caller's thread.
 * Rows are taken in chunks from `next` (an Int32Array over shared memory, Atomics) when given, so threads balance
 * themselves; without it, every row in [lo, hi) is solved.
 */
export function alsSolveRows(
  indptr: Int32Array, indices: Int32Array, values: Float32Array,
  y: Float32Array, x: Float32Array, gram: Float64Array, dim: number,
  lo: number, hi: number, alpha: number, regBase: number, regScale: Float32Array | null, steps: number,
  scratch: Float64Array, next: Int32Array | null, chunk: number,
): void {
  const r = scratch.subarray(0, dim);
  const p = scratch.subarray(dim, 2 * dim);
  const ap = scratch.subarray(2 * dim, 3 * dim);
  const xv = scratch.subarray(3 * dim, 4 * dim);
  const a = scratch.subarray(4 * dim, 4 * dim + dim * dim);
  let cursor = lo;
  for (;;) {
    let from: number;
    if (next !== null) from = lo + Atomics.add(next, 0, chunk);
    else from = cursor;
    if (from >= hi) return;
    const to = next !== null ? Math.min(hi, from + chunk) : hi;
    cursor = to;
    for (let row = from; row < to; row++) {
      const xo = row * dim;
      const reg = regScale === null ? regBase : regBase * regScale[row]!;
      const start = indptr[row]!;
      const end = indptr[row + 1]!;
      if (steps === 0 || start === end) {
        // Exact: A = G + λI + Σ α w y yᵀ (lower triangle), b = Σ (1 + α w) y, then Cholesky.
        for (let k = 0; k < dim * dim; k++) a[k] = gram[k]!;
        for (let d = 0; d < dim; d++) {
          a[d * dim + d]! += reg;
          r[d] = 0;
        }
        for (let k = start; k < end; k++) {
          const o = indices[k]! * dim;
          const cw = alpha * values[k]!;
          for (let i = 0; i < dim; i++) {
            const yi = y[o + i]!;
            r[i]! += (1 + cw) * yi;
            const s = cw * yi;
            const ri = i * dim;
            for (let j = 0; j <= i; j++) a[ri + j]! += s * y[o + j]!;
          }
        }
        for (let j = 0; j < dim; j++) {
          const rj = j * dim;
          let diag = a[rj + j]!;
          for (let k = 0; k < j; k++) diag -= a[rj + k]! * a[rj + k]!;
          const ljj = Math.sqrt(diag > 1e-12 ? diag : 1e-12);
          a[rj + j] = ljj;
          for (let i = j + 1; i < dim; i++) {
            const ri = i * dim;
            let s = a[ri + j]!;
            for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
            a[ri + j] = s / ljj;
          }
        }
        for (let i = 0; i < dim; i++) {
          const ri = i * dim;
          let s = r[i]!;
          for (let k = 0; k < i; k++) s -= a[ri + k]! * r[k]!;
          r[i] = s / a[ri + i]!;
        }
        for (let i = dim - 1; i >= 0; i--) {
          let s = r[i]!;
          for (let k = i + 1; k < dim; k++) s -= a[k * dim + i]! * r[k]!;
          r[i] = s / a[i * dim + i]!;
        }
        for (let d = 0; d < dim; d++) x[xo + d] = r[d]!;
        continue;
      }
      // Conjugate gradient. r = b − A x.
      for (let d = 0; d < dim; d++) xv[d] = x[xo + d]!;
      for (let i = 0; i < dim; i++) {
        const gi = i * dim;
        let s = reg * xv[i]!;
        let j = 0;
        for (; j + 3 < dim; j += 4) {
          s += gram[gi + j]! * xv[j]! + gram[gi + j + 1]! * xv[j + 1]! + gram[gi + j + 2]! * xv[j + 2]! + gram[gi + j + 3]! * xv[j + 3]!;
        }
        for (; j < dim; j++) s += gram[gi + j]! * xv[j]!;
        r[i] = -s;
      }
      for (let k = start; k < end; k++) {
        const o = indices[k]! * dim;
        const cw = alpha * values[k]!;
        let yx = 0;
        for (let d = 0; d < dim; d++) yx += y[o + d]! * xv[d]!;
        const s = 1 + cw - cw * yx;
        for (let d = 0; d < dim; d++) r[d]! += s * y[o + d]!;
      }
      let rsOld = 0;
      for (let d = 0; d < dim; d++) {
        p[d] = r[d]!;
        rsOld += r[d]! * r[d]!;
      }
      for (let it = 0; it < steps && rsOld > 1e-20; it++) {
        for (let i = 0; i < dim; i++) {
          const gi = i * dim;
          let s = reg * p[i]!;
          let j = 0;
          for (; j + 3 < dim; j += 4) {
            s += gram[gi + j]! * p[j]! + gram[gi + j + 1]! * p[j + 1]! + gram[gi + j + 2]! * p[j + 2]! + gram[gi + j + 3]! * p[j + 3]!;
          }
          for (; j < dim; j++) s += gram[gi + j]! * p[j]!;
          ap[i] = s;
        }
        for (let k = start; k < end; k++) {
          const o = indices[k]! * dim;
          let yp = 0;
          for (let d = 0; d < dim; d++) yp += y[o + d]! * p[d]!;
          const s = alpha * values[k]! * yp;
          for (let d = 0; d < dim; d++) ap[d]! += s * y[o + d]!;
        }
        let pap = 0;
        for (let d = 0; d < dim; d++) pap += p[d]! * ap[d]!;
        if (!(pap > 0)) break;
        const step = rsOld / pap;
        let rsNew = 0;
        for (let d = 0; d < dim; d++) {
          xv[d]! += step * p[d]!;
          const rd = r[d]! - step * ap[d]!;
          r[d] = rd;
          rsNew += rd * rd;
        }
        const beta = rsNew / rsOld;
        for (let d = 0; d < dim; d++) p[d] = r[d]! + beta * p[d]!;
        rsOld = rsNew;
      }
      for (let d = 0; d < dim; d++) x[xo + d] = xv[d]!;
    }
    if (next === null) return;
  }
}

/**
 * Adds the lower triangle of Σ y_r y_rᵀ over rows taken from [lo, hi) (chunks from `next` when given) into `out`
 * (dim × dim). The caller sums the threads' partial matrices and mirrors the upper triangle.
 */
export function gramRows(y: Float32Array, dim: number, lo: number, hi: number, out: Float64Array, next: Int32Array | null, chunk: number): void {
  let cursor = lo;
  for (;;) {
    let from: number;
    if (next !== null) from = lo + Atomics.add(next, 0, chunk);
    else from = cursor;
    if (from >= hi) return;
    const to = next !== null ? Math.min(hi, from + chunk) : hi;
    cursor = to;
    for (let row = from; row < to; row++) {
      const o = row * dim;
      for (let i = 0; i < dim; i++) {
        const yi = y[o + i]!;
        if (yi === 0) continue;
        const gi = i * dim;
        for (let j = 0; j <= i; j++) out[gi + j]! += yi * y[o + j]!;
      }
    }
    if (next === null) return;
  }
}
