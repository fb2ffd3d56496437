// `edgerec train`: load → hold out a validation slice → train → evaluate → refit on everything → export artifact.

import { resolve } from "node:path";
import { z } from "zod";
import { randomHoldout } from "../../shared/data/split.ts";
import { FORMAT_CHOICES } from "../../shared/data/detect.ts";
import { writeArtifactDir } from "../artifact-dir.ts";
import { evaluateFactors, evaluatePopularity, headlineMetrics } from "../evaluate-model.ts";
import { exportArtifact, versionFromDate } from "../export.ts";
import { loadInteractions } from "../io/load-data.ts";
import { checkModelName, resolveParams, statsOf, trainModel, type TrainOverrides } from "../train.ts";
import { tuneOverrides } from "../tune.ts";
import { hnswIndexBuilder } from "../index-builder.ts";
import { dataFingerprint, recordRun } from "../runs.ts";
import { intFlag, parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { epochLine, log } from "./progress.ts";

const usage = `edgerec train --data PATH --out DIR [options]

Trains a model on implicit feedback and writes a versioned artifact (edgerec-artifact/1).

  --data PATH        interactions: a file, or a MovieLens directory with u.data (u.item/u.user used as features)
  --format F         ${FORMAT_CHOICES.join("|")} (default auto: detects and says which)
  --model M          als | bpr (default als)
  --dim N            latent dimensions (default: chosen from the data's size)
  --epochs N         ALS iterations / BPR epochs (default: chosen from the data's size)
  --seed S           random seed (default 42)
  --tenant ID        tenant recorded in the manifest (default "default")
  --version V        version name (default v<UTC timestamp>)
  --out DIR          artifact directory to write
  --holdout F        share of each user's interactions held out to measure the model (default 0.1; 0 = none)
  --tune             small validation search over regularisation (and α / learning rate) before the final fit
  --int8             store items.bin/users.bin as int8 with per-row scales (4× smaller)
  --no-index         skip index.hnsw
  --runs DIR         run registry to record this run in (default runs/, or $EDGEREC_RUNS)
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
  int8: { type: "boolean" },
  "no-index": { type: "boolean" },
  runs: { type: "string" },
} as const;

const schema = z.object({
  data: z.string({ error: "is required" }),
  format: z.string().default("auto"),
  model: z.string().default("als"),
  dim: intFlag(z, 2, 1024).optional(),
  epochs: intFlag(z, 1, 10_000).optional(),
  seed: intFlag(z, 0, 2 ** 31).default(42),
  tenant: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "1–64 of [A-Za-z0-9_-]").default("default"),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1–64 of [A-Za-z0-9._-]").optional(),
  out: z.string({ error: "is required" }),
  holdout: z.string().default("0.1").transform(Number).pipe(z.number().min(0).max(0.5)),
  tune: z.boolean().default(false),
  int8: z.boolean().default(false),
  "no-index": z.boolean().default(false),
  runs: z.string().optional(),
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
  seconds: { train: number; total: number };
}

export async function runTrain(args: string[]): Promise<TrainSummary> {
  const f = parseFlags("train", args, flags, schema);
  const model = checkModelName(f.model);
  const t0 = performance.now();
  const { data, format, reason } = await loadInteractions(f.data, f.format);
  const stats = statsOf(data);
  log(`data: ${format} (${reason}): ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
  let overrides: TrainOverrides = { dim: f.dim, epochs: f.epochs, seed: f.seed };
  const progress = (label: string) => ({ onEpoch: (r: Parameters<typeof epochLine>[1]) => log(epochLine(label, r)) });

  let metrics: Record<string, number> = {};
  let baseline: Record<string, number> = {};
  if (f.holdout > 0) {
    const split = randomHoldout(data, { testFraction: f.holdout, seed: f.seed });
    if (f.tune) overrides = await tuneOverrides(model, split.train, overrides, f.seed, log);
    const held = await trainModel(model, split.train, overrides, progress(`${model} (validation fit)`));
    metrics = headlineMetrics(evaluateFactors(split.train, split.test, held));
    baseline = headlineMetrics(evaluatePopularity(split.train, split.test));
    log(`holdout ${f.holdout}: ndcg@10 ${metrics["ndcg@10"]} recall@20 ${metrics["recall@20"]} (popularity ndcg@10 ${baseline["ndcg@10"]})`);
  }
  const trained = await trainModel(model, data, overrides, progress(model));
  log(`${model}: trained on ${trained.backend} in ${trained.seconds.toFixed(1)}s (in Node, typed-array kernels beat every tfjs backend: bench:train)`);
  const version = f.version ?? versionFromDate();
  const files = await exportArtifact(trained, data, {
    tenant: f.tenant,
    version,
    metrics,
    dtype: f.int8 ? "int8" : "float32",
    ...(f["no-index"] ? {} : { buildIndex: hnswIndexBuilder }),
  });
  await writeArtifactDir(f.out, files);
  log(`artifact: ${f.out} (${files.size} files, version ${version})`);
  const params = { ...resolveParams(model, stats, overrides), ...trained.params };
  const seconds = { train: round(trained.seconds), total: round((performance.now() - t0) / 1000) };
  const run = await recordRun(
    {
      kind: "train",
      model,
      tenant: f.tenant,
      version,
      artifact: resolve(f.out),
      data: { source: resolve(f.data), format, fingerprint: dataFingerprint(data), ...stats },
      params,
      metrics,
      baseline,
      seconds,
    },
    f.runs,
  );
  return { run: run.id, artifact: f.out, tenant: f.tenant, version, model, format, counts: stats, params, metrics, baseline, seconds };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export const trainCommand: Command = {
  name: "train",
  summary: "train a model and write an artifact",
  usage,
  async run(args) {
    const summary = await runTrain(args);
    process.stdout.write(JSON.stringify(summary) + "\n");
  },
};
