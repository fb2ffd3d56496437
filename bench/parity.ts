// bench:parity — peer parity on Gowalla (issue #10): an own split carved from ../shared/data/gowalla/train.txt
// (PARITY_TEST share of each user's interactions held out, seeded; the public test part stays withheld), then
//   peer:     our ALS pinned at the numpy iALS peer's configuration (d128, α30, λ100, raw 0/1, 15 iterations),
//   defaults: what `edgerec train` does without flags (the search with its default budget, then the refit),
//   graph:    `train --model graph` (its own search), scored as served (with its item–item term when kept),
//   gfcf:     GF-CF computed exactly (bench/peers/gfcf.py, Python + SciPy; skipped with its reason when absent) on
//             the same split and users: the calibration between this split and the withheld test, where GF-CF's
//             published result is Recall@20 0.1849 / NDCG@20 0.1518 — `withheld` estimates a run's figures as
//             its own × GF-CF's published / GF-CF's own (per metric),
// each scored with full ranking (train items excluded): Recall@20, NDCG@20, training seconds. Prints one JSON object.
// Env: PARITY_RUNS (comma list, default "peer,defaults"), PARITY_TEST (default 0.2), PARITY_BUDGET (search seconds;
// default: train's own), SEED, EDGEREC_GOWALLA (the file), EDGEREC_BUDGET_CLOCK=cpu (the search budget counts this process's CPU
// seconds per thread, not wall-clock: on a shared machine the search then gets as far as on a quiet one).

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";
import type { Interactions } from "../shared/data/interactions.ts";
import { randomHoldout } from "../shared/data/split.ts";
import { evaluateFactors, evaluatePopularity } from "../trainer/evaluate-model.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { benchClock, useAlsThreads } from "../trainer/models/als-pool.ts";
import { graphFit } from "../trainer/models/graph/fit.ts";
import { evaluateServedGraph } from "../trainer/models/graph/served-eval.ts";
import { alsSpace } from "../trainer/search/spaces.ts";
import { statsOf } from "../trainer/train.ts";
import { defaultBudgetSeconds, tunedFit } from "../trainer/tuned-fit.ts";
import { machine } from "./machine.ts";

/** GF-CF's published Gowalla figures (LightGCN split, the test part this split's estimate is calibrated to). */
const GFCF_PUBLISHED = { "recall@20": 0.1849, "ndcg@20": 0.1518 };

const seed = Number(process.env.SEED ?? 42);
const testFraction = Number(process.env.PARITY_TEST ?? 0.2);
const runs = (process.env.PARITY_RUNS ?? "peer,defaults").split(",");
const path = process.env.EDGEREC_GOWALLA ?? resolve(fileURLToPath(import.meta.url), "../../../shared/data/gowalla/train.txt");
if (!existsSync(path)) throw new Error(`Gowalla train.txt not found at ${path}; set EDGEREC_GOWALLA`);
const threads = useAlsThreads();
const { data } = await loadInteractions(path);
const { train, test } = randomHoldout(data, { testFraction, seed });
const stats = statsOf(train);
const budget = Number(process.env.PARITY_BUDGET ?? defaultBudgetSeconds(stats.interactions));
const round = (x: number | undefined) => Math.round((x ?? 0) * 1e4) / 1e4;
const pick = (r: Record<string, number>) => ({ "recall@20": round(r["recall@20"]), "ndcg@20": round(r["ndcg@20"]), "ndcg@10": round(r["ndcg@10"]) });
const say = (o: object) => process.stderr.write(`parity: ${JSON.stringify(o)}\n`);

const rows: Record<string, unknown>[] = [];
const pop = { run: "popularity", ...pick(evaluatePopularity(train, test)) };
say(pop);
rows.push(pop);
for (const run of runs) {
  const s = performance.now();
  let row: Record<string, unknown>;
  if (run === "peer") {
    const point = { dim: 128, alpha: 30, regularization: 100, iterations: 15, weighting: "binary", seed };
    const m = await alsSpace.fit(train, point, {}, true);
    const trainSeconds = round((performance.now() - s) / 1000);
    row = { run, ...pick(evaluateFactors(train, test, m)), trainSeconds, point };
  } else if (run === "defaults") {
    const fit = await tunedFit(train, { model: "als", pinned: {}, tune: true, holdout: 0, budgetSeconds: budget, clock: benchClock(threads), seed, log: (l) => process.stderr.write(`${l}\n`) });
    const trainSeconds = round((performance.now() - s) / 1000);
    row = { run, ...pick(evaluateFactors(train, test, fit.final)), trainSeconds, point: fit.point, fits: fit.search?.trials.length, outOfBudget: fit.search?.outOfBudget, budget };
  } else if (run === "graph") {
    const fit = await graphFit(train, { overrides: { seed }, tune: true, holdout: 0, seed, log: (l) => process.stderr.write(`${l}\n`), hooks: () => ({}) });
    const trainSeconds = round((performance.now() - s) / 1000);
    // As served: the dense filter plus the item–item term when the search kept it (the scorer the edge runs).
    row = { run, ...pick(evaluateServedGraph(train, test, fit.final)), trainSeconds, point: fit.point };
  } else if (run === "gfcf") {
    row = gfcf(train, test);
  } else {
    throw new Error(`unknown run '${run}'; expected peer, defaults, graph or gfcf`);
  }
  say(row);
  rows.push(row);
}

// The withheld-test estimate of every run, calibrated on GF-CF when it ran (its published / its own figures).
const ref = rows.find((r) => r.run === "gfcf" && typeof r["recall@20"] === "number") as Record<string, number> | undefined;
if (ref) {
  for (const r of rows as Record<string, unknown>[]) {
    if (typeof r["recall@20"] !== "number") continue;
    r.withheld = { "recall@20": round(((r["recall@20"] as number) * GFCF_PUBLISHED["recall@20"]) / ref["recall@20"]!), "ndcg@20": round(((r["ndcg@20"] as number) * GFCF_PUBLISHED["ndcg@20"]) / ref["ndcg@20"]!) };
  }
}

console.log(JSON.stringify({
  bench: "parity",
  dataset: "gowalla train.txt (LightGCN split's training part)",
  split: `per-user random ${Math.round((1 - testFraction) * 100)}/${Math.round(testFraction * 100)}`,
  seed,
  ...stats,
  threads,
  runs: rows,
  ...(ref ? { calibration: { gfcfPublished: GFCF_PUBLISHED, source: "GF-CF (Shen et al. 2021), Gowalla, LightGCN split's test part" } } : {}),
  note: "wall-clock on a machine shared with other jobs (loaded); trainSeconds include the search and the refit",
  machine: machine(),
}));


/** GF-CF computed exactly by bench/peers/gfcf.py on this split (ids as in the data file). */
function gfcf(train: Interactions, test: Interactions): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), "edgerec-parity-"));
  try {
    const dump = (d: Interactions, file: string) => {
      const lines: string[] = [];
      for (let k = 0; k < d.users.length; k++) lines.push(`${d.userIds.ids[d.users[k]!]} ${d.itemIds.ids[d.items[k]!]}`);
      writeFileSync(join(dir, file), lines.join("\n") + "\n");
    };
    dump(train, "train.txt");
    dump(test, "test.txt");
    const script = resolve(fileURLToPath(import.meta.url), "../peers/gfcf.py");
    const r = spawnSync("python3", [script, join(dir, "train.txt"), join(dir, "test.txt"), "256", "0.3"], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (r.status !== 0) return { run: "gfcf", skipped: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split("\n").pop() };
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
