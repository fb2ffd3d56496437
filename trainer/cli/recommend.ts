// `edgerec recommend`: top-k items for every user in --data, never an item the user has there nor (for a user the
// artifact knows) one of their training items in the artifact's seen.bin, as the edge does; written as
// `user_id<TAB>item,item,…` (best first).

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { z } from "zod";
import { createItemScorer } from "../../shared/scoring/item-scorer.ts";
import { topK } from "../../shared/scoring/topk.ts";
import { dirSource } from "../artifact-dir.ts";
import { historiesInArtifact, loadArtifactModel, userVectorFor } from "../artifact-model.ts";
import { loadInteractions } from "../io/load-data.ts";
import { intFlag, parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { log } from "./progress.ts";
import { seenRowsOf } from "../../shared/artifact/seen.ts";

const usage = `edgerec recommend --artifact DIR --data PATH --out FILE [--format F] [--k 20]

Writes one line per user in --data: user_id<TAB>item,item,… (k items, best first, none the user has in --data,
nor, for users the artifact knows, any of their training items in its seen.bin).
Users the artifact knows use their trained vectors; others are folded in from their items in --data (when the model
supports fold-in) or get the most popular items.`;

const flags = {
  artifact: { type: "string" },
  data: { type: "string" },
  format: { type: "string" },
  k: { type: "string" },
  out: { type: "string" },
} as const;

const schema = z.object({
  artifact: z.string({ error: "is required" }),
  data: z.string({ error: "is required" }),
  format: z.string().default("auto"),
  k: intFlag(z, 1, 10_000).default(20),
  out: z.string({ error: "is required" }),
});

const EMPTY = new Uint32Array(0);

export async function runRecommend(args: string[]): Promise<{ users: number; sources: Record<string, number> }> {
  const f = parseFlags("recommend", args, flags, schema);
  const m = await loadArtifactModel(dirSource(f.artifact));
  const { data, format } = await loadInteractions(f.data, f.format);
  log(`recommend: ${data.userIds.size} users (${format}), ${m.itemIds.length} items, model ${m.manifest.model.kind} ${m.manifest.version}`);
  const { rows, weights } = historiesInArtifact(m, data);
  const out = createWriteStream(f.out);
  const n = m.itemIds.length;
  const seen = new Uint8Array(n);
  const sources: Record<string, number> = { personalized: 0, "fold-in": 0, popular: 0 };
  // Every item scored per user by the wasm SIMD kernel (the widget's), or plain JS where wasm SIMD is unavailable.
  const scorer = createItemScorer(m.itemVectors, n, m.dim);
  log(`recommend: scoring with ${scorer.kind}`);
  if (!m.seen) log("recommend: the artifact has no seen.bin (older artifact): only items in --data are left out");
  const started = performance.now();
  let buffer = "";
  for (let u = 0; u < data.userIds.size; u++) {
    const history = rows[u]!;
    const { vector, source } = userVectorFor(m, data.userIds.ids[u]!, history, weights[u]!);
    sources[source]!++;
    let scores = m.popularScores;
    if (vector) {
      scorer.user.set(vector);
      scorer.score();
      scores = scorer.scores;
    }
    const userRow = m.seen ? m.userRow.get(data.userIds.ids[u]!) : undefined;
    const trained = userRow === undefined ? EMPTY : seenRowsOf(m.seen!, userRow);
    for (const r of history) seen[r] = 1;
    for (const r of trained) seen[r] = 1;
    const top = topK(scores, f.k, (r) => seen[r] === 1);
    for (const r of history) seen[r] = 0;
    for (const r of trained) seen[r] = 0;
    buffer += `${data.userIds.ids[u]}\t${Array.from(top.rows, (r) => m.itemIds[r]).join(",")}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
    if ((u + 1) % 5000 === 0) {
      const s = (performance.now() - started) / 1000;
      log(`recommend: ${u + 1}/${data.userIds.size} users ${s.toFixed(1)}s ETA ${((s / (u + 1)) * (data.userIds.size - u - 1)).toFixed(1)}s`);
    }
  }
  out.end(buffer);
  await once(out, "finish");
  return { users: data.userIds.size, sources };
}

export const recommendCommand: Command = {
  name: "recommend",
  summary: "write top-k recommendations for every user in a data file",
  usage,
  async run(args) {
    const r = await runRecommend(args);
    process.stdout.write(JSON.stringify(r) + "\n");
  },
};
