// `edgerec evaluate`: offline metrics of an artifact on a test file, with the user's --data items as history
// (excluded from ranking, and the input of fold-in for users the artifact has not seen). Prints one JSON object.

import { z } from "zod";
import { dirSource } from "../artifact-dir.ts";
import { loadArtifactModel } from "../artifact-model.ts";
import { evaluateArtifact } from "../evaluate-artifact.ts";
import { loadInteractions } from "../io/load-data.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";

const usage = `edgerec evaluate --artifact DIR --data TRAIN --test TEST [--format F] [--k 10,20]

Full-ranking evaluation: for each user in TEST, every item of the artifact is scored, the user's TRAIN items are
excluded, and NDCG, recall, precision, MAP, hit rate and catalog coverage at each K are averaged.
Prints one JSON object.`;

const flags = {
  artifact: { type: "string" },
  data: { type: "string" },
  test: { type: "string" },
  format: { type: "string" },
  k: { type: "string" },
} as const;

const schema = z.object({
  artifact: z.string({ error: "is required" }),
  data: z.string({ error: "is required" }),
  test: z.string({ error: "is required" }),
  format: z.string().default("auto"),
  k: z
    .string()
    .default("10,20")
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().int().min(1).max(1000)).min(1, "expected cut-offs like 10,20")),
});

export async function runEvaluate(args: string[]): Promise<Record<string, unknown>> {
  const f = parseFlags("evaluate", args, flags, schema);
  const m = await loadArtifactModel(dirSource(f.artifact));
  const train = (await loadInteractions(f.data, f.format)).data;
  const test = (await loadInteractions(f.test, f.format)).data;
  const { report, sources, unknownTestItems } = evaluateArtifact(m, train, test, f.k);
  return { artifact: f.artifact, version: m.manifest.version, model: m.manifest.model.kind, ...report, sources, unknownTestItems };
}

export const evaluateCommand: Command = {
  name: "evaluate",
  summary: "measure an artifact on a test file (prints JSON)",
  usage,
  async run(args) {
    process.stdout.write(JSON.stringify(await runEvaluate(args)) + "\n");
  },
};
