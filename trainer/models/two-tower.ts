// Two-tower retrieval model trained with tfjs (one code path for Node and the browser; the backend comes from
// trainer/backend.ts — wasm in Node, the fastest tfjs backend there). The item tower reads an id embedding (dropped
// to the out-of-vocabulary row for a share of each batch, so it learns to do without: new items use that row), the
// hashed title/description tokens, categories and numeric bins, and standardised numbers; the user tower reads the
// mean of the item-tower outputs over the user's other items (the target is never in its own history; dropped
// entirely for a share of users) plus the user's attributes. Loss: in-batch sampled softmax with log-Q correction
// (weight `logQ`), optionally with uniformly drawn extra negatives (`negatives`, the correction then for that mixed
// proposal) and a learned item-bias coordinate (`itemBias`). Users without history (new users: attributes only)
// are served by a ridge map from attributes to the warm users' vectors, not the user tower fed an empty pool, which
// ranked below popularity (two-tower-cold-users.ts; stored with the weights, so the shared kernel uses it too).
// After training, every item (cold catalogue items included) and every user gets a vector: items.bin and users.bin
// stay a dot product to serve. By default (`warmStart: "als"`, train.ts) known items and users keep the vectors of an
// ALS model trained first on the same data, and the item tower's output layer and the cold-user head are fitted onto
// that space, so new items/users land in it (two-tower-als.ts; ML-100k warm NDCG@10 went from 60% of ALS's to ALS's);
// with "none", every vector is the towers' own.
//
// Defaults, measured on validation splits carved from bench:coldstart's TRAINING part only (ML-100k, loaded
// machine, one seed — a coarse check, not a search): full log-Q + 256 uniform negatives + item bias gave user-cold
// 0.151 / item-cold 0.244 Recall@20; log-Q 0.5 without them 0.144 / 0.263 (popularity 0.131 on the user-cold one),
// so the simpler loss stays the default and the two options stay off.

import * as tf from "@tensorflow/tfjs-core";
import { type Csr, toCsr } from "../../shared/data/csr.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { type Encoded, encodeItem, encodeUser, type FeatureSpec, fitFeatureSpec } from "../../shared/features/encode.ts";
import { linearHeadForward, TOWER_WEIGHTS, type TowerWeights } from "../../shared/features/tower-kernel.ts";
import { Rng } from "../../shared/random.ts";
import { type BackendOptions, chooseBackend, currentBackend } from "../backend.ts";
import { runEpochs } from "./epochs.ts";
import { ALIGN_RIDGE, alignItemTower } from "./two-tower-als.ts";
import { fitColdUserHead } from "./two-tower-cold-users.ts";
import { createTowerVars, itemTower, pinBiasColumn, type StepInput, type TowerBatch, towerStep, type TowerVars, userTower } from "./two-tower-graph.ts";
import type { TrainHooks, TrainedModel } from "./types.ts";

export interface TwoTowerOptions {
  dim: number;
  embed: number;
  hidden: number;
  epochs: number;
  batchSize: number;
  lr: number;
  /** Share of items per batch whose id embedding is replaced by the OOV row. */
  idDropout: number;
  /** Share of users per batch trained with an empty history (attributes only). */
  historyDropout: number;
  /** History items sampled per user in training. */
  historySize: number;
  /** Weight of the log-Q correction (0 = none, 1 = full: scores estimate log P(item | user), popularity in). */
  logQ: number;
  /**
   * Extra negatives per batch drawn uniformly from the items with training interactions (mixed negative sampling):
   * in-batch negatives alone are popular items, so a rarely drawn item's log-Q-corrected logit is noisy and the
   * model misjudges the tail; uniform ones show every item as a negative regularly.
   */
  negatives: number;
  /** Fit the cold-user head (attributes → user vector, for users without history; two-tower-cold-users.ts). */
  coldUserHead: boolean;
  /**
   * New items' vectors from a linear head over their features (the same ridge map as the cold-user head, fitted to
   * the warm items' vectors) instead of the item tower without its id. Measured on bench:coldstart (ML-100k, 20% of
   * items held out): see README.
   */
  coldItemHead: boolean;
  /** Reserve the last vector coordinate for a learned item bias (users carry a constant 1 there). */
  itemBias: boolean;
  /**
   * "als" (default): train.ts trains ALS on the same data first and the model serves known items and users by their
   * ALS vectors, new ones by the towers aligned to that space (two-tower-als.ts); "none": the towers' own vectors.
   */
  warmStart: "als" | "none";
  /** Ridge shrinkage of the ALS alignment of the item tower's output layer (relative; two-tower-als.ts). */
  alignRidge: number;
  /** Each warm item's weight in that fit: its interaction count to this power (0 = all alike). */
  alignPower: number;
  buckets: number;
  seed: number;
  backend?: BackendOptions;
}

