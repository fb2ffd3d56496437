// GraphSAGE on tfjs in Node: the hand-written gradients against finite differences (cpu) and wasm against cpu,
// quality on planted synthetic data vs popularity, the artifact round trip of the weights, and the inductive path.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { toCsr } from "../../../shared/data/csr.ts";
import { randomHoldout } from "../../../shared/data/split.ts";
import { plantSynthetic } from "../../../shared/data/synthetic.ts";
import { Rng } from "../../../shared/random.ts";
import { chooseBackend } from "../../backend.ts";
import { evaluateFactors, evaluatePopularity } from "../../evaluate-model.ts";
import { exportArtifact } from "../../export.ts";
import { checkModelName, normalisedCsr, trainModel } from "../../train.ts";
import { embedNewItem } from "./embed.ts";
import { trainGraphSageModel } from "./model.ts";
import { sampleTree } from "./sampler.ts";
import { bprLoss } from "./ops.ts";
import { forward, type GraphSageModel, type Vars } from "./train.ts";
import { decodeSageWeights, encodeSageWeights, MODEL_JSON } from "./weights.ts";

/** Loss and analytic gradients of one fixed mini-batch on the active backend, and a loss function of raw values. */
async function tinyProblem(seed: number, reg = 0.05) {
  const { data } = plantSynthetic({ users: 12, items: 15, interactionsPerUser: 5, seed });
  const byUser = toCsr(data);
  const byItem = toCsr(data, true);
  const rng = new Rng(seed);
  const d = 3;
  const init = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.normal() * s);
  const raw = {
    userEmb: init(12 * d, 0.5), itemEmb: init(15 * d, 0.5),
    w1User: init(2 * d * d, 0.7), w1Item: init(2 * d * d, 0.7), w2User: init(2 * d * d, 0.7), w2Item: init(2 * d * d, 0.7),
  };
  const shape = (k: keyof typeof raw): [number, number] => (k === "userEmb" ? [12, d] : k === "itemEmb" ? [15, d] : [2 * d, d]);
  const bu = Int32Array.from([0, 3, 3, 7]);
  const bi = Int32Array.from([byUser.indices[byUser.indptr[0]!]!, byUser.indices[byUser.indptr[3]!]!, 2, 4]);
  const bj = Int32Array.from([5, 1, 4, 2]); // item 4 and 2 appear as positive and negative: gradients must add up
  const fan: [number, number] = [3, 2];
  const tr = new Rng(9);
  const ut = sampleTree(byUser, byItem, bu, fan, tr);
  const pt = sampleTree(byItem, byUser, bi, fan, tr);
  const nt = sampleTree(byItem, byUser, bj, fan, tr);
  const drop = Float32Array.from([1, 0, 1, 1]);
  const lossOf = (vals: typeof raw, grads: boolean) =>
    tf.tidy(() => {
      const vars = Object.fromEntries(Object.entries(vals).map(([k, v]) => [k, tf.variable(tf.tensor2d(v, shape(k as keyof typeof raw)), true, `${k}_${seed}_${Math.random()}`)])) as unknown as Vars;
      const f = () => bprLoss(forward(vars, "user", ut, null, fan, reg, 4), forward(vars, "item", pt, drop, fan, reg, 4), forward(vars, "item", nt, null, fan, reg, 4), reg);
      const list = Object.values(vars) as tf.Variable[];
      if (!grads) {
        const v = f().dataSync()[0]!;
        list.forEach((x) => x.dispose());
        return { value: v, grads: {} as Record<string, Float32Array> };
      }
      const r = tf.variableGrads(f, list);
      const out: Record<string, Float32Array> = {};
      for (const [k, x] of Object.entries(vars)) out[k] = r.grads[(x as tf.Variable).name]!.dataSync() as Float32Array;
      const v = r.value.dataSync()[0]!;
      list.forEach((x) => x.dispose());
      return { value: v, grads: out };
    });
  return { raw, lossOf, reg };
}

