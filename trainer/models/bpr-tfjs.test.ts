// BPR on tfjs in Node: the analytic gradient against finite differences, quality on planted clusters, and
// agreement between the wasm and cpu backends from the same seed.

import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { buildCsr, type Csr } from "../../shared/data/csr.ts";
import { Rng } from "../../shared/random.ts";
import { scoreAll, topK } from "../../shared/scoring/topk.ts";
import { chooseBackend } from "../backend.ts";
import { bprStep, trainBprTfjs, type BprTfjsOptions } from "./bpr-tfjs.ts";

/** Users in `clusters` groups; each touches about `density` of its group's items and nothing else. */
function plantedClusters(users: number, items: number, clusters: number, density: number, seed: number): Csr {
  const rng = new Rng(seed);
  const us: number[] = [];
  const is: number[] = [];
  const per = items / clusters;
  for (let u = 0; u < users; u++) {
    const c = u % clusters;
    for (let i = c * per; i < (c + 1) * per; i++) {
      if (rng.next() < density) {
        us.push(u);
        is.push(i);
      }
    }
  }
  return buildCsr(users, items, Int32Array.from(us), Int32Array.from(is), new Float32Array(us.length).fill(1));
}

const OPTS: BprTfjsOptions = { dim: 8, epochs: 12, lr: 0.05, reg: 0.0005, batchSize: 64, seed: 3 };

describe("bprStep", () => {
  it("applies the exact gradient of the BPR loss (checked by finite differences)", async () => {
    await chooseBackend({ prefer: "cpu" });
    const rng = new Rng(1);
    const nU = 3, nI = 4, d = 2, reg = 0.1;
    const u0 = Array.from({ length: nU * d }, () => rng.normal() * 0.5);
    const v0 = Array.from({ length: nI * d }, () => rng.normal() * 0.5);
    const b0 = Array.from({ length: nI }, () => rng.normal() * 0.5);
    // Duplicate rows in the batch (user 0 twice, item 1 as positive and negative) must add up.
    const bu = Int32Array.from([0, 0, 2]);
    const bi = Int32Array.from([1, 2, 3]);
    const bj = Int32Array.from([3, 1, 0]);
    const loss = (u: number[], v: number[], b: number[]): number => {
      let s = 0;
      for (let k = 0; k < bu.length; k++) {
        const [x, i, j] = [bu[k]!, bi[k]!, bj[k]!];
        let xij = b[i]! - b[j]!;
        let l2 = b[i]! ** 2 + b[j]! ** 2;
        for (let q = 0; q < d; q++) {
          xij += u[x * d + q]! * (v[i * d + q]! - v[j * d + q]!);
          l2 += u[x * d + q]! ** 2 + v[i * d + q]! ** 2 + v[j * d + q]! ** 2;
        }
        s += Math.log1p(Math.exp(-xij)) + reg * l2;
      }
      return s / bu.length;
    };
    const numeric = (which: 0 | 1 | 2): number[] => {
      const params = [u0, v0, b0];
      return params[which]!.map((_, k) => {
        const eps = 1e-5;
        const plus = params.map((p) => [...p]);
        const minus = params.map((p) => [...p]);
        plus[which]![k]! += eps;
        minus[which]![k]! -= eps;
        return (loss(plus[0]!, plus[1]!, plus[2]!) - loss(minus[0]!, minus[1]!, minus[2]!)) / (2 * eps);
      });
    };
    const vars = {
      users: tf.variable(tf.tensor2d(u0, [nU, d])),
      items: tf.variable(tf.tensor2d(v0, [nI, d])),
      bias: tf.variable(tf.tensor2d(b0, [nI, 1])),
    };
    // Plain SGD with rate 1: the change in each table is minus its gradient.
    const reported = bprStep(vars, tf.train.sgd(1), bu, bi, bj, reg);
    const grads = [
      Array.from(await vars.users.data(), (x, k) => u0[k]! - x),
      Array.from(await vars.items.data(), (x, k) => v0[k]! - x),
      Array.from(await vars.bias.data(), (x, k) => b0[k]! - x),
    ];
    for (const which of [0, 1, 2] as const) {
      const want = numeric(which);
      grads[which]!.forEach((g, k) => expect(g).toBeCloseTo(want[k]!, 4));
    }
    // The reported loss is the BPR term alone (no L2), before the step.
    let pure = 0;
    for (let k = 0; k < bu.length; k++) {
      const [x, i, j] = [bu[k]!, bi[k]!, bj[k]!];
      let xij = b0[i]! - b0[j]!;
      for (let q = 0; q < d; q++) xij += u0[x * d + q]! * (v0[i * d + q]! - v0[j * d + q]!);
      pure += Math.log1p(Math.exp(-xij)) / bu.length;
    }
    expect((await reported.data())[0]).toBeCloseTo(pure, 5);
    tf.dispose([reported, vars.users, vars.items, vars.bias]);
  });
});

