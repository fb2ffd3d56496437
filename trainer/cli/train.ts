// `edgerec train`: load → sanity checks → hold out a slice → search hyper-parameters on a validation split carved
// from the rest (or rule defaults with --no-tune) → compare with popularity on the held-out slice → refit on
// everything → export the artifact. A model that does not beat popularity exits non-zero unless --allow-worse.

import { basename, resolve } from "node:path";
import { z } from "zod";
import { FORMAT_CHOICES } from "../../shared/data/detect.ts";
import { EdgerecError } from "../../shared/errors.ts";
import { writeArtifactDir } from "../artifact-dir.ts";
import { exportArtifact, versionFromDate } from "../export.ts";
import { useAlsThreads } from "../models/als-pool.ts";
import { checkTrainable } from "../sanity.ts";
import type { Point } from "../search/space.ts";
import { SEARCH_METRIC } from "../search/validation.ts";
import { checkModelName, statsOf, type TrainableModel, WEIGHTINGS } from "../train.ts";
import { defaultBudgetSeconds, describePoint, type TunedFit, tunedFit } from "../tuned-fit.ts";
import { hnswIndexBuilder } from "../index-builder.ts";
import { dataFingerprint, recordRun } from "../runs.ts";
import { intFlag, parseFlags } from "./args.ts";
import { dataFlags, dataFlagsSchema, dataFlagsUsage, loadTrainingData } from "./data-flags.ts";
import type { Command } from "./command.ts";
import { epochLine, log } from "./progress.ts";
import { graphFit } from "../models/graph/fit.ts";
import { type AutoFit, autoFit } from "../model-choice.ts";
import { parseGraphParams } from "../models/graph/defaults.ts";

const usage = `edgerec train --data PATH --out DIR [options]

Trains a model on implicit feedback and writes a versioned artifact (edgerec-artifact/1).

  --data PATH        interactions: a file, or a MovieLens directory with u.data (u.item/u.user used as features)
  --format F         ${FORMAT_CHOICES.join("|")} (default auto: detects and says which)
  --model M          auto | als | bpr | graph | two-tower | graphsage (default auto: ALS and the graph filter are
                     both searched and judged on the holdout, the better one is exported; an ALS flag below pins
                     ALS, --graph-params the graph model, --lr/--negatives BPR; graphsage: tfjs GraphSAGE;
                     two-tower trains with tfjs on wasm and uses --items/--users)
  --graph-params P   graph model parameters as key=value,… (rank, degreeOffset, userExponent, itemExponent, beta,
                     power, itemScale, oversample, iterations, seed); graph's search is its own (README "Graph model")
  --dim N            latent dimensions (default: searched)
  --epochs N         ALS iterations / BPR epochs (default: early stopping on validation NDCG)
  --alpha A          ALS confidence scale α (default: searched)
  --reg L            regularisation λ (default: searched)
  --reg-exponent E   ALS: a user's λ grows as (their weight / the mean user's)^E, 0–2 (default 0.5; not searched)
  --lr R             BPR learning rate (default: searched)
  --negatives N      BPR negatives tried per positive (default: searched)
  --weighting W      mean|binary|log: how repeated/rated interactions weigh (default: searched when weights differ)
  --budget T         time for the search, seconds or e.g. 5m (default: 10 min per 1M interactions, 2–10 min)
  --no-tune          no search: rule defaults (and any flags above)
  --allow-worse      write the artifact even if the model does not beat popularity (marked in the manifest)
  --seed S           random seed (default 42)
  --tenant ID        tenant recorded in the manifest (default "default")
  --version V        version name (default v<UTC timestamp>)
  --out DIR          artifact directory to write
  --holdout F        share of each user's interactions held out to measure the model (default 0.1; 0 = none)
  --tune             (the default; kept for old scripts)
  --int8             store items.bin/users.bin as int8 with per-row scales (4× smaller)
  --no-index         skip index.hnsw
  --runs DIR         run registry to record this run in (default runs/, or $EDGEREC_RUNS)
${dataFlagsUsage}
  -h, --help         this text`;

const flags = {
  data: { type: "string" },
  format: { type: "string" },
  model: { type: "string" },
  dim: { type: "string" },
  epochs: { type: "string" },
  seed: { type: "string" },
  tenant: { type: "string" },
  version: { type: "string" },
  out: { type: "string" },
  holdout: { type: "string" },
  tune: { type: "boolean" },
  "no-tune": { type: "boolean" },
  "graph-params": { type: "string" },
  alpha: { type: "string" },
  reg: { type: "string" },
  "reg-exponent": { type: "string" },
  lr: { type: "string" },
  negatives: { type: "string" },
  weighting: { type: "string" },
  budget: { type: "string" },
  "allow-worse": { type: "boolean" },
  int8: { type: "boolean" },
  "no-index": { type: "boolean" },
  runs: { type: "string" },
  ...dataFlags,
} as const;

