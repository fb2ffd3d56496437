// Exact scores of every item against the visitor's vector, the hot loop of a re-rank. The item matrix is copied once
// into the memory of a 0.6 KB WebAssembly SIMD kernel (wasm/score-all.c, 4 × f32x4 accumulators), which scores
// 100k × 64 several times faster than the scalar loop; where WebAssembly or its SIMD is unavailable (old browsers,
// a CSP without 'wasm-unsafe-eval', memory refused) the shared scalar `scoreAll` does the same job.

import { scoreAll } from "./topk.ts";
import { SCORE_ALL_WASM_BASE64 } from "./wasm/score-all.wasm.ts";

export interface ItemScorer {
  readonly kind: "wasm-simd" | "js";
  /** The item matrix (rows × dim, row-major): read it from here, it may live in wasm memory. */
  readonly items: Float32Array<ArrayBuffer>;
  /** Write the visitor's vector here before `score()`. */
  readonly user: Float32Array<ArrayBuffer>;
  /** scores[j] = <items[j], user> after `score()`. */
  readonly scores: Float32Array<ArrayBuffer>;
  score(): void;
}

/**
 * Scores of every item for one vector at a time, through one ItemScorer over this item matrix (built once: the copy
 * into wasm memory is paid once per matrix, not per vector). Offline evaluation and the searches score every item
 * for thousands of users per candidate; at Gowalla's 41k items × 192 this kernel is what keeps that in budget.
 */
export function vectorScorer(items: Float32Array, dim: number): (vector: ArrayLike<number>, out: Float32Array) => void {
  const scorer = createItemScorer(items, Math.floor(items.length / dim), dim);
  return (vector, out) => {
    scorer.user.set(vector);
    scorer.score();
    out.set(scorer.scores);
  };
}

/** evaluateRanking's `scoreUser` for a factor model: user u's vector against every item. */
export function factorScorer(m: { dim: number; userFactors: Float32Array; itemFactors: Float32Array }): (user: number, out: Float32Array) => void {
  const score = vectorScorer(m.itemFactors, m.dim);
  return (u, out) => score(m.userFactors.subarray(u * m.dim, (u + 1) * m.dim), out);
}

const PAGE = 65536;

export function createItemScorer(items: Float32Array, rows: number, dim: number, prefer: "wasm-simd" | "js" = "wasm-simd"): ItemScorer {
  if (prefer === "wasm-simd") {
    try {
      const scorer = wasmScorer(items, rows, dim);
      if (scorer) return scorer;
    } catch {
      // fall through to the scalar loop
    }
  }
  const copy = new Float32Array(rows * dim);
  copy.set(items.subarray(0, rows * dim));
  const user = new Float32Array(dim);
  const scores = new Float32Array(rows);
  return { kind: "js", items: copy, user, scores, score: () => void scoreAll(copy, dim, user, scores) };
}

function wasmScorer(items: Float32Array, rows: number, dim: number): ItemScorer | null {
  if (typeof WebAssembly !== "object") return null;
  const bytes = base64Bytes(SCORE_ALL_WASM_BASE64);
  if (!WebAssembly.validate(bytes)) return null; // no SIMD in this engine
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: 2 });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exported = instance.exports as { score_all: (items: number, n: number, dim: number, user: number, out: number) => void; __heap_base: WebAssembly.Global };
  // Layout after the kernel's own stack (it uses none) and data: items | user | scores, 16-byte aligned.
  const itemsAt = align16(Number(exported.__heap_base.value));
  const userAt = align16(itemsAt + rows * dim * 4);
  const scoresAt = align16(userAt + dim * 4);
  const pages = Math.ceil((scoresAt + rows * 4) / PAGE);
  if (pages > memory.buffer.byteLength / PAGE) memory.grow(pages - memory.buffer.byteLength / PAGE);
  const buffer = memory.buffer;
  const itemView = new Float32Array(buffer, itemsAt, rows * dim);
  itemView.set(items.subarray(0, rows * dim));
  return {
    kind: "wasm-simd",
    items: itemView,
    user: new Float32Array(buffer, userAt, dim),
    scores: new Float32Array(buffer, scoresAt, rows),
    // The memory never grows after this point, so the views above stay attached.
    score: () => exported.score_all(itemsAt, rows, dim, userAt, scoresAt),
  };
}

const align16 = (x: number): number => (x + 15) & ~15;

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
  return out;
}