export const TWO_TOWER_DEFAULTS: TwoTowerOptions = {
  dim: 64, embed: 32, hidden: 128, epochs: 3, batchSize: 512, lr: 0.003, idDropout: 0.3, historyDropout: 0.1,
  historySize: 24, logQ: 0.5, negatives: 0, itemBias: false, coldUserHead: true, coldItemHead: true, warmStart: "als", alignRidge: ALIGN_RIDGE, alignPower: 0, buckets: 1 << 14, seed: 42,
};

/** What a trained two-tower model keeps besides its vectors: weights, encoder spec and id rows, for model/. */
export interface TwoTowerExtras {
  weights: TowerWeights;
  spec: FeatureSpec;
  /** Id-embedding row of each item row (0 = OOV: no training interactions). */
  idRowOf: Int32Array;
}

export type TrainedTwoTower = TrainedModel & { twoTower: TwoTowerExtras };

/**
 * Trains the towers on `data`. With `als` (an ALS model of the same data at the same dim; train.ts passes one when
 * `warmStart` is "als"), known items/users get its vectors and the towers are aligned to its space
 * (two-tower-als.ts); without, every vector is the towers' own.
 */
export async function trainTwoTower(data: Interactions, opts: TwoTowerOptions, hooks: TrainHooks = {}, als?: TrainedModel): Promise<TrainedTwoTower> {
  if (als && (als.dim !== opts.dim || als.items !== data.itemIds.size || als.users !== data.userIds.size)) {
    throw new RangeError(`two-tower: the ALS warm start is ${als.users}×${als.items} at dim ${als.dim}, the data ${data.userIds.size}×${data.itemIds.size} at dim ${opts.dim}`);
  }
  const backend = currentBackend() ?? (await chooseBackend(opts.backend));
  const started = performance.now();
  const byUser = toCsr(data);
  const nItems = data.itemIds.size;
  const nUsers = data.userIds.size;
  const nnz = byUser.indices.length;
  if (nnz === 0) throw new RangeError("two-tower: the training set has no interactions");
  const rng = new Rng(opts.seed);
  const spec = fitFeatureSpec(rowsOf(data.itemMeta, nItems), rowsOf(data.userMeta, nUsers), opts.buckets);
  const itemX = encodeAll(nItems, (r) => encodeItem(data.itemMeta?.get(r), spec));
  const userX = encodeAll(nUsers, (r) => encodeUser(data.userMeta?.get(r), spec));
  const counts = new Float64Array(nItems);
  for (let k = 0; k < nnz; k++) counts[byUser.indices[k]!]! += 1;
  const idRowOf = new Int32Array(nItems);
  let idRows = 1;
  for (let r = 0; r < nItems; r++) if (counts[r]! > 0) idRowOf[r] = idRows++;
  const sampling: Sampling = { share: Float32Array.from(counts, (c) => c / nnz), warm: Int32Array.from(idRowOf.keys()).filter((r) => idRowOf[r]! > 0) };
  const vars = createTowerVars(
    { idRows, buckets: spec.buckets, embed: opts.embed, hidden: opts.hidden, dim: opts.dim, itemNumbers: spec.itemNumbers.length, userNumbers: spec.userNumbers.length },
    opts.seed,
  );
  if (opts.itemBias) pinBiasColumn(vars);
  const varList = Object.values(vars);
  const optimizer = tf.train.adam(opts.lr);
  const rowOf = new Int32Array(nnz);
  for (let u = 0; u < nUsers; u++) rowOf.fill(u, byUser.indptr[u]!, byUser.indptr[u + 1]!);
  const B = Math.min(opts.batchSize, nnz);
  const H = opts.historySize;
  try {
    const epochs = await runEpochs(opts.epochs, hooks, started, async () => {
      let lossSum = 0;
      const steps = Math.max(1, Math.floor(nnz / B));
      for (let s = 0; s < steps; s++) {
        if (hooks.signal?.aborted) break;
        const batch = drawBatch(byUser, rowOf, B, H, rng, opts);
        const loss = tf.tidy(() => towerStep(vars, optimizer, { ...stepInput(batch, itemX, userX, idRowOf, sampling, rng, opts), biasColumn: opts.itemBias }).loss);
        lossSum += (await loss.data())[0]!;
        loss.dispose();
        if (s % 20 === 19) await tf.nextFrame();
      }
      return lossSum / steps;
    });
    const weights = await readWeights(vars);
    let itemFactors: Float32Array;
    let userFactors: Float32Array;
    if (als) {
      itemFactors = alignItemTower(vars, weights, itemX, idRowOf, als.itemFactors, opts.dim, { ridge: opts.alignRidge, power: opts.alignPower, counts });
      userFactors = Float32Array.from(als.userFactors);
    } else {
      ({ itemFactors, userFactors } = inferAll(vars, byUser, itemX, userX, idRowOf, opts.dim));
    }
    if (opts.coldItemHead) fitColdItems(weights, idRowOf, itemX, itemFactors, opts.dim);
    if (opts.coldUserHead) fitColdUsers(weights, byUser, userX, userFactors, opts.dim);
    const params = { ...opts, backend: undefined, epochs, buckets: spec.buckets, warmStart: als ? "als" : "none" } as Record<string, unknown>;
    delete params.backend;
    if (als) Object.assign(params, { alsRegularization: als.params.regularization, alsAlpha: als.params.alpha, alsIterations: als.params.iterations, weighting: als.params.weighting });
    return {
      kind: "two-tower", dim: opts.dim, users: nUsers, items: nItems, userFactors, itemFactors,
      params: params as Record<string, number>, foldIn: als?.foldIn ?? null, backend: backend.label, seconds: (performance.now() - started) / 1000 + (als?.seconds ?? 0),
      twoTower: { weights, spec, idRowOf },
    };
  } finally {
    for (const v of varList) v.dispose();
    optimizer.dispose();
  }
}

