// `edgerec experiment create|list|stop|report`: A/B tests in a tenant's config (the same config and operations as
// the edge's admin routes), and the report computed from the tenant's event log (or a JSONL file of events).

import { readFile } from "node:fs/promises";
import { z } from "zod";
import { EdgerecError } from "../../shared/errors.ts";
import { experimentReport } from "../../shared/experiments/report.ts";
import { EXPERIMENT_ID_RE, ExperimentConflict, addExperiment, createExperimentSchema, runningExperiment, stopExperiment } from "../../shared/experiments/experiment.ts";
import type { EventLine } from "../../shared/store/event-line.ts";
import { TENANT_RE } from "../../shared/store/tenant-config.ts";
import { type EdgeHost, TARGETS } from "../../shared/store/edge-host.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";

const usage = `edgerec experiment create --tenant T --id ID --variants JSON [--target local|node|cloudflare] [--state DIR]
edgerec experiment list   --tenant T [--target …] [--state DIR]
edgerec experiment stop   --tenant T --id ID [--target …] [--state DIR]
edgerec experiment report --tenant T [--id ID] [--events FILE.jsonl] [--alpha 0.05] [--target …] [--state DIR]

  create   starts an experiment: --variants is a JSON array of 2–8 arms, the first one the control, e.g.
           '[{"name":"control","weight":1},{"name":"mmr","weight":1,"ranking":{"diversity":0.5}},
             {"name":"v2","weight":1,"version":"v2"}]'  (version: a model version; ranking: as the API's field)
           Users are split by a hash of (a random salt of this experiment, user id). One runs at a time.
  list     prints the tenant's experiments as JSON
  stop     stops it (its config stays for the report); the tenant serves its active version again
  report   prints per variant: users, impressions, clicks, CTR with its confidence interval, conversion; the
           relative CTR lift of each treatment over the control with its interval and p-value, and the
           sample-ratio-mismatch check. Test: fixed-horizon two-sided z-test, users as the unit (CTR's variance
           by the delta method over users). Events come from the tenant's event log, or --events FILE.
           --id defaults to the running experiment, else the last one.`;

const spec = {
  tenant: { type: "string" },
  id: { type: "string" },
  variants: { type: "string" },
  events: { type: "string" },
  alpha: { type: "string" },
  target: { type: "string" },
  state: { type: "string" },
} as const;

const flagsSchema = z.object({
  tenant: z.string({ error: "is required" }).regex(TENANT_RE, "must be 1–64 of [A-Za-z0-9_-]"),
  id: z.string().regex(EXPERIMENT_ID_RE, "must be 1–32 of [A-Za-z0-9_-]").optional(),
  variants: z.string().optional(),
  events: z.string().optional(),
  alpha: z.string().default("0.05").transform(Number).pipe(z.number({ error: "expected a number" }).gt(0).lt(0.5)),
  target: z.enum(TARGETS).default("local"),
  state: z.string().optional(),
});

const ACTIONS = ["create", "list", "stop", "report"] as const;

function variantsFrom(json: string | undefined, id: string) {
  if (!json) throw new EdgerecError("bad_flag", "experiment: --variants is required (a JSON array of arms)");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new EdgerecError("bad_flag", `experiment: --variants is not JSON: ${(e as Error).message}`);
  }
  const parsed = createExperimentSchema.safeParse({ id, variants: value });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EdgerecError("bad_flag", `experiment: --${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

async function readJsonl(file: string): Promise<EventLine[]> {
  const text = await readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new EdgerecError("bad_flag", e.code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${e.message}`);
  });
  return text.split("\n").flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as EventLine];
    } catch {
      throw new EdgerecError("bad_data", `${file}:${i + 1}: not a JSON object`);
    }
  });
}

export async function runExperiment(args: string[], host: EdgeHost): Promise<string> {
  const [action, ...rest] = args;
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
    throw new EdgerecError("bad_flag", `unknown action '${action ?? ""}'; expected one of: ${ACTIONS.join(", ")}`);
  }
  const f = parseFlags("experiment", rest, spec, flagsSchema);
  const store = await host.openStore(f.target, { stateDir: f.state });
  try {
    const config = await store.getConfig(f.tenant);
    if (!config) throw new EdgerecError("unknown_tenant", `unknown tenant '${f.tenant}' on target ${f.target}`);
    const save = (experiments: typeof config.experiments) => store.putConfig({ ...config, experiments, updatedAt: new Date().toISOString() });
    try {
      if (action === "list") return JSON.stringify(config.experiments, null, 2);
      if (action === "create") {
        if (!f.id) throw new EdgerecError("bad_flag", "experiment: --id is required");
        const experiments = addExperiment(config.experiments, variantsFrom(f.variants, f.id));
        await save(experiments);
        return JSON.stringify(experiments.at(-1));
      }
      if (action === "stop") {
        if (!f.id) throw new EdgerecError("bad_flag", "experiment: --id is required");
        const experiments = stopExperiment(config.experiments, f.id);
        await save(experiments);
        return JSON.stringify(experiments.find((e) => e.id === f.id));
      }
    } catch (e) {
      if (e instanceof ExperimentConflict) throw new EdgerecError("experiment", e.message);
      throw e;
    }
    const exp = f.id ? config.experiments.find((e) => e.id === f.id) : (runningExperiment(config.experiments) ?? config.experiments.at(-1));
    if (!exp) throw new EdgerecError("unknown_experiment", f.id ? `no experiment '${f.id}' in tenant '${f.tenant}'` : `tenant '${f.tenant}' has no experiments`);
    const events = f.events ? await readJsonl(f.events) : await store.readEvents(f.tenant);
    return JSON.stringify({ tenant: f.tenant, status: exp.status, createdAt: exp.createdAt, stoppedAt: exp.stoppedAt, ...experimentReport(exp, events, f.alpha) });
  } finally {
    await store.close();
  }
}

export const experimentCommand: Command = {
  name: "experiment",
  summary: "create, list, stop an A/B experiment, or report its results (prints JSON)",
  usage,
  async run(args, host) {
    process.stdout.write((await runExperiment(args, host)) + "\n");
  },
};
