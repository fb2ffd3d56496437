// The two-tower model on tfjs-wasm: hand-written gradients against finite differences, the pure-TS kernel against
// the tfjs forward pass (1e-5), item-cold quality on planted categories, and the sharded weights read back bit-exact
// through tfjs's own io.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeTfjsWeights, encodeTfjsWeights, MAX_SHARD_BYTES } from "../../shared/artifact/tfjs-weights.ts";
import { itemColdSplit, userColdSplit } from "../../shared/data/cold-split.ts";
import { toCsr } from "../../shared/data/csr.ts";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { encodeItem, encodeUser, fitFeatureSpec } from "../../shared/features/encode.ts";
import { itemTowerForward, TOWER_WEIGHTS, type TowerWeights, userTowerForward } from "../../shared/features/tower-kernel.ts";
import { evaluateRanking } from "../../shared/metrics/evaluate.ts";
import { Rng } from "../../shared/random.ts";
import { loadTowers } from "../../shared/features/towers.ts";
import { chooseBackend } from "../backend.ts";
import { dotScorer, evaluateCold, popularityScorer } from "../coldstart-eval.ts";
import { createTowerVars, itemTower, towerStep, type TowerVars, userTower } from "./two-tower-graph.ts";
import { drawBatch, encodeAll, stepInput, trainTwoTower, TWO_TOWER_DEFAULTS } from "./two-tower.ts";
import { twoTowerModelFiles } from "./two-tower-export.ts";

beforeAll(async () => {
  expect((await chooseBackend({ prefer: "wasm" })).name).toBe("wasm");
});

const data = generateSynthetic({ users: 120, items: 60, categories: 4, interactionsPerUser: 10, seed: 9 });
for (let u = 0; u < data.userIds.size; u++) (data.userMeta ??= new Map()).set(u, { categories: [`segment:${u % 3}`], numbers: { age: 20 + (u % 40) } });
for (const [, m] of data.itemMeta ?? []) m.numbers = { price: 10 + m.title!.length };
const spec = fitFeatureSpec([...data.itemMeta!.values()], [...data.userMeta!.values()], 64, 8);
const shapes = { idRows: 61, buckets: 64, embed: 4, hidden: 6, dim: 5, itemNumbers: spec.itemNumbers.length, userNumbers: spec.userNumbers.length };
const itemX = encodeAll(60, (r) => encodeItem(data.itemMeta?.get(r), spec));
const userX = encodeAll(120, (r) => encodeUser(data.userMeta?.get(r), spec));
const idRowOf = Int32Array.from({ length: 60 }, (_, r) => r + 1);

async function weightsOf(v: TowerVars): Promise<TowerWeights> {
  const w = {} as TowerWeights;
  for (const n of TOWER_WEIGHTS) w[n] = { shape: [...v[n].shape], data: (await v[n].data()) as Float32Array };
  return w;
}

describe("two-tower gradients and kernel", () => {
  it("matches finite differences of the sampled-softmax loss", async () => {
    const vars = createTowerVars(shapes, 5);
    const batch = drawBatch(toCsr(data), Int32Array.from(toCsr(data).indices.keys(), rowOfK), 16, 4, new Rng(2), { ...TWO_TOWER_DEFAULTS, historyDropout: 0 });
    const input = stepInput(batch, itemX, userX, idRowOf, { share: new Float32Array(60).fill(1 / 60), warm: Int32Array.from({ length: 60 }, (_, i) => i) }, new Rng(3), { idDropout: 0, historySize: 4, logQ: 1, negatives: 6 });
    const { loss, grads } = towerStep(vars, null, input);
    const base = (await loss.data())[0]!;
    expect(Number.isFinite(base)).toBe(true);
    for (const name of ["item/dense1/kernel", "user/dense2/kernel", "item/feature_embedding", "item/id_embedding", "user/feature_embedding"] as const) {
      const g = (await grads[name]!.data()) as Float32Array;
      // Probe the coordinates with the largest gradient (a zero gradient row says nothing).
      const order = [...g.keys()].sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!)).slice(0, 3);
      for (const k of order) {
        const eps = 1e-2;
        const orig = (await vars[name].data()) as Float32Array;
        const plus = orig.slice();
        plus[k]! += eps;
        vars[name].assign(tf.tensor(plus, vars[name].shape));
        const up = (await towerStep(vars, null, input).loss.data())[0]!;
        const minus = orig.slice();
        minus[k]! -= eps;
        vars[name].assign(tf.tensor(minus, vars[name].shape));
        const down = (await towerStep(vars, null, input).loss.data())[0]!;
        vars[name].assign(tf.tensor(orig, vars[name].shape));
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(numeric - g[k]!), `${name}[${k}] numeric ${numeric} analytic ${g[k]}`).toBeLessThan(2e-3 + 0.05 * Math.abs(g[k]!));
      }
    }
  });

  it("runs the same towers in plain TypeScript as in tfjs, within 1e-5", async () => {
    const vars = createTowerVars(shapes, 11);
    const w = await weightsOf(vars);
    const rows = Int32Array.from({ length: 60 }, (_, r) => r);
    const ids = Int32Array.from(rows, (r) => (r % 5 === 0 ? 0 : idRowOf[r]!));
    const tfItems = (await itemTower(vars, ids, itemX.batch(rows)).data()) as Float32Array;
    let maxDiff = 0;
    const kernelItems = new Float32Array(60 * 5);
    for (const r of rows) {
      const v = itemTowerForward(w, ids[r]!, encodeItem(data.itemMeta?.get(r), spec));
      kernelItems.set(v, r * 5);
      for (let d = 0; d < 5; d++) maxDiff = Math.max(maxDiff, Math.abs(v[d]! - tfItems[r * 5 + d]!));
    }
    expect(maxDiff).toBeLessThan(1e-5);
    const hist = Int32Array.from([1, 7, 9, 0, 3, 0]);
    const mask = Float32Array.from([1, 1, 1, 1, 0, 0]);
    const tfUsers = (await userTower(vars, tf.tensor2d(kernelItems, [60, 5]), hist, mask, 3, userX.batch(Int32Array.from([4, 5]))).data()) as Float32Array;
    const u0 = userTowerForward(w, Float32Array.from([...kernelItems.subarray(5, 10), ...kernelItems.subarray(35, 40), ...kernelItems.subarray(45, 50)]), 3, encodeUser(data.userMeta?.get(4), spec));
    const u1 = userTowerForward(w, kernelItems.subarray(0, 5), 1, encodeUser(data.userMeta?.get(5), spec));
    for (let d = 0; d < 5; d++) {
      expect(Math.abs(u0[d]! - tfUsers[d]!)).toBeLessThan(1e-5);
      expect(Math.abs(u1[d]! - tfUsers[5 + d]!)).toBeLessThan(1e-5);
    }
  });
});