const positiveNumber = z.string().regex(/^\d*\.?\d+(e[-+]?\d+)?$/i, "expected a positive number").transform(Number).pipe(z.number().positive().finite());

const schema = z.object({
  data: z.string({ error: "is required" }),
  format: z.string().default("auto"),
  model: z.string().default("auto"),
  dim: intFlag(z, 2, 1024).optional(),
  epochs: intFlag(z, 1, 10_000).optional(),
  seed: intFlag(z, 0, 2 ** 31).default(42),
  tenant: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "1–64 of [A-Za-z0-9_-]").default("default"),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1–64 of [A-Za-z0-9._-]").optional(),
  out: z.string({ error: "is required" }),
  holdout: z.string().default("0.1").transform(Number).pipe(z.number().min(0).max(0.5)),
  tune: z.boolean().default(false),
  "no-tune": z.boolean().default(false),
  alpha: positiveNumber.optional(),
  reg: positiveNumber.optional(),
  "reg-exponent": z.string().regex(/^\d*\.?\d+$/, "expected a number from 0 to 2").transform(Number).pipe(z.number().min(0).max(2)).optional(),
  lr: positiveNumber.optional(),
  negatives: intFlag(z, 1, 100).optional(),
  weighting: z.enum(WEIGHTINGS, { error: `expected one of: ${WEIGHTINGS.join(", ")}` }).optional(),
  budget: z.string().regex(/^\d+(\.\d+)?[sm]?$/, "expected seconds, or minutes like 5m").transform((v) => (v.endsWith("m") ? 60 : 1) * parseFloat(v)).pipe(z.number().min(1).max(86_400)).optional(),
  "allow-worse": z.boolean().default(false),
  "graph-params": z.string().optional(),
  int8: z.boolean().default(false),
  "no-index": z.boolean().default(false),
  runs: z.string().optional(),
  ...dataFlagsSchema,
});

export interface TrainSummary {
  run: string;
  artifact: string;
  tenant: string;
  version: string;
  model: string;
  format: string;
  counts: { users: number; items: number; interactions: number };
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  baseline: Record<string, number>;
  beatsBaseline: boolean;
  search: { trials: number; seconds: number; budget: number; outOfBudget: boolean } | null;
  /** `--model auto`: the families judged, their held-out metrics and search trials (`model` is the one exported). */
  candidates?: { model: string; metrics: Record<string, number>; trials?: number }[];
  seconds: { train: number; total: number };
}

