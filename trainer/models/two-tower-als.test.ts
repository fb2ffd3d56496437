// The two-tower warm-started from ALS (train.ts's default path): known users/items score as ALS does, new items get
// the cold-item head fitted onto ALS's item vectors (the same vector training stored as the exported kernel computes),
// new users the cold-user head fitted onto ALS's user vectors. Quality bands on planted synthetic data; no timing.

import { beforeAll, describe, expect, it } from "vitest";
import { itemColdSplit, userColdSplit } from "../../shared/data/cold-split.ts";
import { toCsr } from "../../shared/data/csr.ts";
import { randomHoldout } from "../../shared/data/split.ts";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { decodeTfjsWeights, encodeTfjsWeights } from "../../shared/artifact/tfjs-weights.ts";
import { loadTowers } from "../../shared/features/towers.ts";
import { chooseBackend } from "../backend.ts";
import { dotScorer, evaluateCold, popularityScorer } from "../coldstart-eval.ts";
import { evaluateRanking } from "../../shared/metrics/evaluate.ts";
import { Rng } from "../../shared/random.ts";
import { evaluateFactors } from "../evaluate-model.ts";
import { trainModel } from "../train.ts";
import { twoTowerModelFiles } from "./two-tower-export.ts";
import { trainTwoTower, TWO_TOWER_DEFAULTS, type TrainedTwoTower } from "./two-tower.ts";

beforeAll(async () => {
  expect((await chooseBackend({ prefer: "wasm" })).name).toBe("wasm");
});

const d = generateSynthetic({ users: 300, items: 150, categories: 5, interactionsPerUser: 14, seed: 21 });
const o = { dim: 16, seed: 1 };
/** Tower sizes for a few hundred users (two-tower.test.ts's). */
const small = { ...TWO_TOWER_DEFAULTS, ...o, embed: 16, hidden: 32, epochs: 6, batchSize: 128, buckets: 512, lr: 0.01 };

