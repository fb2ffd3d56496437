// Truncated SVD of a sparse matrix by randomized subspace iteration (Halko, Martinsson, Tropp 2011, alg. 4.4 + 5.1):
// a random block on the column side, `iterations` rounds of Y ← orth(Aᵀ A Y) (re-orthonormalised every round so
// the block keeps full rank), then Rayleigh–Ritz: the eigen-decomposition of the small (AQ)ᵀ(AQ) gives the singular
// values and both sets of singular vectors. Typed arrays only, so it runs in Node and the browser alike.

import type { Csr } from "../../../shared/data/csr.ts";
import { Rng } from "../../../shared/random.ts";
import { gramOf, orthonormalise, symmetricEigen } from "./dense.ts";

export interface SvdOptions {
  /** Extra columns carried beside the `rank` wanted (accuracy of the trailing singular vectors). */
  oversample: number;
  /** Power (subspace) iterations. */
  iterations: number;
  seed: number;
}

export interface TruncatedSvd {
  rank: number;
  /** Singular values, descending. */
  values: Float64Array;
  /** rows × rank, row-major: left singular vectors. */
  u: Float64Array;
  /** cols × rank, row-major: right singular vectors. */
  v: Float64Array;
}

/** out (a.rows × width) = A · block (a.cols × width), both row-major. */
export function csrTimesBlock(a: Csr, block: Float64Array, width: number, out = new Float64Array(a.rows * width)): Float64Array {
  out.fill(0);
  const { indptr, indices, values } = a;
  for (let r = 0; r < a.rows; r++) {
    const o = r * width;
    for (let p = indptr[r]!; p < indptr[r + 1]!; p++) {
      const w = values[p]!;
      const b = indices[p]! * width;
      for (let j = 0; j < width; j++) out[o + j]! += w * block[b + j]!;
    }
  }
  return out;
}

/**
 * The `rank` leading singular triplets of A. `byRow` is A in CSR and `byCol` is Aᵀ in CSR (the same entries),
 * so both products walk contiguous rows.
 */
export function randomizedSvd(byRow: Csr, byCol: Csr, rank: number, opts: SvdOptions): TruncatedSvd {
  const m = byRow.rows;
  const n = byRow.cols;
  if (byCol.rows !== n || byCol.cols !== m) throw new RangeError(`byCol is ${byCol.rows}×${byCol.cols}, expected ${n}×${m}`);
  const k = Math.max(0, Math.min(rank, m, n));
  const width = Math.min(k + Math.max(0, opts.oversample), m, n);
  const rng = new Rng(opts.seed);
  const random = () => rng.next();
  const q = new Float64Array(n * width);
  for (let x = 0; x < q.length; x++) q[x] = rng.next() - 0.5;
  // One Cholesky-QR pass while iterating (the loss of orthogonality, ε·κ², is ~1e-12 here and the next product
  // re-mixes the block anyway); the block the Rayleigh–Ritz step uses gets the second pass.
  orthonormalise(q, n, width, random, opts.iterations === 0 ? 2 : 1);
  const z = new Float64Array(m * width);
  for (let it = 0; it < opts.iterations; it++) {
    csrTimesBlock(byRow, q, width, z);
    csrTimesBlock(byCol, z, width, q);
    orthonormalise(q, n, width, random, it === opts.iterations - 1 ? 2 : 1);
  }
  csrTimesBlock(byRow, q, width, z);
  // Rayleigh–Ritz on the subspace: (AQ)ᵀ(AQ) = W Λ Wᵀ, so A ≈ (AQW Λ^-½) Λ^½ (QW)ᵀ.
  const { values: lambda, vectors: w } = symmetricEigen(gramOf(z, m, width), width);
  const values = new Float64Array(k);
  for (let j = 0; j < k; j++) values[j] = Math.sqrt(Math.max(0, lambda[j]!));
  const v = projectColumns(q, n, width, w, k);
  const u = projectColumns(z, m, width, w, k);
  for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) u[r * k + j] = values[j]! > 0 ? u[r * k + j]! / values[j]! : 0;
  return { rank: k, values, u, v };
}

/** (rows × width) · W[:, :k] → rows × k. */
function projectColumns(a: Float64Array, rows: number, width: number, w: Float64Array, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let i = 0; i < width; i++) {
      const ai = a[o + i]!;
      if (ai === 0) continue;
      const wi = i * width;
      for (let j = 0; j < k; j++) out[r * k + j]! += ai * w[wi + j]!;
    }
  }
  return out;
}