export interface Batch {
  users: Int32Array;
  items: Int32Array;
  history: Int32Array;
  mask: Float32Array;
}

export function drawBatch(m: Csr, rowOf: Int32Array, B: number, H: number, rng: Rng, o: TwoTowerOptions): Batch {
  const users = new Int32Array(B);
  const items = new Int32Array(B);
  const history = new Int32Array(B * H);
  const mask = new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const k = rng.int(m.indices.length);
    const u = rowOf[k]!;
    users[b] = u;
    items[b] = m.indices[k]!;
    const start = m.indptr[u]!;
    const len = m.indptr[u + 1]! - start;
    if (len <= 1 || rng.next() < o.historyDropout) continue;
    for (let h = 0; h < Math.min(H, len - 1); h++) {
      let p: number;
      do p = start + rng.int(len);
      while (p === k);
      history[b * H + h] = m.indices[p]!;
      mask[b * H + h] = 1;
    }
  }
  return { users, items, history, mask };
}

/** What the sampler knows about items: each one's share of the training interactions, and the warm ones. */
export interface Sampling {
  share: Float32Array;
  warm: Int32Array;
}

export function stepInput(
  b: Batch, itemX: EncodedTable, userX: EncodedTable, idRowOf: Int32Array, sampling: Sampling, rng: Rng,
  o: Pick<TwoTowerOptions, "idDropout" | "historySize" | "logQ" | "negatives">,
): StepInput {
  // The item tower runs once per distinct item of the batch (positives, extra negatives, histories); the softmax's
  // columns and the histories index into it.
  const local = new Map<number, number>();
  const distinct: number[] = [];
  const at = (item: number) => local.get(item) ?? (local.set(item, distinct.push(item) - 1), distinct.length - 1);
  const n = b.items.length;
  const m = sampling.warm.length > 0 ? o.negatives : 0;
  const columnItems = new Int32Array(n + m);
  columnItems.set(b.items);
  for (let j = n; j < n + m; j++) columnItems[j] = sampling.warm[rng.int(sampling.warm.length)]!;
  const candidates = Int32Array.from(columnItems, at);
  const history = Int32Array.from(b.history, (item, k) => (b.mask[k] ? at(item) : 0));
  const rows = Int32Array.from(distinct);
  const c = n + m;
  // An item's expected count among the columns: n draws by interaction share, m uniform over the warm items.
  const uniform = m / Math.max(1, sampling.warm.length);
  const logQ = Float32Array.from(columnItems, (it) => o.logQ * Math.log(n * sampling.share[it]! + uniform));
  const sameItem = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    const own = b.items[i];
    for (let j = 0; j < c; j++) if (j !== i && columnItems[j] === own) sameItem[i * c + j] = 1e9;
  }
  return {
    itemIds: Int32Array.from(rows, (r) => (rng.next() < o.idDropout ? 0 : idRowOf[r]!)),
    items: itemX.batch(rows),
    candidates,
    history,
    mask: b.mask,
    historyWidth: o.historySize,
    users: userX.batch(b.users),
    logQ,
    sameItem,
  };
}

