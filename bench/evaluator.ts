// bench:evaluator — issue #10's independent evaluator on MovieLens-100k, reproduced: a global random 80/20 split of
// the rating rows (not per user), the 80% written to a file and loaded as `edgerec train --data FILE` loads it,
// fitted the way `train` fits with no flags (`--model auto`: ALS and the graph filter, holdout 0.1, the default
// budget, seed 42; `model` says which won), then NDCG@10 / Recall@20 with full ranking over the model's items, each user's training items excluded,
// over every test user the model knows (test items the model never saw count as relevant and are never found).
// Several split seeds, because one split moves NDCG by ±0.005. Prints one JSON object.
// Env: EVAL_SEEDS (comma list, default 1,2,3), EVAL_FORMAT (ratings: user item rating time like u.data, the default;
// binary: user item), EVAL_RUNS (comma list of: defaults = train's default path, rule = --no-tune (both families at their rules); default both),
// EDGEREC_BUDGET_CLOCK=cpu (the search budget counts CPU seconds per thread: on a shared machine the search then
// gets as far as on a quiet one).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../shared/random.ts";
import { autoFit } from "../trainer/model-choice.ts";
import { evaluateServedGraph } from "../trainer/models/graph/served-eval.ts";
import { loadTrainingData } from "../trainer/cli/data-flags.ts";
import { benchClock, useAlsThreads } from "../trainer/models/als-pool.ts";
import type { TrainedModel } from "../trainer/models/types.ts";
import { statsOf } from "../trainer/train.ts";
import { defaultBudgetSeconds } from "../trainer/tuned-fit.ts";
import { ml100kPath } from "./data-path.ts";
import { machine } from "./machine.ts";
import type { Interactions } from "../shared/data/interactions.ts";

const seeds = (process.env.EVAL_SEEDS ?? "1,2,3").split(",").map(Number);
const format = process.env.EVAL_FORMAT ?? "ratings";
const runs = (process.env.EVAL_RUNS ?? "defaults,rule").split(",");
const threads = useAlsThreads();
const lines = readFileSync(join(ml100kPath(), "u.data"), "utf8").split("\n").filter((l) => l.trim() !== "");
const dir = mkdtempSync(join(tmpdir(), "edgerec-evaluator-"));
const round = (x: number | undefined) => Math.round((x ?? 0) * 1e4) / 1e4;
const say = (o: object) => process.stderr.write(`evaluator: ${JSON.stringify(o)}\n`);

/** Scores the test rows (raw user/item ids) against a model trained on `train` (its own id maps). */
function score(train: Interactions, testRows: string[][], m: TrainedModel): Record<string, number> {
  // The test set in the model's id space: unknown users are skipped (no vector to rank for), unknown items are
  // relevant but unreachable, as for any evaluator that ranks the model's own catalogue.
  const users: number[] = [];
  const items: number[] = [];
  const missed = new Map<number, number>();
  for (const [u, i] of testRows) {
    const uu = train.userIds.get(u!);
    if (uu === undefined) continue;
    const ii = train.itemIds.get(i!);
    if (ii === undefined) missed.set(uu, (missed.get(uu) ?? 0) + 1);
    else {
      users.push(uu);
      items.push(ii);
    }
  }
  const test: Interactions = { userIds: train.userIds, itemIds: train.itemIds, users: Int32Array.from(users), items: Int32Array.from(items), weights: new Float32Array(users.length).fill(1), timestamps: new Float64Array(users.length) };
  // As served: a graph model's item–item term included.
  const r = evaluateServedGraph(train, test, m, [10, 20]);
  return { "ndcg@10": round(r["ndcg@10"]), "recall@20": round(r["recall@20"]), users: r.users, unreachable: [...missed.values()].reduce((a, b) => a + b, 0) };
}

const rows: Record<string, unknown>[] = [];
try {
  for (const seed of seeds) {
    const rng = new Rng(seed);
    const order = lines.map((_, k) => k);
    for (let k = order.length - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    const cut = Math.round(0.8 * lines.length);
    const fields = (k: number) => lines[k]!.split("\t");
    // ratings: u.data's own lines (detected from their content); binary: a CSV of user_id,item_id.
    const trainLines = order.slice(0, cut).map((k) => (format === "binary" ? fields(k).slice(0, 2).join(",") : lines[k]!));
    const testRows = order.slice(cut).map(fields);
    const file = join(dir, format === "binary" ? `train-${seed}.csv` : `train-${seed}.data`);
    writeFileSync(file, (format === "binary" ? "user_id,item_id\n" : "") + trainLines.join("\n") + "\n");
    const { data, format: detected } = await loadTrainingData(file, "auto", {}, () => {});
    const budget = defaultBudgetSeconds(statsOf(data).interactions);
    for (const run of runs) {
      const s = performance.now();
      const fit = await autoFit(data, { tune: run === "defaults", holdout: 0.1, budgetSeconds: budget, clock: benchClock(threads), seed: 42, log: (l) => process.stderr.write(`${l}\n`), hooks: () => ({}) });
      const row = { seed, run, detected, model: fit.model, ...score(data, testRows, fit.final), seconds: round((performance.now() - s) / 1000), point: fit.point, fits: fit.search?.trials.length };
      say(row);
      rows.push(row);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const mean = (run: string) => {
  const r = rows.filter((x) => x.run === run).map((x) => x["ndcg@10"] as number);
  return r.length ? round(r.reduce((a, b) => a + b, 0) / r.length) : null;
};
console.log(JSON.stringify({
  bench: "evaluator",
  dataset: "ml-100k u.data",
  split: "global random 80/20 of rating rows",
  format,
  seeds,
  meanNdcg10: Object.fromEntries(runs.map((r) => [r, mean(r)])),
  runs: rows,
  threads,
  machine: machine(),
}));