describe("two-tower training", () => {
  it("ranks held-out (never interacted) items far better than chance from their features", async () => {
    const d = generateSynthetic({ users: 300, items: 150, categories: 5, interactionsPerUser: 14, seed: 21 });
    const split = itemColdSplit(d, 0.2, 4);
    const m = await trainTwoTower(split.train, { ...TWO_TOWER_DEFAULTS, dim: 16, embed: 16, hidden: 32, epochs: 6, batchSize: 128, buckets: 512, lr: 0.01 });
    expect(m.backend).toBe("tfjs-wasm");
    expect(m.twoTower.idRowOf.filter((r, i) => split.cold[i] && r !== 0)).toHaveLength(0);
    const score = (user: (u: number, out: Float32Array) => void) =>
      evaluateRanking({ train: toCsr(split.train), test: toCsr(split.test), ks: [10], scoreUser: user })["recall@10"]!;
    const rng = new Rng(1);
    const tower = score((u, out) => {
      for (let i = 0; i < m.items; i++) {
        if (!split.cold[i]) { out[i] = -Infinity; continue; }
        let s = 0;
        for (let k = 0; k < m.dim; k++) s += m.userFactors[u * m.dim + k]! * m.itemFactors[i * m.dim + k]!;
        out[i] = s;
      }
    });
    const random = score((_, out) => { for (let i = 0; i < m.items; i++) out[i] = split.cold[i] ? rng.next() : -Infinity; });
    expect(tower).toBeGreaterThan(random * 1.8);
  });
});

describe("sharded tfjs weights", () => {
  it("shards at ≤ 4 MB and reads back bit-exact through tf.io.decodeWeights and decodeTfjsWeights", async () => {
    const rng = new Rng(3);
    const big = { name: "item/feature_embedding", shape: [40_000, 64], data: Float32Array.from({ length: 40_000 * 64 }, () => rng.normal()) };
    const small = { name: "item/dense1/bias", shape: [7], data: Float32Array.from([1, -2, 3.5, Math.PI, -0, 1e-30, 65504]) };
    const files = encodeTfjsWeights([big, small], { kind: "two-tower" });
    const shards = [...files.keys()].filter((n) => n.endsWith(".bin"));
    expect(shards).toEqual(["model/group1-shard1of3.bin", "model/group1-shard2of3.bin", "model/group1-shard3of3.bin"]);
    for (const s of shards) expect(files.get(s)!.length).toBeLessThanOrEqual(MAX_SHARD_BYTES);
    const json = JSON.parse(new TextDecoder().decode(files.get("model/model.json")!));
    const concat = new Uint8Array(shards.reduce((n, s) => n + files.get(s)!.length, 0));
    shards.reduce((o, s) => (concat.set(files.get(s)!, o), o + files.get(s)!.length), 0);
    const tensors = tf.io.decodeWeights(concat.buffer, json.weightsManifest[0].weights);
    expect(Buffer.from(((await tensors[big.name]!.data()) as Float32Array).buffer).equals(Buffer.from(big.data.buffer))).toBe(true);
    expect(Buffer.from(((await tensors[small.name]!.data()) as Float32Array).buffer).equals(Buffer.from(small.data.buffer))).toBe(true);
    const back = decodeTfjsWeights((n) => files.get(n));
    expect(Buffer.from(back.weights.get(big.name)!.data.buffer).equals(Buffer.from(big.data.buffer))).toBe(true);
    expect(() => decodeTfjsWeights((n) => (n.endsWith("3of3.bin") ? files.get(n)!.subarray(1) : files.get(n)))).toThrow(/runs past the shards|hold/);
    expect(() => decodeTfjsWeights((n) => (n.endsWith("2of3.bin") ? undefined : files.get(n)))).toThrow(/shard model\/group1-shard2of3.bin is missing/);
  });
});

