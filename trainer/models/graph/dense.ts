// Small dense linear algebra on row-major Float64Arrays for the randomized SVD: orthonormalisation of tall blocks
// (Cholesky-QR, twice, with modified Gram–Schmidt as the fallback) and the symmetric eigenproblem by cyclic Jacobi.
// Browser-safe, no dependencies.

/**
 * AᵀA of a tall row-major block (rows × cols), in float64. Eight rows at a time: each pass over the (cols × cols)
 * upper triangle then does eight multiply-adds per element instead of one, which is what bounds this loop (the
 * triangle of a 224-wide block is 200 KB, past L1). 3× the one-row loop on Gowalla's 41k × 224 block.
 */
export function gramOf(a: Float64Array, rows: number, cols: number): Float64Array {
  const g = new Float64Array(cols * cols);
  let r = 0;
  for (; r + 7 < rows; r += 8) {
    const o0 = r * cols;
    const o1 = o0 + cols;
    const o2 = o1 + cols;
    const o3 = o2 + cols;
    const o4 = o3 + cols;
    const o5 = o4 + cols;
    const o6 = o5 + cols;
    const o7 = o6 + cols;
    for (let i = 0; i < cols; i++) {
      const a0 = a[o0 + i]!;
      const a1 = a[o1 + i]!;
      const a2 = a[o2 + i]!;
      const a3 = a[o3 + i]!;
      const a4 = a[o4 + i]!;
      const a5 = a[o5 + i]!;
      const a6 = a[o6 + i]!;
      const a7 = a[o7 + i]!;
      const gi = i * cols;
      for (let j = i; j < cols; j++) {
        g[gi + j]! +=
          a0 * a[o0 + j]! + a1 * a[o1 + j]! + a2 * a[o2 + j]! + a3 * a[o3 + j]! + a4 * a[o4 + j]! + a5 * a[o5 + j]! + a6 * a[o6 + j]! + a7 * a[o7 + j]!;
      }
    }
  }
  for (; r < rows; r++) {
    const o = r * cols;
    for (let i = 0; i < cols; i++) {
      const ai = a[o + i]!;
      if (ai === 0) continue;
      const gi = i * cols;
      for (let j = i; j < cols; j++) g[gi + j]! += ai * a[o + j]!;
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) g[i * cols + j] = g[j * cols + i]!;
  return g;
}

/** Lower-triangular L with G = L Lᵀ, or null when G is not (numerically) positive definite. */
export function cholesky(g: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = g[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 1e-13 * Math.max(1, g[j * n + j]!))) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = g[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/**
 * A ← A L⁻ᵀ in place (each row solves x Lᵀ = a), which makes the columns orthonormal when AᵀA = L Lᵀ. Four rows
 * share each read of L (1.7× the one-row loop on a 41k × 224 block).
 */
function rightSolveLt(a: Float64Array, rows: number, cols: number, l: Float64Array): void {
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const o0 = r * cols;
    const o1 = o0 + cols;
    const o2 = o1 + cols;
    const o3 = o2 + cols;
    for (let j = 0; j < cols; j++) {
      const lj = j * cols;
      let s0 = a[o0 + j]!;
      let s1 = a[o1 + j]!;
      let s2 = a[o2 + j]!;
      let s3 = a[o3 + j]!;
      for (let k = 0; k < j; k++) {
        const lk = l[lj + k]!;
        s0 -= a[o0 + k]! * lk;
        s1 -= a[o1 + k]! * lk;
        s2 -= a[o2 + k]! * lk;
        s3 -= a[o3 + k]! * lk;
      }
      const d = l[lj + j]!;
      a[o0 + j] = s0 / d;
      a[o1 + j] = s1 / d;
      a[o2 + j] = s2 / d;
      a[o3 + j] = s3 / d;
    }
  }
  for (; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) {
      let s = a[o + j]!;
      for (let k = 0; k < j; k++) s -= a[o + k]! * l[j * cols + k]!;
      a[o + j] = s / l[j * cols + j]!;
    }
  }
}

/**
 * Orthonormalises the columns of a tall block in place. Cholesky-QR is one Gram matrix and one triangular solve
 * (cache-friendly on typed arrays); a second pass repairs the orthogonality lost to the squared condition number
 * (`passes` = 1 skips it where near-orthonormal is enough: inside power iterations, which re-normalise anyway).
 * Rank-deficient blocks fall back to modified Gram–Schmidt, which zeroes (and then re-randomises) dependent columns.
 */
export function orthonormalise(a: Float64Array, rows: number, cols: number, random: () => number, passes = 2): void {
  for (let pass = 0; pass < passes; pass++) {
    const l = cholesky(gramOf(a, rows, cols), cols);
    if (!l) return gramSchmidt(a, rows, cols, random);
    rightSolveLt(a, rows, cols, l);
  }
}

/** Modified Gram–Schmidt over columns; a column that vanishes is replaced by a random one orthogonal to the rest. */
export function gramSchmidt(a: Float64Array, rows: number, cols: number, random: () => number): void {
  for (let j = 0; j < cols; j++) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = columnNorm(a, rows, cols, j);
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += a[r * cols + k]! * a[r * cols + j]!;
        for (let r = 0; r < rows; r++) a[r * cols + j]! -= dot * a[r * cols + k]!;
      }
      const after = columnNorm(a, rows, cols, j);
      if (after > 1e-10 * Math.max(before, 1e-300) && after > 1e-300) {
        for (let r = 0; r < rows; r++) a[r * cols + j]! /= after;
        break;
      }
      for (let r = 0; r < rows; r++) a[r * cols + j] = random() - 0.5;
    }
  }
}

function columnNorm(a: Float64Array, rows: number, cols: number, j: number): number {
  let s = 0;
  for (let r = 0; r < rows; r++) s += a[r * cols + j]! ** 2;
  return Math.sqrt(s);
}

/**
 * Eigen-decomposition of a symmetric n × n matrix by cyclic Jacobi rotations: returns eigenvalues in descending
 * order and the eigenvectors as the columns of `vectors` (row-major n × n). Accurate to round-off for the small
 * (≤ a few hundred) projected matrices of the randomized SVD.
 */
export function symmetricEigen(m: Float64Array, n: number, maxSweeps = 60): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}
