// Top-k selection over a score array with a bounded min-heap: O(n log k), no per-element allocation.

export interface TopK {
  /** Rows, best first. */
  rows: Int32Array;
  scores: Float32Array;
}

/**
 * The k highest-scoring rows of `scores`. Rows where `skip(row)` is true are passed over (seen items, filters).
 * Ties break towards the lower row, so results are deterministic.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (row: number) => boolean): TopK {
  const cap = Math.max(0, Math.min(k, scores.length));
  const heapRows = new Int32Array(cap);
  const heapScores = new Float32Array(cap);
  let size = 0;
  for (let row = 0; row < scores.length; row++) {
    const s = scores[row]!;
    if (s !== s) continue; // NaN never ranks
    if (size === cap && !(s > heapScores[0]!)) continue;
    if (skip?.(row)) continue;
    if (size < cap) {
      let i = size++;
      // sift up
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(s, row, heapScores[p]!, heapRows[p]!)) break;
        heapScores[i] = heapScores[p]!;
        heapRows[i] = heapRows[p]!;
        i = p;
      }
      heapScores[i] = s;
      heapRows[i] = row;
    } else {
      siftDown(heapScores, heapRows, size, s, row);
    }
  }
  // Pop into descending order.
  const rows = new Int32Array(size);
  const out = new Float32Array(size);
  for (let n = size; n > 0; n--) {
    rows[n - 1] = heapRows[0]!;
    out[n - 1] = heapScores[0]!;
    const lastS = heapScores[n - 1]!;
    const lastR = heapRows[n - 1]!;
    siftDown(heapScores, heapRows, n - 1, lastS, lastR);
  }
  return { rows, scores: out };
}

// In the min-heap the root is the worst kept entry: lower score, or equal score and higher row.
const worse = (s: number, r: number, s2: number, r2: number): boolean => s < s2 || (s === s2 && r > r2);

function siftDown(hs: Float32Array, hr: Int32Array, size: number, s: number, r: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    let c = l;
    if (l + 1 < size && worse(hs[l + 1]!, hr[l + 1]!, hs[l]!, hr[l]!)) c = l + 1;
    if (!worse(hs[c]!, hr[c]!, s, r)) break;
    hs[i] = hs[c]!;
    hr[i] = hr[c]!;
    i = c;
  }
  if (size > 0) {
    hs[i] = s;
    hr[i] = r;
  }
}

/** scores[j] = <user, item_j> for every row of a row-major item matrix. */
export function scoreAll(items: Float32Array, dim: number, user: ArrayLike<number>, out: Float32Array): Float32Array {
  const n = out.length;
  for (let j = 0, o = 0; j < n; j++, o += dim) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += items[o + d]! * user[d]!;
    out[j] = s;
  }
  return out;
}

