// bench:ann — the HNSW wasm module against native hnswlib (hnswlib-node) in the same run, single thread, on
// clustered synthetic vectors (Gaussian blobs: CLUSTERS centres ~ N(0, 1), points = centre + NOISE·N(0, 1)).
// Recall@10 is measured against exact search. Prints one JSON object.
// Env overrides (for the tuning notes in shared/ann/TUNING.md): N, DIM, QUERIES, SPACE, M, EFC, EFS, CLUSTERS,
// NOISE, ROUNDS, NATIVE=0 (skip hnswlib-node), DATA=als (ALS item factors of MovieLens-100k instead),
// DATA=artifact:DIR (a trained artifact's items.bin, queried with its users.bin).

import hnswlibNode from "hnswlib-node"; // CommonJS addon: named ESM imports fail under tsx
import { chooseHnswParams } from "../shared/ann/build-index.ts";
import { clusteredVectors } from "../shared/ann/contract.case.ts";
import { ExactIndex } from "../shared/ann/exact.ts";
import { HnswIndex } from "../shared/ann/hnsw.ts";
import type { AnnSpace } from "../shared/ann/types.ts";
import { loadHnswWasmNode } from "../trainer/io/hnsw-wasm-node.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { trainModel } from "../trainer/train.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodePack } from "../shared/artifact/pack.ts";

const { HierarchicalNSW } = hnswlibNode;

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const clusters = env("CLUSTERS", 1000);
const noise = env("NOISE", 0.5);
const dataset = await loadVectors(process.env.DATA ?? "clustered");
const { n, dim, nq, vectors, queries } = dataset;
const space = (process.env.SPACE ?? dataset.space) as AnnSpace;
const chosen = chooseHnswParams(n, dim);
const M = env("M", chosen.M);
const efConstruction = env("EFC", chosen.efConstruction);
const efs = (process.env.EFS ?? "10,20,40,80,160,320").split(",").map(Number);
const withNative = process.env.NATIVE !== "0";
const k = 10;