export async function runTrain(args: string[]): Promise<TrainSummary> {
  const f = parseFlags("train", args, flags, schema);
  const auto = f.model === "auto";
  // auto is ALS or the graph filter; a flag that only one family reads picks that family.
  const model = auto ? autoFamily(f) : checkModelName(f.model, ["auto"]);
  const t0 = performance.now();
  useAlsThreads();
  const { data, format, reason } = await loadTrainingData(f.data, f.format, f, log);
  const stats = statsOf(data);
  checkTrainable(data, `${basename(f.data)} (${format})`);
  log(`data: ${format} (${reason}): ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
  const pinned: Point = {};
  const pin = (k: string, v: number | string | undefined) => {
    if (v !== undefined) pinned[k] = v;
  };
  pin("dim", f.dim);
  pin(model === "als" ? "iterations" : "epochs", f.epochs);
  pin("regularization", f.reg);
  pin("weighting", f.weighting);
  if (model === "als") {
    pin("alpha", f.alpha);
    pin("regExponent", f["reg-exponent"]);
  }
  if (model === "bpr") {
    pin("learningRate", f.lr);
    pin("negatives", f.negatives);
  }
  const tune = !f["no-tune"];
  const budget = f.budget ?? defaultBudgetSeconds(stats.interactions);
  const progress = (label: string) => ({ onEpoch: (r: Parameters<typeof epochLine>[1]) => log(epochLine(label, r)) });
  const choosing = auto && model === null;
  if (tune) log(`search: ${choosing ? "als and graph" : model} on a validation split, budget ${budget}s${Object.keys(pinned).length ? `, pinned ${describePoint(pinned)}` : ""} (--no-tune for rule defaults)`);
  if (f["graph-params"] !== undefined && model !== "graph" && !choosing) throw new EdgerecError("bad_flag", `train: --graph-params applies to --model graph, not ${model}`);
  const fit: TunedFitLike = choosing
    ? await autoFit(data, { tune, holdout: f.holdout, budgetSeconds: budget, seed: f.seed, log, hooks: progress })
    : model === "graph"
      ? await graphFit(data, {
          overrides: { dim: f.dim, epochs: f.epochs, seed: f.seed, ...(f["graph-params"] !== undefined ? { graph: parseGraphParams(f["graph-params"]) } : {}) },
          tune,
          holdout: f.holdout,
          seed: f.seed,
          log,
          hooks: progress,
          budgetSeconds: budget,
        })
      : await tunedFit(data, { model: model!, pinned, tune, holdout: f.holdout, budgetSeconds: budget, seed: f.seed, log, hooks: progress });
  const chosen = fit.model ?? model!;
  const { metrics, baseline, beatsBaseline, final: trained } = fit;
  const m10 = metrics["ndcg@10"] ?? 0;
  const b10 = baseline["ndcg@10"] ?? 0;
  const where = f.holdout > 0 ? `holdout ${f.holdout}` : "validation split";
  log(
    beatsBaseline
      ? `${chosen} beats popularity on the ${where}: ndcg@10 ${m10} vs ${b10} (+${pct(m10, b10)}), recall@20 ${metrics["recall@20"]} vs ${baseline["recall@20"]}`
      : `${chosen} does NOT beat popularity on the ${where}: ndcg@10 ${m10} vs ${b10}${f["allow-worse"] ? " (--allow-worse: writing it anyway, marked)" : ""}`,
  );
  log(`${chosen}: trained on ${trained.backend} in ${trained.seconds.toFixed(1)}s`);
  if (!beatsBaseline) trained.params.beatsBaseline = false;
  const version = f.version ?? versionFromDate();
  const manifestMetrics = { ...metrics, ...Object.fromEntries(Object.entries(baseline).map(([k, v]) => [`baseline.${k}`, v])) };
  const files = await exportArtifact(trained, data, {
    tenant: f.tenant,
    version,
    metrics: manifestMetrics,
    dtype: f.int8 ? "int8" : "float32",
    ...(f["no-index"] ? {} : { buildIndex: hnswIndexBuilder }),
  });
  await writeArtifactDir(f.out, files);
  log(`artifact: ${f.out} (${files.size} files, version ${version})`);
  const params = { ...fit.point, ...trained.params };
  const seconds = { train: round(trained.seconds), search: fit.search?.seconds ?? 0, total: round((performance.now() - t0) / 1000) };
  const search = fit.search ? { trials: fit.search.trials.length, seconds: fit.search.seconds, budget, outOfBudget: fit.search.outOfBudget } : null;
  const run = await recordRun(
    {
      kind: "train",
      model: chosen,
      tenant: f.tenant,
      version,
      artifact: resolve(f.out),
      data: { source: resolve(f.data), format, fingerprint: dataFingerprint(data), ...stats },
      params,
      metrics,
      baseline,
      seconds,
      ...(fit.search ? { search: { ...search!, pinned, metric: SEARCH_METRIC, trials: fit.search.trials } } : {}),
      ...(fit.candidates ? { candidates: fit.candidates } : {}),
    },
    f.runs,
  );
  // The summary names each candidate's metrics and trial count; the run record keeps the trials themselves.
  const candidates = fit.candidates?.map(({ search: cs, ...c }) => ({ ...c, ...(cs ? { trials: cs.trials.length } : {}) }));
  return { run: run.id, artifact: f.out, tenant: f.tenant, version, model: chosen, format, counts: stats, params, metrics, baseline, beatsBaseline, search, ...(candidates ? { candidates } : {}), seconds };
}

type TunedFitLike = TunedFit & Partial<Pick<AutoFit, "model" | "candidates">>;

/** `--model auto`: null (search both ALS and the graph filter) unless a flag only one family reads names it. */
function autoFamily(f: z.infer<typeof schema>): TrainableModel | null {
  if (f["graph-params"] !== undefined) return "graph";
  if (f.lr !== undefined || f.negatives !== undefined) return "bpr";
  const als = [f.dim, f.epochs, f.reg, f.weighting, f.alpha, f["reg-exponent"]].some((v) => v !== undefined);
  return als ? "als" : null;
}

const pct = (a: number, b: number): string => (b > 0 ? `${Math.round(((a - b) / b) * 100)}%` : "∞");
const round = (x: number): number => Math.round(x * 1000) / 1000;

export const trainCommand: Command = {
  name: "train",
  summary: "train a model and write an artifact",
  usage,
  async run(args) {
    const summary = await runTrain(args);
    process.stdout.write(JSON.stringify(summary) + "\n");
    if (!summary.beatsBaseline && !args.includes("--allow-worse")) {
      throw new EdgerecError(
        "worse_than_baseline",
        `the ${summary.model} model does not beat popularity (ndcg@10 ${summary.metrics["ndcg@10"]} vs ${summary.baseline["ndcg@10"]}); artifact ${summary.artifact} is marked; pass --allow-worse to accept it`,
      );
    }
  },
};