function rowOfK(k: number): number {
  const m = toCsr(data);
  let u = 0;
  while (m.indptr[u + 1]! <= k) u++;
  return u;
}

describe("two-tower cold users", () => {
  // Users declare an interest (their most frequent category) and a meaningless region; items are Zipf-popular.
  const d = generateSynthetic({ users: 500, items: 200, categories: 6, interactionsPerUser: 12, seed: 5 });
  const catOf = new Map([...d.itemMeta!].map(([i, m]) => [i, m.categories![0]!]));
  const byUser = toCsr(d);
  const opts = { ...TWO_TOWER_DEFAULTS, dim: 16, embed: 16, hidden: 32, epochs: 6, batchSize: 128, buckets: 512, lr: 0.01, negatives: 64, itemBias: true };
  const userMeta = new Map<number, { categories: string[]; numbers: { age: number } }>();
  for (let u = 0; u < byUser.rows; u++) {
    const tally = new Map<string, number>();
    for (let p = byUser.indptr[u]!; p < byUser.indptr[u + 1]!; p++) tally.set(catOf.get(byUser.indices[p]!)!, (tally.get(catOf.get(byUser.indices[p]!)!) ?? 0) + 1);
    const top = [...tally].sort((a, b) => b[1] - a[1])[0]![0];
    userMeta.set(u, { categories: [`interest:${top}`, `region:${u % 4}`], numbers: { age: 18 + ((u * 7) % 50) } });
  }
  const split = userColdSplit({ ...d, userMeta }, 0.2, 3);
  let m: Awaited<ReturnType<typeof trainTwoTower>>;
  beforeAll(async () => {
    m = await trainTwoTower(split.train, opts);
  });

  it("serves fully new users from their attributes better than popularity, all by the model", () => {
    const tower = evaluateCold(split, "user-cold", dotScorer(m.userFactors, m.itemFactors, m.dim));
    const popularity = evaluateCold(split, "user-cold", popularityScorer(split.train), { served: () => false });
    expect(tower["recall@20"]).toBeGreaterThan(1.1 * popularity["recall@20"]);
    expect(tower.coverage).toBe(1);
    expect(popularity.coverage).toBe(0);
  });

  it("ships the cold-user head: the exported towers give a new user the vector training gave, warm users a bias 1", () => {
    const towers = loadTowers((n) => twoTowerModelFiles(m).get(n));
    let maxDiff = 0;
    let checked = 0;
    for (let u = 0; u < m.users; u++) {
      if (!split.cold[u]) continue;
      const v = towers.userVector(new Float32Array(0), 0, userMeta.get(u));
      for (let k = 0; k < m.dim; k++) maxDiff = Math.max(maxDiff, Math.abs(v[k]! - m.userFactors[u * m.dim + k]!));
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
    expect(maxDiff).toBeLessThan(1e-5);
    // The item-bias coordinate: every user vector ends in 1 (pinned through training), on both paths.
    for (let u = 0; u < m.users; u++) if (!split.cold[u]) expect(m.userFactors[u * m.dim + m.dim - 1]).toBeCloseTo(1, 5);
    // A new user with nothing usable gets the head's intercept (the mean warm user), not an error or zeros.
    const blank = towers.userVector(new Float32Array(0), 0, { categories: ["never-seen"] });
    expect(blank.some((x) => x !== 0)).toBe(true);
  });

  it("degrades to about popularity, not far below it, when new users have no usable attributes", async () => {
    const bare = userColdSplit({ ...d, userMeta: undefined }, 0.2, 3);
    const mb = await trainTwoTower(bare.train, opts);
    const tower = evaluateCold(bare, "user-cold", dotScorer(mb.userFactors, mb.itemFactors, mb.dim));
    const popularity = evaluateCold(bare, "user-cold", popularityScorer(bare.train), { served: () => false });
    expect(tower["recall@20"]).toBeGreaterThanOrEqual(0.9 * popularity["recall@20"]);
  });
});