describe("two-tower warm-started from ALS", () => {
  it("scores known users and items within 5% of ALS's NDCG@10, above the towers alone", async () => {
    const { train, test } = randomHoldout(d, { testFraction: 0.2, seed: 3 });
    const als = evaluateFactors(train, test, await trainModel("als", train, o))["ndcg@10"]!;
    const tt = (await trainModel("two-tower", train, o)) as TrainedTwoTower;
    expect(tt.params.warmStart).toBe("als");
    expect(tt.foldIn?.method).toBe("als");
    const warm = evaluateFactors(train, test, tt)["ndcg@10"]!;
    expect(warm).toBeGreaterThanOrEqual(0.95 * als);
    const alone = await trainTwoTower(train, { ...small, warmStart: "none" });
    expect(alone.params.warmStart).toBe("none");
    expect(warm).toBeGreaterThan(evaluateFactors(train, test, alone)["ndcg@10"]!);
  });

  it("embeds new items with the cold-item head: ranked above chance, and the exported kernel gives the stored vectors", async () => {
    // As two-tower.test.ts's item-cold case (30 new items, so Recall@10 among them), with the ALS warm start.
    const split = itemColdSplit(d, 0.2, 4);
    const tt = await trainTwoTower(split.train, small, {}, await trainModel("als", split.train, o));
    const recall = (score: (u: number, out: Float32Array) => void) =>
      evaluateRanking({ train: toCsr(split.train), test: toCsr(split.test), ks: [10], scoreUser: score })["recall@10"]!;
    const rng = new Rng(1);
    const tower = recall((u, out) => {
      for (let i = 0; i < tt.items; i++) {
        let s = 0;
        for (let k = 0; k < tt.dim; k++) s += tt.userFactors[u * tt.dim + k]! * tt.itemFactors[i * tt.dim + k]!;
        out[i] = split.cold[i] ? s : -Infinity;
      }
    });
    const random = recall((_, out) => { for (let i = 0; i < tt.items; i++) out[i] = split.cold[i] ? rng.next() : -Infinity; });
    expect(tower).toBeGreaterThan(1.8 * random);
    const towers = loadTowers((n) => twoTowerModelFiles(tt).get(n));
    let maxDiff = 0;
    let cold = 0;
    for (let i = 0; i < tt.items; i++) {
      if (!split.cold[i]) continue;
      const v = towers.itemVector(split.train.itemMeta?.get(i));
      for (let k = 0; k < tt.dim; k++) maxDiff = Math.max(maxDiff, Math.abs(v[k]! - tt.itemFactors[i * tt.dim + k]!));
      cold++;
    }
    expect(cold).toBe(30);
    expect(maxDiff).toBeLessThan(1e-5);
    // The head beats the item tower without its id here too (bench:coldstart measures it on MovieLens).
    const noHead = await trainTwoTower(split.train, { ...small, coldItemHead: false }, {}, await trainModel("als", split.train, o));
    const towerOnly = recall((u, out) => {
      for (let i = 0; i < noHead.items; i++) {
        let s = 0;
        for (let k = 0; k < noHead.dim; k++) s += noHead.userFactors[u * noHead.dim + k]! * noHead.itemFactors[i * noHead.dim + k]!;
        out[i] = split.cold[i] ? s : -Infinity;
      }
    });
    expect(tower).toBeGreaterThanOrEqual(0.9 * towerOnly);
    // A model whose cold-item head is partial, or shaped for another dim, is refused whole.
    const files = twoTowerModelFiles(tt);
    const { json, weights } = decodeTfjsWeights((n) => files.get(n));
    const rebuilt = (keep: (name: string) => boolean, reshape?: string) =>
      encodeTfjsWeights(
        [...weights.values()].filter((w) => keep(w.name)).map((w) => (w.name === reshape ? { ...w, shape: [w.shape[1]!, w.shape[0]!] } : w)),
        json.edgerec as Record<string, unknown>,
      );
    const partial = rebuilt((n) => n !== "item/cold/numeric");
    expect(() => loadTowers((n) => partial.get(n))).toThrow(/part of the cold-item head/);
    const badShape = rebuilt(() => true, "item/cold/feature_embedding");
    expect(() => loadTowers((n) => badShape.get(n))).toThrow(/cold-item head has shapes/);
  });
});

describe("two-tower warm-started from ALS, new users", () => {
  // Users declare their most frequent category (as in two-tower.test.ts's cold-user case).
  const catOf = new Map([...d.itemMeta!].map(([i, m]) => [i, m.categories![0]!]));
  const byUser = toCsr(d);
  const userMeta = new Map<number, { categories: string[] }>();
  for (let u = 0; u < byUser.rows; u++) {
    const tally = new Map<string, number>();
    for (let p = byUser.indptr[u]!; p < byUser.indptr[u + 1]!; p++) tally.set(catOf.get(byUser.indices[p]!)!, (tally.get(catOf.get(byUser.indices[p]!)!) ?? 0) + 1);
    userMeta.set(u, { categories: [`interest:${[...tally].sort((a, b) => b[1] - a[1])[0]![0]}`, `region:${u % 4}`] });
  }
  const split = userColdSplit({ ...d, userMeta }, 0.2, 3);
  let tt: TrainedTwoTower;
  beforeAll(async () => {
    tt = (await trainModel("two-tower", split.train, o)) as TrainedTwoTower;
  });

  it("serves new users from their attributes above popularity, with the head the export ships", () => {
    const tower = evaluateCold(split, "user-cold", dotScorer(tt.userFactors, tt.itemFactors, tt.dim));
    const popularity = evaluateCold(split, "user-cold", popularityScorer(split.train), { served: () => false });
    expect(tower["recall@20"]).toBeGreaterThan(1.1 * popularity["recall@20"]);
    const towers = loadTowers((n) => twoTowerModelFiles(tt).get(n));
    const u = split.cold.indexOf(1);
    const v = towers.userVector(new Float32Array(0), 0, userMeta.get(u));
    for (let k = 0; k < tt.dim; k++) expect(v[k]).toBeCloseTo(tt.userFactors[u * tt.dim + k]!, 5);
  });
});
