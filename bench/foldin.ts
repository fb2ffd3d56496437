// bench:foldin — the cost of folding a visitor into an ALS model (what the edge and the widget do per request):
// dim 64, YᵀY precomputed, histories of 5, 20 and 100 items. Prints one JSON object.

import { Rng } from "../shared/random.ts";
import { FoldIn, gramMatrix } from "../shared/scoring/foldin.ts";
import { machine } from "./machine.ts";

const dim = Number(process.env.DIM ?? 64);
const items = 20_000;
const rng = new Rng(1);
const y = Float32Array.from({ length: items * dim }, () => rng.normal() * 0.1);
const foldIn = new FoldIn(dim, gramMatrix(y, items, dim), y, { alpha: 2, regularization: 10 });
const out = new Float32Array(dim);
const rows: Record<string, number>[] = [];
for (const n of [5, 20, 100]) {
  const history = Int32Array.from({ length: n }, () => rng.int(items));
  for (let i = 0; i < 200; i++) foldIn.user(history, null, out); // warm up the JIT
  const reps = 2000;
  const t = performance.now();
  for (let i = 0; i < reps; i++) foldIn.user(history, null, out);
  rows.push({ historyItems: n, microsPerFoldIn: Math.round(((performance.now() - t) / reps) * 1000 * 10) / 10 });
}
console.log(JSON.stringify({ bench: "foldin", dim, rows, machine: machine() }));