describe("graphsage gradients", () => {
  it("match central finite differences of the loss (cpu backend, float32)", async () => {
    await chooseBackend({ prefer: "cpu" });
    // reg = 0: the L2 decay is applied in the gradient only (not in the reported loss), so leave it out here.
    const { raw, lossOf } = await tinyProblem(5, 0);
    const { grads } = lossOf(raw, true);
    const eps = 1e-2;
    const f0 = lossOf(raw, false).value;
    let checked = 0;
    for (const key of ["userEmb", "itemEmb", "w1User", "w1Item", "w2User", "w2Item"] as const) {
      for (let k = 0; k < raw[key].length; k++) {
        const plus = { ...raw, [key]: Float32Array.from(raw[key]) };
        plus[key][k]! += eps;
        const minus = { ...raw, [key]: Float32Array.from(raw[key]) };
        minus[key][k]! -= eps;
        const fp = lossOf(plus, false).value;
        const fm = lossOf(minus, false).value;
        // relu and the normalisation of an all-zero relu row are not smooth: skip coordinates whose one-sided
        // differences disagree (a kink within ±eps), and require that nearly all coordinates were checked.
        if (Math.abs(fp - f0 - (f0 - fm)) > 2e-4) continue;
        const numeric = (fp - fm) / (2 * eps);
        expect(Math.abs(numeric - grads[key]![k]!), `${key}[${k}]`).toBeLessThan(2e-3 + 0.05 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0.8 * (12 * 3 + 15 * 3 + 4 * 18));
  });

  it("the custom gather gradient on wasm equals cpu's (scatterND, duplicates added)", async () => {
    await chooseBackend({ prefer: "cpu" });
    const cpu = (await tinyProblem(6)).lossOf((await tinyProblem(6)).raw, true);
    await chooseBackend({ prefer: "wasm" });
    expect(tf.getBackend()).toBe("wasm");
    const p = await tinyProblem(6);
    const wasm = p.lossOf(p.raw, true);
    expect(wasm.value).toBeCloseTo(cpu.value, 4);
    for (const k of Object.keys(cpu.grads)) {
      const a = cpu.grads[k]!;
      const b = wasm.grads[k]!;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
    }
  });
});

describe("graphsage on planted synthetic data", () => {
  const { data } = plantSynthetic({ users: 300, items: 400, interactionsPerUser: 30, seed: 21 });
  const split = randomHoldout(data, { testFraction: 0.2, seed: 2 });
  let model: GraphSageModel;

  beforeAll(async () => {
    await chooseBackend({ prefer: "wasm" });
    const { byUser, byItem } = normalisedCsr(split.train);
    model = await trainGraphSageModel(byUser, byItem, { dim: 16, epochs: 8, seed: 4, learningRate: 0.01 });
  }, 300_000);

  it("ranks held-out items well above popularity", () => {
    const m = evaluateFactors(split.train, split.test, model);
    const pop = evaluatePopularity(split.train, split.test);
    expect(model.backend).toBe("tfjs-wasm");
    expect(m["ndcg@10"]!).toBeGreaterThan(1.2 * pop["ndcg@10"]!);
    expect(m["recall@20"]!).toBeGreaterThan(1.2 * pop["recall@20"]!);
  });

  it("round-trips its weights through the artifact (model/ shards in the manifest with SHA-256)", async () => {
    const files = await exportArtifact(model, split.train, { tenant: "t", version: "v1", metrics: {} });
    const manifest = JSON.parse(new TextDecoder().decode(files.get("manifest.json")!));
    expect(manifest.model.kind).toBe("graphsage");
    expect(manifest.model.foldIn).toEqual({ method: "mean", biasLast: false });
    expect(manifest.files[MODEL_JSON].sha256).toMatch(/^[0-9a-f]{64}$/);
    const shards = Object.keys(manifest.files).filter((n) => n.startsWith("model/group1-shard"));
    expect(shards.length).toBeGreaterThanOrEqual(1);
    const back = decodeSageWeights((n) => files.get(n));
    expect(back).toEqual(model.weights);
    // Small shards: many files, same weights; a missing shard is a clear error.
    const small = encodeSageWeights(model.weights, 10_000);
    expect(small.size).toBeGreaterThan(5);
    for (const [name, bytes] of small) if (name !== MODEL_JSON) expect(bytes.byteLength).toBeLessThanOrEqual(10_000);
    expect(decodeSageWeights((n) => small.get(n))).toEqual(model.weights);
    expect(() => decodeSageWeights((n) => (n.endsWith("shard2of" + (small.size - 1) + ".bin") ? undefined : small.get(n)))).toThrow(/is missing/);
  });

  it("embeds a training item from its users alone close to its trained vector (inductive path)", () => {
    const { byItem } = normalisedCsr(split.train);
    const { dim } = model;
    const cos = (a: Float32Array, b: Float32Array) => {
      let ab = 0, aa = 0, bb = 0;
      for (let d = 0; d < dim; d++) { ab += a[d]! * b[d]!; aa += a[d]! ** 2; bb += b[d]! ** 2; }
      return ab / Math.sqrt(aa * bb + 1e-30);
    };
    let own = 0, other = 0, n = 0;
    for (let i = 0; i < byItem.rows && n < 40; i++) {
      const users = byItem.indices.subarray(byItem.indptr[i]!, byItem.indptr[i + 1]!);
      if (users.length < 5) continue;
      const v = embedNewItem(model.weights, model.embeddings.h1User, users);
      expect(v.every(Number.isFinite)).toBe(true);
      own += cos(v, model.itemFactors.subarray(i * dim, (i + 1) * dim));
      const j = (i + 7) % byItem.rows;
      other += cos(v, model.itemFactors.subarray(j * dim, (j + 1) * dim));
      n++;
    }
    expect(n).toBe(40);
    expect(own / n).toBeGreaterThan(0.7);
    expect(own / n).toBeGreaterThan(other / n + 0.2);
    expect(() => embedNewItem(model.weights, model.embeddings.h1User, [1e9])).toThrow(/not in/);
  });
});

describe("graphsage in the trainer registry", () => {
  it("trains through trainModel('graphsage') with its weights attached for the artifact", async () => {
    expect(checkModelName("graphsage")).toBe("graphsage");
    const { data } = plantSynthetic({ users: 40, items: 50, interactionsPerUser: 6, seed: 3 });
    const m = await trainModel("graphsage", data, { dim: 4, epochs: 1, seed: 1 });
    expect(m.kind).toBe("graphsage");
    expect(m.userFactors.length).toBe(40 * 4);
    expect(m.itemFactors.every(Number.isFinite)).toBe(true);
    expect([...m.extraFiles!.keys()].sort()).toEqual(["model/group1-shard1of1.bin", MODEL_JSON]);
  }, 120_000);
});
