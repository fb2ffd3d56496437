// bench:train-two-tower — the two-tower model's training speed per tfjs backend in Node (wasm, cpu), on a
// synthetic set of 1000 users × 1700 items (≈ 20k interactions) with catalogue-like metadata, defaults otherwise.
// Reports epochs/s and samples/s per backend. EPOCHS=N (default 1). Prints one JSON object. Wall-clock figures
// are noisy on a shared CPU.

import { generateSynthetic } from "../shared/data/synthetic.ts";
import { chooseBackend } from "../trainer/backend.ts";
import { trainTwoTower, TWO_TOWER_DEFAULTS } from "../trainer/models/two-tower.ts";
import { machine } from "./machine.ts";

const epochs = Number(process.env.EPOCHS ?? 1);
const data = generateSynthetic({ users: 1000, items: 1700, interactionsPerUser: 20, categories: 12, seed: 7 });
const rows: Record<string, unknown>[] = [];
for (const prefer of ["wasm", "cpu"] as const) {
  const backend = await chooseBackend({ prefer });
  const t0 = performance.now();
  const m = await trainTwoTower(data, { ...TWO_TOWER_DEFAULTS, epochs });
  const seconds = (performance.now() - t0) / 1000;
  rows.push({
    backend: backend.label,
    epochs,
    trainSeconds: Math.round(m.seconds * 100) / 100,
    epochsPerSecond: Math.round((epochs / m.seconds) * 1e4) / 1e4,
    samplesPerSecond: Math.round((data.users.length * epochs) / m.seconds),
    wallSeconds: Math.round(seconds * 100) / 100,
  });
}
console.log(JSON.stringify({ bench: "train-two-tower", data: { users: data.userIds.size, items: data.itemIds.size, interactions: data.users.length }, params: { ...TWO_TOWER_DEFAULTS, epochs, backend: undefined }, backends: rows, machine: machine() }));
