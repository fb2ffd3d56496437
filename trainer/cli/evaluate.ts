// `edgerec evaluate`: offline metrics of an artifact on a test file, with the user's --data items as history
// (excluded from ranking, and the input of fold-in for users the artifact has not seen). Prints one JSON object.

import { z } from "zod";
import { dirSource } from "../artifact-dir.ts";
import { loadArtifactModel } from "../artifact-model.ts";
import { evaluateArtifact, PROTOCOLS } from "../evaluate-artifact.ts";
import { evaluateDiversity } from "../evaluate-diversity.ts";
import { loadUserCatalogue } from "../io/load-catalogue.ts";
import { loadInteractions } from "../io/load-data.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { columnFlags, columnFlagsSchema, columnFlagsUsage, columnNames } from "./data-flags.ts";

const usage = `edgerec evaluate --artifact DIR --data TRAIN --test TEST [--format F] [--k 10,20] [--diversity 0,0.25,0.5]

Full-ranking evaluation: for each user in TEST, every item of the artifact is scored, the user's TRAIN items are
excluded, and NDCG, recall, precision, MAP, hit rate and catalog coverage at each K are averaged.
Prints one JSON object.

--diversity L1,L2,…  also re-ranks each list with MMR at each diversity setting (0..1, the edge's \`ranking.diversity\`)
                     over a pool of 100 candidates and reports, per setting, ndcg@K and recall@K with intra-list
                     diversity (ild@K, mean pairwise 1 − cosine), categories per list, category and item coverage.
  --protocol P   warm (default) | item-cold: only items without TRAIN interactions are candidates and count |
                 user-cold: only TEST users absent from TRAIN count (two-tower: vectors from --users attributes)
  --users FILE   user attributes (csv, jsonl, parquet, u.user) for users the artifact has not seen
${columnFlagsUsage}`;

const flags = {
  artifact: { type: "string" },
  data: { type: "string" },
  test: { type: "string" },
  format: { type: "string" },
  k: { type: "string" },
  diversity: { type: "string" },
  ...columnFlags,
  protocol: { type: "string" },
  users: { type: "string" },
} as const;

const schema = z.object({
  artifact: z.string({ error: "is required" }),
  data: z.string({ error: "is required" }),
  test: z.string({ error: "is required" }),
  format: z.string().default("auto"),
  ...columnFlagsSchema,
  k: z
    .string()
    .default("10,20")
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().int().min(1).max(1000)).min(1, "expected cut-offs like 10,20")),
  diversity: z
    .string()
    .transform((s) => s.split(",").map((x) => (x.trim() === "" ? NaN : Number(x))))
    .pipe(z.array(z.number().min(0, "settings are 0..1").max(1, "settings are 0..1")).min(1).max(21))
    .optional(),
  protocol: z.enum(PROTOCOLS).default("warm"),
  users: z.string().optional(),
});

export async function runEvaluate(args: string[]): Promise<Record<string, unknown>> {
  const f = parseFlags("evaluate", args, flags, schema);
  const m = await loadArtifactModel(dirSource(f.artifact));
  const train = (await loadInteractions(f.data, f.format, columnNames(f))).data;
  const test = (await loadInteractions(f.test, f.format, columnNames(f))).data;
  const attributes = f.users ? (await loadUserCatalogue(f.users, undefined, f["user-col"])).byId : undefined;
  const { report, sources, unknownTestItems } = evaluateArtifact(m, train, test, f.k, { protocol: f.protocol, ...(attributes ? { attributes } : {}) });
  const out: Record<string, unknown> = { artifact: f.artifact, version: m.manifest.version, model: m.manifest.model.kind, protocol: f.protocol, ...report, sources, unknownTestItems };
  if (f.diversity) out.diversity = evaluateDiversity(m, train, test, f.k, f.diversity);
  return out;
}

export const evaluateCommand: Command = {
  name: "evaluate",
  summary: "measure an artifact on a test file (prints JSON)",
  usage,
  async run(args) {
    process.stdout.write(JSON.stringify(await runEvaluate(args)) + "\n");
  },
};
