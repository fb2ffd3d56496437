// GraphSAGE's building blocks as tf.customGrad functions, each with its gradient written out, so tfjs autograd
// (tf.variableGrads) composes them without any registered gradient: tfjs-core's Node build registers none and its
// ESM gradient registry cannot load in Node (directory imports), the wasm backend lacks UnsortedSegmentSum
// (tf.gather's own gradient) and logSigmoid's gradient is broken in 4.22 (DESIGN.md). Every op used between these
// blocks is inside one of them, so the graph's backward pass only calls the gradFuncs below. Same code on every
// backend (wasm, cpu, WebGPU, WebGL).

import * as tf from "@tensorflow/tfjs-core";

/**
 * Rows `idx` of `table`, each multiplied by `rowScale` (1 keeps a row, 0 drops it: ID dropout). The gradient is
 * scatterND of the row gradients (duplicates add up) plus L2 decay `2·reg/n · row` on the rows a batch touches.
 */
export function gatherRows(table: tf.Tensor2D, idx: Int32Array, rowScale: Float32Array | null, reg: number, n: number): tf.Tensor2D {
  const index = tf.tensor2d(idx, [idx.length, 1], "int32");
  const scale = rowScale ? tf.tensor2d(rowScale, [idx.length, 1]) : null;
  const f = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    const rows = tf.gatherND(t, index) as tf.Tensor2D;
    const value = scale ? tf.mul(rows, scale) : rows;
    // Everything the gradient reads is saved: the forward pass runs in a tidy that disposes the rest.
    save(scale ? [rows, index, scale] : [rows, index]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [rows, index, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor?];
        let g = scale ? tf.mul(dy, scale) : dy;
        if (reg > 0) g = tf.add(g, tf.mul(rows, (2 * reg) / n));
        return tf.scatterND(index, g, t.shape);
      },
    };
  }) as never);
  return f(table) as tf.Tensor2D;
}

/**
 * One mean-aggregator layer: z = [self ‖ mean_f(mask·neigh)] · W, then relu and L2-normalise when `hidden`
 * (GraphSAGE's layer-1 output), linear otherwise (the final embedding, scored by dot product).
 * self: N × d, neigh: (N·F) × d (F samples per node), mask: N × F with 1 for a real sample, 0 for padding.
 */
export function sageLayer(self: tf.Tensor2D, neigh: tf.Tensor2D, w: tf.Tensor2D, mask: Float32Array, fanout: number, hidden: boolean): tf.Tensor2D {
  const n = self.shape[0];
  const d = self.shape[1];
  const m = tf.tensor3d(mask, [n, fanout, 1]);
  const counts = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let c = 0;
    for (let f = 0; f < fanout; f++) c += mask[r * fanout + f]!;
    counts[r] = 1 / Math.max(1, c);
  }
  const inv = tf.tensor2d(counts, [n, 1]);
  const f = tf.customGrad(((s: tf.Tensor, nb: tf.Tensor, wt: tf.Tensor, save: tf.GradSaveFunc) => {
    const mean: tf.Tensor2D = tf.mul(tf.sum(tf.mul(tf.reshape(nb, [n, fanout, d]), m), 1), inv);
    const a = tf.concat([s as tf.Tensor2D, mean], 1);
    const z = tf.matMul(a, wt as tf.Tensor2D) as tf.Tensor2D;
    let out: tf.Tensor2D = z;
    let pos: tf.Tensor2D | null = null;
    let norm: tf.Tensor2D | null = null;
    if (hidden) {
      pos = tf.cast(tf.greater(z, 0), "float32") as tf.Tensor2D;
      const r = tf.relu(z);
      norm = tf.sqrt(tf.add(tf.sum(tf.square(r), 1, true), 1e-12)) as tf.Tensor2D;
      out = tf.div(r, norm) as tf.Tensor2D;
    }
    save(hidden ? [a, wt, m, inv, out, pos!, norm!] : [a, wt, m, inv]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [a, wt, m, inv, y, pos, norm] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D?, tf.Tensor2D?, tf.Tensor2D?];
        let dz = dy as tf.Tensor2D;
        if (hidden) {
          // y = r/‖r‖ → dr = (dy − y·(dy·y))/‖r‖; relu → dz = dr·[z > 0].
          const dr = tf.div(tf.sub(dy, tf.mul(y!, tf.sum(tf.mul(dy, y!), 1, true))), norm!);
          dz = tf.mul(dr, pos!);
        }
        // Explicit transposes: tfjs-wasm's BatchMatMul runs XNNPACK only on untransposed operands and takes a generic
        // loop otherwise, 5× slower (10240×64ᵀ · 10240×32: 152 vs 30 ms measured); the copy costs far less.
        const dw = tf.matMul(tf.transpose(a), dz);
        const da = tf.matMul(dz, tf.transpose(wt));
        const [ds, dmean] = tf.split(da, [d, d], 1);
        const dn = tf.reshape(tf.mul(tf.reshape(tf.mul(dmean!, inv), [n, 1, d]), m), [n * fanout, d]);
        return [ds!, dn, dw];
      },
    };
  }) as never);
  return f(self, neigh, w) as tf.Tensor2D;
}

/**
 * Mean BPR loss softplus(−x), x = u·(p − q), with L2 decay `reg·(‖u‖² + ‖p‖² + ‖q‖²)` per triple in the gradient
 * (not in the reported loss). Returns a scalar.
 */
export function bprLoss(u: tf.Tensor2D, p: tf.Tensor2D, q: tf.Tensor2D, reg: number): tf.Scalar {
  const n = u.shape[0];
  const f = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, save: tf.GradSaveFunc) => {
    const diff = tf.sub(b, c);
    const x = tf.sum(tf.mul(a, diff), 1, true);
    const value = tf.mean(tf.softplus(tf.neg(x))) as tf.Scalar;
    save([a, b, c, diff, x]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [a, b, c, diff, x] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const g = tf.mul(tf.div(tf.neg(tf.sigmoid(tf.neg(x))), n), dy);
        const decay = (2 * reg) / n;
        const gu = tf.mul(g, a);
        return [tf.add(tf.mul(g, diff), tf.mul(a, decay)), tf.add(gu, tf.mul(b, decay)), tf.sub(tf.mul(c, decay), gu)];
      },
    };
  }) as never);
  return f(u, p, q) as tf.Scalar;
}
