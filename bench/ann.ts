// bench:ann — the HNSW wasm module against native hnswlib (hnswlib-node) in the same run, single thread, on
// clustered synthetic vectors (Gaussian blobs: CLUSTERS centres ~ N(0, 1), points = centre + NOISE·N(0, 1)).
// Recall@10 is measured against exact search. Prints one JSON object.
// Env overrides (for the tuning notes in shared/ann/TUNING.md): N, DIM, QUERIES, SPACE, M, EFC, EFS, CLUSTERS,
// NOISE, NATIVE=0 (skip hnswlib-node).

import hnswlibNode from "hnswlib-node"; // CommonJS addon: named ESM imports fail under tsx
import { chooseHnswParams } from "../shared/ann/build-index.ts";
import { clusteredVectors } from "../shared/ann/contract.case.ts";
import { ExactIndex } from "../shared/ann/exact.ts";
import { HnswIndex } from "../shared/ann/hnsw.ts";
import type { AnnSpace } from "../shared/ann/types.ts";
import { loadHnswWasmNode } from "../trainer/io/hnsw-wasm-node.ts";
import { machine } from "./machine.ts";

const { HierarchicalNSW } = hnswlibNode;

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const n = env("N", 100_000);
const dim = env("DIM", 64);
const nq = env("QUERIES", 1000);
const space = (process.env.SPACE ?? "cosine") as AnnSpace;
const chosen = chooseHnswParams(n, dim);
const M = env("M", chosen.M);
const efConstruction = env("EFC", chosen.efConstruction);
const efs = (process.env.EFS ?? "10,20,40,80,160,320").split(",").map(Number);
const clusters = env("CLUSTERS", 1000);
const noise = env("NOISE", 0.5);
const withNative = process.env.NATIVE !== "0";
const k = 10;

const log = (msg: string) => process.stderr.write(`bench:ann ${msg}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

const vectors = clusteredVectors(n, dim, clusters, 1, noise);
const queries = clusteredVectors(nq, dim, clusters, 1, noise, 2);
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
for (const ef of efs) {
  hnsw.ef = ef;
  t0 = performance.now();
  const ours = queryArrays.map((_, q) => hnsw.search(row(queries, q), k).map((h) => h.label));
  const qps = nq / seconds(t0);
  let nativeQps: number | null = null;
  let nativeRecall10: number | null = null;
  if (native) {
    native.setEf(ef);
    t0 = performance.now();
    const theirs = queryArrays.map((q) => native!.searchKnn(q, k).neighbors);
    nativeQps = round(nq / seconds(t0), 0);
    nativeRecall10 = round(recallOf(theirs));
  }
  rows.push({ ef, recall10: round(recallOf(ours)), qps: round(qps, 0), nativeRecall10, nativeQps });
  log(`ef=${ef} ${JSON.stringify(rows.at(-1))}`);
}
hnsw.dispose();

console.log(
  JSON.stringify({
    bench: "ann",
    data: `clustered synthetic: ${clusters} Gaussian centres ~ N(0,1), noise ${noise}; ${nq} queries from the same distribution`,
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
