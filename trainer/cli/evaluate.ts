// `edgerec evaluate`: offline metrics of an artifact on a test file, with the user's --data items as history
// (excluded from ranking, and the input of fold-in for users the artifact has not seen). Prints one JSON object.

import { z } from "zod";
import { buildCsr } from "../../shared/data/csr.ts";
import { evaluateRanking } from "../../shared/metrics/evaluate.ts";
import { scoreAll } from "../../shared/scoring/topk.ts";
import { dirSource } from "../artifact-dir.ts";
import { loadArtifactModel, userVectorFor } from "../artifact-model.ts";
import { loadInteractions } from "../io/load-data.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { historiesInArtifact } from "./recommend.ts";
import { EdgerecError } from "../../shared/errors.ts";

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
  const history = historiesInArtifact(m, train);
  // Evaluated users are the test users; their rows here follow test's id order.
  const users = test.userIds.ids;
  const trainRows: number[] = [];
  const trainCols: number[] = [];
  const testRows: number[] = [];
  const testCols: number[] = [];
  let unknownItems = 0;
  const vectors: (Float32Array | null)[] = [];
  const sources: Record<string, number> = { personalized: 0, "fold-in": 0, popular: 0 };
  users.forEach((id, u) => {
    const t = train.userIds.get(id);
    const rows = t === undefined ? new Int32Array(0) : history.rows[t]!;
    const w = t === undefined ? new Float32Array(0) : history.weights[t]!;
    for (const r of rows) {
      trainRows.push(u);
      trainCols.push(r);
    }
    const v = userVectorFor(m, id, rows, w);
    sources[v.source]!++;
    vectors.push(v.vector ? Float32Array.from(v.vector) : null);
  });
  for (let k = 0; k < test.users.length; k++) {
    const row = m.itemRow.get(test.itemIds.ids[test.items[k]!]!);
    if (row === undefined) {
      unknownItems++;
      continue;
    }
    testRows.push(test.users[k]!);
    testCols.push(row);
  }
  if (testRows.length === 0) throw new EdgerecError("bad_data", "no test interaction names an item the artifact knows");
  const n = users.length;
  const items = m.itemIds.length;
  const ones = (len: number) => new Float32Array(len).fill(1);
  const trainCsr = buildCsr(n, items, Int32Array.from(trainRows), Int32Array.from(trainCols), ones(trainRows.length));
  const testCsr = buildCsr(n, items, Int32Array.from(testRows), Int32Array.from(testCols), ones(testRows.length));
  const popular = new Float32Array(items).fill(-Infinity);
  m.popularRows.forEach((row, rank) => (popular[row] = m.popularRows.length - rank));
  const report = evaluateRanking({
    train: trainCsr,
    test: testCsr,
    ks: f.k,
    scoreUser: (u, out) => {
      const v = vectors[u];
      if (v) scoreAll(m.itemVectors, m.dim, v, out);
      else out.set(popular);
    },
  });
  return { artifact: f.artifact, version: m.manifest.version, model: m.manifest.model.kind, ...report, sources, unknownTestItems: unknownItems };
}

export const evaluateCommand: Command = {
  name: "evaluate",
  summary: "measure an artifact on a test file (prints JSON)",
  usage,
  async run(args) {
    process.stdout.write(JSON.stringify(await runEvaluate(args)) + "\n");
  },
};