const log = (msg: string) => process.stderr.write(`bench:ann ${msg}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const row = (vs: Float32Array, i: number) => vs.subarray(i * dim, (i + 1) * dim);
const queryArrays = Array.from({ length: nq }, (_, q) => Array.from(row(queries, q)));

log(`exact search over ${n} × ${dim} (${space})`);
const exact = new ExactIndex({ space, dim, capacity: n });
for (let i = 0; i < n; i++) exact.add(row(vectors, i), i);
let t0 = performance.now();
const truth = Array.from({ length: nq }, (_, q) => new Set(exact.search(row(queries, q), k).map((h) => h.label)));
const exactQps = nq / seconds(t0);

const recallOf = (results: ArrayLike<number>[]) => {
  let found = 0;
  results.forEach((labels, q) => {
    for (let i = 0; i < labels.length; i++) if (truth[q]!.has(labels[i]!)) found++;
  });
  return found / (nq * k);
};

log(`wasm build M=${M} efConstruction=${efConstruction}`);
const wasm = await loadHnswWasmNode();
const hnsw = HnswIndex.create(wasm, { space, dim, capacity: n, M, efConstruction });
t0 = performance.now();
for (let i = 0; i < n; i++) hnsw.add(row(vectors, i), i);
const buildSeconds = seconds(t0);

let native: InstanceType<typeof HierarchicalNSW> | undefined;
let nativeBuildSeconds: number | null = null;
if (withNative) {
  log("native build");
  native = new HierarchicalNSW(space, dim);
  native.initIndex({ maxElements: n, m: M, efConstruction });
  const points = Array.from({ length: n }, (_, i) => Array.from(row(vectors, i)));
  t0 = performance.now();
  for (let i = 0; i < n; i++) native.addPoint(points[i]!, i);
  nativeBuildSeconds = seconds(t0);
}

// Warm-up at the largest ef, so both engines run optimised code (V8 tiers wasm and JS up while they run).
hnsw.ef = Math.max(...efs);
native?.setEf(Math.max(...efs));
for (let q = 0; q < nq; q++) {
  hnsw.search(row(queries, q), k);
  native?.searchKnn(queryArrays[q]!, k);
}

const rows: { ef: number; recall10: number; qps: number; nativeRecall10: number | null; nativeQps: number | null }[] = [];
// Each ef is timed ROUNDS times, alternating engines, and the best round counts: the machine is shared, and the
// best round is the one least disturbed by other processes.
const rounds = env("ROUNDS", 3);
for (const ef of efs) {
  hnsw.ef = ef;
  native?.setEf(ef);
  let qps = 0;
  let nativeQps: number | null = null;
  let ours: number[][] = [];
  let theirs: number[][] = [];
  for (let r = 0; r < rounds; r++) {
    t0 = performance.now();
    ours = queryArrays.map((_, q) => hnsw.search(row(queries, q), k).map((h) => h.label));
    qps = Math.max(qps, nq / seconds(t0));
    if (native) {
      t0 = performance.now();
      theirs = queryArrays.map((q) => native!.searchKnn(q, k).neighbors);
      nativeQps = Math.max(nativeQps ?? 0, nq / seconds(t0));
    }
  }
  rows.push({
    ef,
    recall10: round(recallOf(ours)),
    qps: round(qps, 0),
    nativeRecall10: native ? round(recallOf(theirs)) : null,
    nativeQps: nativeQps === null ? null : round(nativeQps, 0),
  });
  log(`ef=${ef} ${JSON.stringify(rows.at(-1))}`);
}
hnsw.dispose();

console.log(
  JSON.stringify({
    bench: "ann",
    data: dataset.description,
    space,
    n,
    dim,
    M,
    efConstruction,
    threads: 1,
    buildSeconds: round(buildSeconds, 2),
    nativeBuildSeconds: nativeBuildSeconds === null ? null : round(nativeBuildSeconds, 2),
    exactQps: round(exactQps, 1),
    rows,
    machine: machine(),
  }),
);

/** The vectors to index and the queries: clustered synthetic, or (DATA=als) ALS item factors of ML-100k queried with its user factors. */
async function loadVectors(kind: string) {
  if (kind.startsWith("artifact:")) {
    // A trained artifact's item vectors, queried with (up to QUERIES of) its user vectors: the edge's real workload.
    const dir = kind.slice("artifact:".length);
    const items = decodePack(new Uint8Array(readFileSync(join(dir, "items.bin"))), "items.bin");
    const users = decodePack(new Uint8Array(readFileSync(join(dir, "users.bin"))), "users.bin");
    const nq = Math.min(users.rows, env("QUERIES", 1000));
    const step = Math.max(1, Math.floor(users.rows / nq));
    const queries = new Float32Array(nq * users.dim);
    for (let q = 0; q < nq; q++) queries.set(users.data.subarray(q * step * users.dim, (q * step + 1) * users.dim), q * users.dim);
    return { n: items.rows, dim: items.dim, nq, vectors: items.data, queries, space: "ip", description: `item vectors of ${dir}, queried with ${nq} of its user vectors` };
  }
  if (kind === "als") {
    const { data } = await loadInteractions(ml100kPath());
    const model = await trainModel("als", data, { seed: 42, ...(process.env.DIM ? { dim: Number(process.env.DIM) } : {}) });
    const description = `ALS item factors of MovieLens-100k (seed 42), queried with the ${model.users} user factors`;
    return { n: model.items, dim: model.dim, nq: model.users, vectors: model.itemFactors, queries: model.userFactors, space: "ip", description };
  }
  const n = env("N", 100_000);
  const dim = env("DIM", 64);
  const nq = env("QUERIES", 1000);
  const description = `clustered synthetic: ${clusters} Gaussian centres ~ N(0,1), noise ${noise}; ${nq} queries from the same distribution`;
  return { n, dim, nq, vectors: clusteredVectors(n, dim, clusters, 1, noise), queries: clusteredVectors(nq, dim, clusters, 1, noise, 2), space: "cosine", description };
}
