// The graph model's sparse item–item term at the edge (neighbours.bin; shared/scoring/neighbour-scorer.ts):
// served score = w · dense + (h + α)^-a · Σ over the user's history of their items' neighbour rows. The history is a
// known user's training items (seen.bin) plus their recent items, or a visitor's recent items. Top-k without
// scanning the catalogue: the dense top-k from the index, the sparse support, and exact scores for their union.

import { combine } from "../../shared/scoring/neighbour-scorer.ts";
import { type TopK, topK } from "../../shared/scoring/topk.ts";
import type { ServingModel } from "./serving-model.ts";

/**
 * The rows the sparse term sums: a known user's training rows (whether or not the request excludes them) and the
 * recent rows; null when the model has no neighbour term or the history is empty.
 */
export function neighbourHistory(model: ServingModel, userId: string | undefined, recentRows: number[]): ArrayLike<number> | null {
  if (!model.neighbours) return null;
  const user = userId !== undefined && model.seen ? model.userRow?.get(userId) : undefined;
  const trained = user === undefined ? null : model.seen!.rows.subarray(model.seen!.offsets[user]!, model.seen!.offsets[user + 1]!);
  if (!trained || trained.length === 0) return recentRows.length > 0 ? recentRows : null;
  if (recentRows.length === 0) return trained;
  // Repeats are fine: the scorer counts each row once.
  const all = new Int32Array(trained.length + recentRows.length);
  all.set(trained);
  all.set(recentRows, trained.length);
  return all;
}

/**
 * Re-ranks `dense` (the index's top-`count` by dense score among rows `skip` keeps) with the sparse term.
 *
 * Exact (up to ties) with respect to the dense ranking the index gives: let D be those `count` rows and S the rows
 * with a non-zero sparse sum. A row j outside D ∪ S scores w·dense(j), since its sparse sum is 0; every row d of D
 * has dense(d) ≥ dense(j) (D is the dense top-`count` of the kept rows) and sparse(d) ≥ 0 (every stored value is
 * ≥ 0) and w ≥ 0, so w·dense(d) + sparse(d) ≥ w·dense(j): `count` rows score at least as well as j, and j is never
 * needed. So the top-`count` of D ∪ S, each scored exactly (dense from the item vectors, not the index's estimate),
 * is the served top-`count` over the whole catalogue; exclusions apply through `skip` to S as to D.
 */
export function rankWithNeighbours(
  model: ServingModel,
  vector: Float32Array,
  history: ArrayLike<number>,
  dense: TopK,
  count: number,
  skip: ((row: number) => boolean) | undefined,
): TopK {
  const term = model.neighbours!;
  const sparse = term.sparse(history);
  // The union, ascending by row (so topK's ties towards the lower position are ties towards the lower row, as the
  // offline scorer's full topK breaks them): the kept support rows, and the dense rows outside the support.
  const rows = new Int32Array(sparse.rows.length + dense.rows.length);
  let n = 0;
  for (let k = 0; k < sparse.rows.length; k++) {
    const r = sparse.rows[k]!;
    if (r < model.rows && !skip?.(r)) rows[n++] = r;
  }
  for (let k = 0; k < dense.rows.length; k++) if (indexIn(sparse.rows, dense.rows[k]!) < 0) rows[n++] = dense.rows[k]!;
  const union = rows.subarray(0, n).sort();
  const scores = new Float32Array(n);
  model.index.scoreRows(vector, union, scores);
  const w = term.params.denseWeight;
  for (let k = 0; k < n; k++) {
    const at = indexIn(sparse.rows, union[k]!);
    scores[k] = combine(w, scores[k]!, at < 0 ? 0 : sparse.scores[at]!);
  }
  const top = topK(scores, count);
  for (let k = 0; k < top.rows.length; k++) top.rows[k] = union[top.rows[k]!]!;
  return top;
}

/** Position of `row` in the ascending `rows`, −1 when absent (binary search). */
function indexIn(rows: Int32Array, row: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = rows[mid]!;
    if (v === row) return mid;
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
