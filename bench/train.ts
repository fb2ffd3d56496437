// bench:train — a synthetic set of about 1M interactions (50k users, 20k items): seconds per epoch of each model at
// the dims the trainer picks, at dim 64 (and 128 for ALS), and the peak resident memory. Prints one JSON object.

import { generateSynthetic } from "../shared/data/synthetic.ts";
import { statsOf, trainModel, type TrainableModel } from "../trainer/train.ts";
import { chooseDim } from "../trainer/defaults.ts";
import { useAlsThreads } from "../trainer/models/als-pool.ts";
import { machine } from "./machine.ts";

// stdout carries the one JSON object and nothing else: whatever a library prints (tfjs's banners, emscripten's
// stdout) goes to stderr, and the process exits once the JSON is written (tfjs-wasm's threads would keep it alive).
console.log = (...args: unknown[]) => console.error(...args);

const epochs = Number(process.env.EPOCHS ?? 3);
// ALS on the worker_threads pool (every core; EDGEREC_THREADS to change), as `edgerec train` runs it.
const threads = useAlsThreads();
const t0 = performance.now();
const data = generateSynthetic({ users: 50_000, items: 20_000, interactionsPerUser: 20, dim: 16, categories: 24, seed: 7 });
const generateSeconds = (performance.now() - t0) / 1000;
const stats = statsOf(data);
const round = (x: number) => Math.round(x * 1000) / 1000;

const rows: Record<string, unknown>[] = [];
for (const model of ["als", "bpr"] as TrainableModel[]) {
  for (const dim of [...new Set([chooseDim(stats), 64, ...(model === "als" ? [128] : [])])]) {
    const times: number[] = [];
    let last = performance.now();
    const m = await trainModel(model, data, { dim, epochs, seed: 1 }, {
      onEpoch: () => {
        const now = performance.now();
        times.push((now - last) / 1000);
        last = now;
      },
    });
    rows.push({
      model,
      dim,
      epochs,
      secondsPerEpoch: round(times.reduce((a, b) => a + b, 0) / times.length),
      totalSeconds: round(m.seconds),
      samplesPerSecond: model === "bpr" ? Math.round(stats.interactions / (times.reduce((a, b) => a + b, 0) / times.length)) : undefined,
    });
  }
}
// The same BPR on tfjs (the browser demo's engine) with Node's fastest tfjs backend, one epoch: the measurement
// behind typed arrays being the Node default.
{
  const { trainBprTfjs, BPR_TFJS_DEFAULTS } = await import("../trainer/models/bpr-tfjs.ts");
  const { normalisedCsr } = await import("../trainer/train.ts");
  const { byUser } = normalisedCsr(data);
  const m = await trainBprTfjs(byUser, { ...BPR_TFJS_DEFAULTS, dim: 64, epochs: 1, backend: { prefer: "wasm" } });
  rows.push({
    model: "bpr",
    engine: m.backend,
    dim: 64,
    epochs: 1,
    secondsPerEpoch: round(m.seconds),
    samplesPerSecond: Math.round(stats.interactions / m.seconds),
  });
}
for (const r of rows) r.engine ??= r.model === "als" && threads > 1 ? `typed-arrays×${threads} threads` : "typed-arrays";

process.stdout.write(
  `${JSON.stringify({
    bench: "train",
    data: { ...stats, generator: "generateSynthetic (planted latent structure)", generateSeconds: round(generateSeconds) },
    models: rows,
    note: "wall-clock on a machine shared with other jobs: noisy",
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    machine: machine(),
  })}\n`,
  () => process.exit(0),
);
