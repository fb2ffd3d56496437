// `edgerec recommend`: top-k items for every user in --data, never an item the user has there nor (for a user the
// artifact knows) one of their training items in the artifact's seen.bin, as the edge does; written as
// `user_id<TAB>item,item,…` (best first).

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { z } from "zod";
import { createItemScorer } from "../../shared/scoring/item-scorer.ts";
import { topK } from "../../shared/scoring/topk.ts";
import { dirSource } from "../artifact-dir.ts";
import { addHistoryTerm, historiesInArtifact, loadArtifactModel, userVectorFor } from "../artifact-model.ts";
import { loadInteractions } from "../io/load-data.ts";
import { loadUserCatalogue } from "../io/load-catalogue.ts";
import { intFlag, parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { columnFlags, columnFlagsSchema, columnFlagsUsage, columnNames } from "./data-flags.ts";
import { log } from "./progress.ts";
import { seenRowsOf } from "../../shared/artifact/seen.ts";

const usage = `edgerec recommend --artifact DIR --data PATH --out FILE [--format F] [--k 20]

Writes one line per user in --data: user_id<TAB>item,item,… (k items, best first, none the user has in --data,
nor, for users the artifact knows, any of their training items in its seen.bin).
Users the artifact knows use their trained vectors; others are folded in from their items in --data (when the model
supports fold-in) or get the most popular items.
${columnFlagsUsage}

  --for FILE         write lines for the users listed there instead (csv, jsonl, parquet or u.user: an id column
                     and optional attributes); users absent from --data and the artifact are served from their
                     attributes by a two-tower model (source "attributes"), else by popularity
  --candidates C     all (default) | new: rank only items without interactions in --data (cold items)`;

const flags = {
  artifact: { type: "string" },
  data: { type: "string" },
  format: { type: "string" },
  k: { type: "string" },
  ...columnFlags,
  out: { type: "string" },
  for: { type: "string" },
  candidates: { type: "string" },
} as const;

const schema = z.object({
  artifact: z.string({ error: "is required" }),
  data: z.string({ error: "is required" }),
  format: z.string().default("auto"),
  ...columnFlagsSchema,
  k: intFlag(z, 1, 10_000).default(20),
  out: z.string({ error: "is required" }),
  for: z.string().optional(),
  candidates: z.enum(["all", "new"]).default("all"),
});

const EMPTY = new Uint32Array(0);

export async function runRecommend(args: string[]): Promise<{ users: number; sources: Record<string, number> }> {
  const f = parseFlags("recommend", args, flags, schema);
  const m = await loadArtifactModel(dirSource(f.artifact));
  const { data, format } = await loadInteractions(f.data, f.format, columnNames(f));
  log(`recommend: ${data.userIds.size} users (${format}), ${m.itemIds.length} items, model ${m.manifest.model.kind} ${m.manifest.version}`);
  const { rows, weights } = historiesInArtifact(m, data);
  const out = createWriteStream(f.out);
  const n = m.itemIds.length;
  const seen = new Uint8Array(n);
  const sources: Record<string, number> = { personalized: 0, "fold-in": 0, attributes: 0, popular: 0 };
  // --candidates new: items someone interacted with in --data are never candidates.
  const warm = new Uint8Array(n);
  if (f.candidates === "new") for (let k = 0; k < data.items.length; k++) {
    const r = m.itemRow.get(data.itemIds.ids[data.items[k]!]!);
    if (r !== undefined) warm[r] = 1;
  }
  const listed = f.for ? await loadUserCatalogue(f.for, undefined, f["user-col"]) : undefined;
  const targets = listed ? [...listed.byId.keys()] : data.userIds.ids;
  const none = new Int32Array(0);
  // Every item scored per user by the wasm SIMD kernel (the widget's), or plain JS where wasm SIMD is unavailable.
  const scorer = createItemScorer(m.itemVectors, n, m.dim);
  log(`recommend: scoring with ${scorer.kind}${m.neighbours ? ` + the item–item term (neighbours.bin, dense weight ${m.neighbours.params.denseWeight})` : ""}`);
  if (!m.seen) log("recommend: the artifact has no seen.bin (older artifact): only items in --data are left out");
  const started = performance.now();
  let buffer = "";
  for (let t = 0; t < targets.length; t++) {
    const id = targets[t]!;
    const u = data.userIds.get(id);
    const history = u === undefined ? none : rows[u]!;
    const { vector, source } = userVectorFor(m, id, history, u === undefined ? new Float32Array(0) : weights[u]!, listed?.byId.get(id));
    sources[source]!++;
    let scores = m.popularScores;
    if (vector) {
      scorer.user.set(vector);
      scorer.score();
      scores = scorer.scores;
      addHistoryTerm(m, id, history, scores);
    }
    const userRow = m.seen ? m.userRow.get(id) : undefined;
    const trained = userRow === undefined ? EMPTY : seenRowsOf(m.seen!, userRow);
    for (const r of history) seen[r] = 1;
    for (const r of trained) seen[r] = 1;
    const top = topK(scores, f.k, (r) => seen[r] === 1 || warm[r] === 1);
    for (const r of history) seen[r] = 0;
    for (const r of trained) seen[r] = 0;
    buffer += `${id}	${Array.from(top.rows, (r) => m.itemIds[r]).join(",")}
`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
    if ((t + 1) % 5000 === 0) {
      const s = (performance.now() - started) / 1000;
      log(`recommend: ${t + 1}/${targets.length} users ${s.toFixed(1)}s ETA ${((s / (t + 1)) * (targets.length - t - 1)).toFixed(1)}s`);
    }
  }
  out.end(buffer);
  await once(out, "finish");
  return { users: targets.length, sources };
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