describe("trainBprTfjs", () => {
  it("learns planted clusters on wasm: recommendations stay in the user's cluster, loss falls", async () => {
    await chooseBackend({ prefer: "wasm" });
    const data = plantedClusters(80, 40, 4, 0.5, 11);
    const losses: number[] = [];
    const model = await trainBprTfjs(data, OPTS, { onEpoch: (r) => void losses.push(r.loss) });
    expect(model).toMatchObject({ kind: "bpr", dim: 9, users: 80, items: 40, backend: "tfjs-wasm", foldIn: { method: "mean", biasLast: true } });
    expect(losses).toHaveLength(12);
    expect(losses[11]!).toBeLessThan(losses[0]! * 0.6);
    let inCluster = 0;
    let total = 0;
    const scores = new Float32Array(40);
    for (let u = 0; u < 80; u++) {
      scoreAll(model.itemFactors, model.dim, model.userFactors.subarray(u * 9, (u + 1) * 9), scores);
      const seen = new Set(data.indices.subarray(data.indptr[u]!, data.indptr[u + 1]!));
      for (const row of topK(scores, 3, (r) => seen.has(r)).rows) {
        total++;
        if (Math.floor(row / 10) === u % 4) inCluster++;
      }
    }
    expect(inCluster / total).toBeGreaterThan(0.9);
  });

  it("gives the same model on wasm and cpu from the same seed", async () => {
    const data = plantedClusters(40, 24, 3, 0.5, 5);
    const opts = { ...OPTS, epochs: 2 };
    const run = async (backend: "wasm" | "cpu") => {
      await chooseBackend({ prefer: backend });
      const losses: number[] = [];
      const model = await trainBprTfjs(data, opts, { onEpoch: (r) => void losses.push(r.loss) });
      return { model, losses };
    };
    const a = await run("wasm");
    const b = await run("cpu");
    expect(a.model.backend).toBe("tfjs-wasm");
    expect(b.model.backend).toBe("tfjs-cpu");
    a.losses.forEach((l, k) => expect(l).toBeCloseTo(b.losses[k]!, 5));
    let maxDiff = 0;
    a.model.itemFactors.forEach((x, k) => (maxDiff = Math.max(maxDiff, Math.abs(x - b.model.itemFactors[k]!))));
    a.model.userFactors.forEach((x, k) => (maxDiff = Math.max(maxDiff, Math.abs(x - b.model.userFactors[k]!))));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it("stops when the epoch hook says so and reports metrics from evaluate", async () => {
    await chooseBackend({ prefer: "wasm" });
    const data = plantedClusters(20, 12, 2, 0.6, 2);
    const seen: Array<Record<string, number> | undefined> = [];
    const model = await trainBprTfjs(data, { ...OPTS, epochs: 5, evaluate: (m) => ({ rows: m.items }) }, {
      onEpoch: (r) => {
        seen.push(r.metrics);
        return r.epoch === 2 ? "stop" : undefined;
      },
    });
    expect(seen).toEqual([{ rows: 12 }, { rows: 12 }]);
    expect(model.params.epochs).toBe(2);
  });

  it("refuses bad options with a message naming the option", async () => {
    const data = plantedClusters(4, 4, 1, 1, 1);
    await expect(trainBprTfjs(data, { ...OPTS, dim: 0 })).rejects.toThrow(/dim must be a positive integer, got 0/);
    await expect(trainBprTfjs(data, { ...OPTS, lr: Number.NaN })).rejects.toThrow(/lr must be a positive number/);
    const empty = buildCsr(2, 2, new Int32Array(0), new Int32Array(0), new Float32Array(0));
    await expect(trainBprTfjs(empty, OPTS)).rejects.toThrow(/no interactions/);
  });
});
