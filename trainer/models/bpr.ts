// BPR-MF (Rendle et al. 2009) with typed-array SGD: for a sampled (user, positive, negative) triple, raise
// σ(x_u·(y_i − y_j) + b_i − b_j). Measured here, plain loops run several times faster than tfjs on the CPU backends
// (see bench:train), so this is the Node default; `bpr-tfjs.ts` is the same model on tfjs for WebGPU in the browser.
// Item biases are folded into the vectors (user gets a constant 1, item its bias), so scoring stays a dot product.

import type { Csr } from "../../shared/data/csr.ts";
import { Rng } from "../../shared/random.ts";
import type { TrainHooks, TrainedModel } from "./types.ts";
import { runEpochs } from "./epochs.ts";

export interface BprParams {
  /** Latent dimensions (the exported vectors have one more, carrying the item bias). */
  dim: number;
  epochs: number;
  learningRate: number;
  /** L2 regularisation of user and item factors. */
  regularization: number;
  /** Negatives tried per positive; the hardest (highest-scoring) is used (1 = plain uniform BPR). */
  negatives: number;
  seed: number;
}

export const BPR_DEFAULTS: BprParams = {
  dim: 64,
  epochs: 40,
  learningRate: 0.1,
  regularization: 0.01,
  negatives: 1,
  seed: 42,
};

export async function trainBpr(byUser: Csr, p: BprParams, hooks: TrainHooks = {}): Promise<TrainedModel> {
  const { dim } = p;
  const nUsers = byUser.rows;
  const nItems = byUser.cols;
  const rng = new Rng(p.seed);
  const u = new Float32Array(nUsers * dim);
  const v = new Float32Array(nItems * dim);
  const bias = new Float32Array(nItems);
  const init = 0.1 / Math.sqrt(dim);
  for (let k = 0; k < u.length; k++) u[k] = rng.normal() * init;
  for (let k = 0; k < v.length; k++) v[k] = rng.normal() * init;
  // Samples are drawn per interaction, so active users weigh in proportion to their activity.
  const nnz = byUser.indices.length;
  const rowOf = new Int32Array(nnz);
  for (let r = 0; r < nUsers; r++) rowOf.fill(r, byUser.indptr[r]!, byUser.indptr[r + 1]!);
  const started = performance.now();

  const epochsRun = await runEpochs(p.epochs, hooks, started, (epoch) => {
    // Linear decay to a tenth of the rate over training.
    const lr = p.learningRate * (1 - (0.9 * (epoch - 1)) / Math.max(1, p.epochs));
    let loss = 0;
    for (let s = 0; s < nnz; s++) {
      const k = rng.int(nnz);
      const user = rowOf[k]!;
      const pos = byUser.indices[k]!;
      const uo = user * dim;
      const neg = sampleNegative(byUser, user, nItems, rng, p.negatives, u, uo, v, bias, dim);
      if (neg < 0) continue;
      const io = pos * dim;
      const jo = neg * dim;
      let x = bias[pos]! - bias[neg]!;
      for (let d = 0; d < dim; d++) x += u[uo + d]! * (v[io + d]! - v[jo + d]!);
      // d/dx of −ln σ(x) is −σ(−x); softplus(−x) is the loss, computed stably.
      const g = 1 / (1 + Math.exp(x));
      loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
      const reg = p.regularization;
      for (let d = 0; d < dim; d++) {
        const uf = u[uo + d]!;
        const vi = v[io + d]!;
        const vj = v[jo + d]!;
        u[uo + d] = uf + lr * (g * (vi - vj) - reg * uf);
        v[io + d] = vi + lr * (g * uf - reg * vi);
        v[jo + d] = vj + lr * (-g * uf - reg * vj);
      }
      bias[pos] = bias[pos]! + lr * (g - reg * bias[pos]!);
      bias[neg] = bias[neg]! + lr * (-g - reg * bias[neg]!);
    }
    return loss / Math.max(1, nnz);
  }, () => {
    const m = packBprModel(u, v, bias, nUsers, nItems, dim, "typed-arrays", started, {});
    return { dim: m.dim, userFactors: m.userFactors, itemFactors: m.itemFactors };
  });

  return packBprModel(u, v, bias, nUsers, nItems, dim, "typed-arrays", started, {
    dim, epochs: epochsRun, learningRate: p.learningRate, regularization: p.regularization, negatives: p.negatives, seed: p.seed,
  });
}

/**
 * The exported shape of a BPR model (both engines): factors with the item bias as one more coordinate (the user's
 * is 1), so scoring stays a dot product; fold-in is the mean of seen items' vectors.
 */
export function packBprModel(
  u: Float32Array, v: Float32Array, bias: Float32Array, nUsers: number, nItems: number, dim: number,
  backend: string, started: number, params: TrainedModel["params"],
): TrainedModel {
  const out = dim + 1;
  const userFactors = new Float32Array(nUsers * out);
  const itemFactors = new Float32Array(nItems * out);
  for (let r = 0; r < nUsers; r++) {
    userFactors.set(u.subarray(r * dim, (r + 1) * dim), r * out);
    userFactors[r * out + dim] = 1;
  }
  for (let r = 0; r < nItems; r++) {
    itemFactors.set(v.subarray(r * dim, (r + 1) * dim), r * out);
    itemFactors[r * out + dim] = bias[r]!;
  }
  return {
    kind: "bpr",
    dim: out,
    users: nUsers,
    items: nItems,
    userFactors,
    itemFactors,
    params: { ...params, itemBias: true },
    foldIn: { method: "mean", biasLast: true },
    backend,
    seconds: (performance.now() - started) / 1000,
  };
}

/** An item the user has not interacted with; of `tries` candidates, the one the model ranks highest. -1 if none. */
function sampleNegative(
  m: Csr, user: number, nItems: number, rng: Rng, tries: number,
  u: Float32Array, uo: number, v: Float32Array, bias: Float32Array, dim: number,
): number {
  const start = m.indptr[user]!;
  const end = m.indptr[user + 1]!;
  if (end - start >= nItems) return -1;
  let best = -1;
  let bestScore = -Infinity;
  for (let t = 0; t < tries; t++) {
    let j: number;
    do j = rng.int(nItems);
    while (contains(m.indices, start, end, j));
    if (tries === 1) return j;
    let s = bias[j]!;
    const jo = j * dim;
    for (let d = 0; d < dim; d++) s += u[uo + d]! * v[jo + d]!;
    if (s > bestScore) {
      bestScore = s;
      best = j;
    }
  }
  return best;
}

/** Binary search in a sorted CSR row. */
export function contains(indices: Int32Array, start: number, end: number, value: number): boolean {
  let lo = start;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = indices[mid]!;
    if (x === value) return true;
    if (x < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
