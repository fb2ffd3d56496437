// `edgerec runs`: lists recorded training runs, or compares two side by side.

import { z } from "zod";
import { EdgerecError } from "../../shared/errors.ts";
import { listRuns, type RunRecord } from "../runs.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";

const usage = `edgerec runs [--dir runs] [--json] [--compare ID,ID]

Lists the training runs recorded under runs/ (or --dir, or $EDGEREC_RUNS): id, model, data fingerprint,
NDCG@10, Recall@20 and training seconds. --compare A,B prints both runs' parameters and metrics side by side
with the difference (ids may be given by any unique prefix or suffix).`;

const flags = { dir: { type: "string" }, json: { type: "boolean" }, compare: { type: "string" } } as const;
const schema = z.object({
  dir: z.string().optional(),
  json: z.boolean().default(false),
  compare: z
    .string()
    .transform((s) => s.split(","))
    .pipe(z.array(z.string().min(1)).length(2, "expected two run ids, A,B"))
    .optional(),
});

const fmt = (v: unknown): string => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v === undefined ? "—" : String(v));

function find(runs: RunRecord[], key: string): RunRecord {
  const hits = runs.filter((r) => r.id === key || r.id.startsWith(key) || r.id.endsWith(key));
  if (hits.length !== 1) throw new EdgerecError("bad_run", hits.length ? `run '${key}' is ambiguous (${hits.length} match)` : `no run '${key}'`);
  return hits[0]!;
}

export function compareRuns(a: RunRecord, b: RunRecord): string {
  const lines = [`${"".padEnd(22)} ${a.id.padEnd(40)} ${b.id}`];
  const row = (k: string, x: unknown, y: unknown, diff = false) => {
    const d = diff && typeof x === "number" && typeof y === "number" ? `  (${y - x >= 0 ? "+" : ""}${(y - x).toFixed(4)})` : "";
    lines.push(`${k.padEnd(22)} ${fmt(x).padEnd(40)} ${fmt(y)}${d}`);
  };
  row("model", a.model, b.model);
  row("data", a.data.fingerprint.slice(0, 12), b.data.fingerprint.slice(0, 12));
  for (const k of new Set([...Object.keys(a.params), ...Object.keys(b.params)])) row(`param ${k}`, a.params[k], b.params[k]);
  for (const k of new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])) row(k, a.metrics[k], b.metrics[k], true);
  row("train seconds", a.seconds.train, b.seconds.train, true);
  return lines.join("\n");
}

export const runsCommand: Command = {
  name: "runs",
  summary: "list and compare recorded training runs",
  usage,
  async run(args) {
    const f = parseFlags("runs", args, flags, schema);
    const runs = await listRuns(f.dir);
    if (f.compare) {
      process.stdout.write(compareRuns(find(runs, f.compare[0]!), find(runs, f.compare[1]!)) + "\n");
      return;
    }
    if (f.json) {
      process.stdout.write(JSON.stringify(runs) + "\n");
      return;
    }
    if (runs.length === 0) {
      process.stdout.write("no runs recorded yet (edgerec train records one per run)\n");
      return;
    }
    process.stdout.write(`${"id".padEnd(44)} ${"kind".padEnd(8)} ${"tenant/version".padEnd(28)} ndcg@10  recall@20  seconds\n`);
    for (const r of runs) {
      process.stdout.write(
        `${r.id.padEnd(44)} ${r.kind.padEnd(8)} ${`${r.tenant}/${r.version}`.padEnd(28)} ${fmt(r.metrics["ndcg@10"]).padEnd(8)} ${fmt(r.metrics["recall@20"]).padEnd(10)} ${fmt(r.seconds.total ?? r.seconds.train)}\n`,
      );
    }
  },
};
