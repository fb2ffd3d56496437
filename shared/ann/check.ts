// Input checks shared by every AnnIndex implementation, so both raise the same AnnError for the same bad input.

import { AnnError } from "./errors.ts";
import type { AnnSpace } from "./types.ts";

export const ANN_SPACES: readonly AnnSpace[] = ["ip", "l2", "cosine"];
/** Labels are item rows stored as u32 in memory (hnswlib files hold them as u64). */
export const MAX_LABEL = 0xffff_ffff;

export function checkSpace(space: string): AnnSpace {
  if (!(ANN_SPACES as readonly string[]).includes(space)) {
    throw new AnnError("ann_bad_params", `unknown space '${space}'; expected one of: ${ANN_SPACES.join(", ")}`);
  }
  return space as AnnSpace;
}

export function checkDim(dim: number): number {
  if (!Number.isInteger(dim) || dim < 1 || dim > 65_536) {
    throw new AnnError("ann_bad_params", `dimension must be an integer in [1, 65536], got ${dim}`);
  }
  return dim;
}

/**
 * Copies `vector` into `out` (a new Float32Array by default) after checking its length and values. For `cosine` the copy is normalised
 * to unit length (a zero vector has no direction and is refused).
 */
export function checkVector(vector: ArrayLike<number>, dim: number, space: AnnSpace, what = "vector", out: Float32Array = new Float32Array(dim)): Float32Array {
  if (vector == null || typeof vector.length !== "number") {
    throw new AnnError("ann_dimension", `${what} must be an array of ${dim} numbers`);
  }
  if (vector.length !== dim) {
    throw new AnnError("ann_dimension", `${what} has ${vector.length} components; the index has dimension ${dim}`);
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) {
    const x = vector[d]!;
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new AnnError("ann_bad_vector", `${what} component ${d} is ${String(x)}; every component must be a finite number`);
    }
    out[d] = x;
    norm += x * x;
  }
  if (!Number.isFinite(norm)) throw new AnnError("ann_bad_vector", `${what} norm overflows float32`);
  if (space === "cosine") {
    if (norm === 0) throw new AnnError("ann_bad_vector", `${what} is all zeros; cosine similarity needs a direction`);
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[d] = out[d]! * inv;
  }
  return out;
}

export function checkK(k: number): number {
  if (!Number.isInteger(k) || k <= 0) throw new AnnError("ann_bad_k", `k must be a positive integer, got ${k}`);
  return k;
}

export function checkLabel(label: number): number {
  if (!Number.isInteger(label) || label < 0 || label > MAX_LABEL) {
    throw new AnnError("ann_bad_label", `label must be an integer in [0, ${MAX_LABEL}], got ${label}`);
  }
  return label;
}