/** Every item and user through the towers, in chunks; users pool their whole history. */
function inferAll(v: TowerVars, m: Csr, itemX: EncodedTable, userX: EncodedTable, idRowOf: Int32Array, dim: number) {
  const nItems = itemX.rows;
  const itemFactors = new Float32Array(nItems * dim);
  const CH = 2048;
  for (let s = 0; s < nItems; s += CH) {
    const rows = Int32Array.from({ length: Math.min(CH, nItems - s) }, (_, k) => s + k);
    itemFactors.set(tf.tidy(() => itemTower(v, Int32Array.from(rows, (r) => idRowOf[r]!), itemX.batch(rows)).dataSync()), s * dim);
  }
  const nUsers = userX.rows;
  const userFactors = new Float32Array(nUsers * dim);
  const items = tf.tensor2d(itemFactors, [nItems, dim]);
  try {
    for (let s = 0; s < nUsers; s += 256) {
      const rows = Int32Array.from({ length: Math.min(256, nUsers - s) }, (_, k) => s + k);
      let width = 1;
      for (const u of rows) width = Math.max(width, m.indptr[u + 1]! - m.indptr[u]!);
      const hist = new Int32Array(rows.length * width);
      const mask = new Float32Array(rows.length * width);
      rows.forEach((u, r) => {
        for (let p = m.indptr[u]!, h = 0; p < m.indptr[u + 1]!; p++, h++) (hist[r * width + h] = m.indices[p]!, mask[r * width + h] = 1);
      });
      userFactors.set(tf.tidy(() => userTower(v, items, hist, mask, width, userX.batch(rows)).dataSync()), s * dim);
    }
  } finally {
    items.dispose();
  }
  return { itemFactors, userFactors };
}

/** Fits the cold-user head on users with history; users without any get its vector (what serving computes). */
function fitColdUsers(weights: TowerWeights, m: Csr, userX: EncodedTable, userFactors: Float32Array, dim: number): void {
  fitColdHead("user", weights, userX, userFactors, dim, (u) => m.indptr[u + 1]! > m.indptr[u]!);
}

/** Fits the cold-item head on items with an id row (trained on); items without one get its vector (as serving does). */
function fitColdItems(weights: TowerWeights, idRowOf: Int32Array, itemX: EncodedTable, itemFactors: Float32Array, dim: number): void {
  fitColdHead("item", weights, itemX, itemFactors, dim, (r) => idRowOf[r]! > 0);
}

/** A linear cold head (two-tower-cold-users.ts) fitted on the `warm` rows into `weights`; the other rows get its vector. */
function fitColdHead(side: "user" | "item", weights: TowerWeights, x: EncodedTable, factors: Float32Array, dim: number, warm: (row: number) => boolean): void {
  const all = x.batch(Int32Array.from({ length: x.rows }, (_, r) => r));
  const head = fitColdUserHead(all, factors, dim, warm);
  weights[`${side}/cold/buckets`] = head.buckets;
  weights[`${side}/cold/feature_embedding`] = head.embedding;
  weights[`${side}/cold/numeric`] = head.numeric;
  weights[`${side}/cold/bias`] = head.bias;
  const { width, numericWidth: nw } = all;
  for (let r = 0; r < x.rows; r++) {
    if (warm(r)) continue;
    const row = { tokens: all.tokens.subarray(r * width, (r + 1) * width), weights: all.weights.subarray(r * width, (r + 1) * width), numeric: all.numeric.subarray(r * nw, (r + 1) * nw) };
    factors.set(linearHeadForward(weights, side, row), r * dim);
  }
}

async function readWeights(v: TowerVars): Promise<TowerWeights> {
  const out = {} as TowerWeights;
  for (const name of TOWER_WEIGHTS) out[name] = { shape: [...v[name].shape], data: (await v[name].data()) as Float32Array };
  return out;
}

/** Encoded features of every row, packed so a batch is a few typed-array copies. */
export interface EncodedTable {
  rows: number;
  batch(rows: Int32Array): TowerBatch;
}

export function encodeAll(n: number, encode: (row: number) => Encoded): EncodedTable {
  const first = encode(0);
  const width = first.tokens.length;
  const nw = first.numeric.length;
  const tokens = new Int32Array(n * width);
  const weights = new Float32Array(n * width);
  const numeric = new Float32Array(n * nw);
  for (let r = 0; r < n; r++) {
    const x = r === 0 ? first : encode(r);
    tokens.set(x.tokens, r * width);
    weights.set(x.weights, r * width);
    numeric.set(x.numeric, r * nw);
  }
  return {
    rows: n,
    batch(rows) {
      const b: TowerBatch = { rows: rows.length, width, tokens: new Int32Array(rows.length * width), weights: new Float32Array(rows.length * width), numeric: new Float32Array(rows.length * nw), numericWidth: nw };
      rows.forEach((r, k) => {
        b.tokens.set(tokens.subarray(r * width, r * width + width), k * width);
        b.weights.set(weights.subarray(r * width, r * width + width), k * width);
        b.numeric.set(numeric.subarray(r * nw, r * nw + nw), k * nw);
      });
      return b;
    },
  };
}

function rowsOf<M>(meta: Map<number, M> | undefined, n: number): (M | undefined)[] {
  return Array.from({ length: n }, (_, r) => meta?.get(r));
}
