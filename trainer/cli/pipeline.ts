// `edgerec pipeline`: retrain a tenant from its event log, gate against the active version, publish and activate.
// For schedulers: a JSON summary on stdout, progress on stderr, non-zero exit on failure.

import { z } from "zod";
import { TARGETS } from "../../shared/store/edge-host.ts";
import { runPipeline } from "../pipeline.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { log } from "./progress.ts";

const usage = `edgerec pipeline --tenant ID [--target local|node] [--state DIR] [--redis URL] [--data BASE] [--format F]
                 [--model als|bpr] [--force] [--tolerance 0.005] [--artifacts DIR] [--runs DIR]

Reads the tenant's event log from the edge store, merges it with the base data (default: the data of the tenant's
latest recorded run), trains a candidate, and compares it with the active version on a held-out slice (each user's
latest new item). The candidate is refit on everything, published and activated only if its NDCG@10 is not worse
than the active version's by more than --tolerance; --force overrides the gate. The replaced version stays
'previous', for rollback. Prints one JSON summary; exit code 0 also when the gate keeps the active version
(see "gate.passed"), non-zero on any failure.`;

const spec = {
  tenant: { type: "string" },
  target: { type: "string" },
  state: { type: "string" },
  redis: { type: "string" },
  data: { type: "string" },
  format: { type: "string" },
  model: { type: "string" },
  force: { type: "boolean" },
  tolerance: { type: "string" },
  artifacts: { type: "string" },
  runs: { type: "string" },
  seed: { type: "string" },
} as const;

const schema = z.object({
  tenant: z.string({ error: "is required" }).regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "1–64 of [A-Za-z0-9_-]"),
  target: z.enum(TARGETS.filter((t) => t !== "cloudflare") as ["local", "node"], { error: "expected one of: local, node" }).default("local"),
  state: z.string().optional(),
  redis: z.string().optional(),
  data: z.string().optional(),
  format: z.string().optional(),
  model: z.enum(["als", "bpr"], { error: "expected one of: als, bpr" }).optional(),
  force: z.boolean().default(false),
  tolerance: z.string().default("0.005").transform(Number).pipe(z.number().min(0).max(1)),
  artifacts: z.string().optional(),
  runs: z.string().optional(),
  seed: z.string().regex(/^\d+$/, "expected a whole number").transform(Number).default(42),
});

export const pipelineCommand: Command = {
  name: "pipeline",
  summary: "retrain from the event log, gate against the active version, publish and activate",
  usage,
  async run(args, host) {
    const f = parseFlags("pipeline", args, spec, schema);
    const summary = await runPipeline({ ...f, host, log });
    process.stdout.write(JSON.stringify(summary) + "\n");
  },
};
