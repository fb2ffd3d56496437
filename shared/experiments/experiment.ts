// Experiments in the tenant config: traffic split between variants, each a model version and/or ranking settings,
// by a deterministic bucket salted per experiment. At most one experiment runs per tenant at a time; a stopped one
// stays in the config (its salt and variants are what `edgerec experiment report` needs to attribute events).
// Every served list gets a `recommId` naming the experiment and variant it was served under.

import { z } from "zod";
import { bucketOf, pickWeighted } from "./bucket.ts";
import { type RankingOptions, rankingOptionsSchema } from "../ranking/options.ts";

export const EXPERIMENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const VARIANT_NAME_RE = /^[A-Za-z0-9_-]{1,32}$/;
const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const experimentVariantSchema = z.strictObject({
  name: z.string().regex(VARIANT_NAME_RE, "variant names are 1–32 of [A-Za-z0-9_-]"),
  weight: z.number().positive().max(1000),
  /** The model version this arm serves; the tenant's active version when absent. */
  version: z.string().regex(VERSION_RE).optional(),
  /** Ranking settings of this arm, over the tenant's defaults (a request's own settings still win). */
  ranking: z.optional(rankingOptionsSchema),
});
export type ExperimentVariant = z.infer<typeof experimentVariantSchema>;

export const experimentSchema = z.object({
  id: z.string().regex(EXPERIMENT_ID_RE, "experiment ids are 1–32 of [A-Za-z0-9_-]").refine((s) => s !== "none", "'none' is reserved"),
  status: z.enum(["running", "stopped"]),
  salt: z.string().min(8).max(64),
  variants: z
    .array(experimentVariantSchema)
    .min(2, "an experiment needs at least 2 variants")
    .max(8)
    .refine((vs) => new Set(vs.map((v) => v.name)).size === vs.length, "variant names must be unique"),
  createdAt: z.string(),
  stoppedAt: z.string().nullable(),
});
export type Experiment = z.infer<typeof experimentSchema>;

/** What the admin route and the CLI take to create one. */
export const createExperimentSchema = z.strictObject({
  id: experimentSchema.shape.id,
  variants: experimentSchema.shape.variants,
});

export interface Assignment {
  variant: string;
  version: string | undefined;
  ranking: RankingOptions | undefined;
  experiment: string | null;
}

export const runningExperiment = (experiments: readonly Experiment[] | undefined): Experiment | null =>
  experiments?.find((e) => e.status === "running") ?? null;

/**
 * The variant of the running experiment for this user, or the one named by `requested`. A request without a
 * user id gets the first variant (the control) and is served under the experiment too.
 */
export function assignExperiment(exp: Experiment, userId: string | undefined, requested: string | undefined): Assignment | null {
  let v: ExperimentVariant | undefined;
  if (requested) {
    v = exp.variants.find((x) => x.name === requested);
    if (!v) return null;
  } else {
    v = userId ? exp.variants[pickWeighted(bucketOf(exp.salt, userId), exp.variants.map((x) => x.weight))] : exp.variants[0];
  }
  return { variant: v!.name, version: v!.version, ranking: v!.ranking, experiment: exp.id };
}

/** `<experiment or "none">.<variant>.<16 random base36 chars>`: the report reads the experiment and arm back. */
export function newRecommId(experiment: string | null, variant: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  let nonce = "";
  for (const b of bytes) nonce += (b % 36).toString(36);
  for (const b of bytes.subarray(0, 6)) nonce += ((b >> 3) % 36).toString(36);
  return `${experiment ?? "none"}.${variant}.${nonce}`;
}

export const RECOMM_ID_RE = /^[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{1,32}\.[0-9a-z]{16}$/;

export function parseRecommId(id: string): { experiment: string | null; variant: string } | null {
  if (!RECOMM_ID_RE.test(id)) return null;
  const [experiment, variant] = id.split(".");
  return { experiment: experiment === "none" ? null : experiment!, variant: variant! };
}

export function newSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class ExperimentConflict extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

/** Adds a running experiment; refuses a second running one and a reused id (stopped ones keep their data). */
export function addExperiment(experiments: readonly Experiment[], input: z.infer<typeof createExperimentSchema>, now = new Date()): Experiment[] {
  const running = runningExperiment(experiments);
  if (running) throw new ExperimentConflict(`experiment '${running.id}' is running; stop it first (one experiment per tenant at a time)`, 409);
  if (experiments.some((e) => e.id === input.id)) throw new ExperimentConflict(`experiment id '${input.id}' was used before; choose a new one`, 409);
  return [...experiments, { id: input.id, status: "running", salt: newSalt(), variants: input.variants, createdAt: now.toISOString(), stoppedAt: null }];
}

export function stopExperiment(experiments: readonly Experiment[], id: string, now = new Date()): Experiment[] {
  const exp = experiments.find((e) => e.id === id);
  if (!exp) throw new ExperimentConflict(`no experiment '${id}'; known: ${experiments.map((e) => e.id).join(", ") || "(none)"}`, 404);
  if (exp.status === "stopped") throw new ExperimentConflict(`experiment '${id}' is already stopped`, 409);
  return experiments.map((e) => (e.id === id ? { ...e, status: "stopped" as const, stoppedAt: now.toISOString() } : e));
}
