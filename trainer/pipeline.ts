// The retraining pipeline (Node): the tenant's event log from the edge store + its base data → a candidate model →
// a gate against the active version on a held-out slice → export, publish, activate only if not worse.
//
// The slice is each user's latest new event item (users with ≥ 2 new items): neither the active model (trained
// before the events) nor the candidate (trained without the slice) has seen it, so the comparison is fair. With no
// such users it falls back to a random 10% of everything, which the active model may have trained on: the gate is
// then conservative (it favours keeping the active version). "Not worse": NDCG@10 within 0.005 of the active
// version's, or lower by an amount a paired test over the slice's users calls noise (z ≥ −2; a slice of a dozen
// users cannot tell 0.11 from 0.14). The candidate is trained with the last run's searched point, so it differs
// from the active version by the events, not by its hyper-parameters.

import { resolve } from "node:path";
import { loadInteractions } from "./io/load-data.ts";
import type { EdgeHost, Target } from "../shared/store/edge-host.ts";
import { mergeEvents, type LoggedEvent } from "../shared/data/merge.ts";
import { randomHoldout, splitByMask, type Split } from "../shared/data/split.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { EdgerecError } from "../shared/errors.ts";
import { dirSource, writeArtifactDir } from "./artifact-dir.ts";
import { trainingEvents } from "./event-filter.ts";
import { loadArtifactModel } from "./artifact-model.ts";
import { evaluateArtifact } from "./evaluate-artifact.ts";
import { headlineMetrics, pairedOverUsers, perUser } from "./evaluate-model.ts";
import { evaluateServedGraph } from "./models/graph/served-eval.ts";
import { exportArtifact, versionFromDate } from "./export.ts";
import { hnswIndexBuilder } from "./index-builder.ts";
import { dataFingerprint, listRuns, recordRun } from "./runs.ts";
import { statsOf, trainModel, type TrainableModel, type TrainOverrides, type Weighting } from "./train.ts";
import { overridesOf } from "./search/spaces.ts";
import type { Point } from "./search/space.ts";
import type { GraphParams } from "./models/graph/graph.ts";
import { GRAPH_PARAM_KEYS } from "./models/graph/defaults.ts";
import { runPublish, type PublishSummary } from "./cli/publish.ts";

export interface PipelineOptions {
  /** The edge's Node side (shared/store/edge-host.ts), from the composition root. */
  host: EdgeHost;
  tenant: string;
  target: Target;
  state?: string;
  redis?: string;
  /** Base data; default: the data of this tenant's latest recorded run. */
  data?: string;
  format?: string;
  model?: TrainableModel;
  /** Activate even if the candidate is worse. */
  force?: boolean;
  /** How much lower NDCG@10 may be and still count as "not worse". */
  tolerance?: number;
  seed?: number;
  /** Where artifacts are kept locally (default .edgerec/artifacts). */
  artifacts?: string;
  runs?: string;
  log?: (line: string) => void;
}

export interface PipelineSummary {
  tenant: string;
  run: string;
  events: number;
  data: { base: string; users: number; items: number; interactions: number };
  slice: { kind: "new-events" | "random"; users: number; interactions: number };
  candidate: { version: string; metrics: Record<string, number> };
  active: { version: string; metrics: Record<string, number> } | null;
  gate: { passed: boolean; forced: boolean; tolerance: number; reason: string };
  published: PublishSummary | null;
  seconds: number;
}

export async function runPipeline(o: PipelineOptions): Promise<PipelineSummary> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const tolerance = o.tolerance ?? 0.005;
  const seed = o.seed ?? 42;
  const store = await o.host.openStore(o.target, { stateDir: o.state, redisUrl: o.redis });
  let events: LoggedEvent[];
  let activeVersion: string | null;
  try {
    events = await store.readEvents(o.tenant);
    activeVersion = (await store.getConfig(o.tenant))?.active ?? null;
  } finally {
    await store.close();
  }
  const runs = (await listRuns(o.runs)).filter((r) => r.tenant === o.tenant);
  const lastRun = runs.at(-1);
  const basePath = o.data ?? lastRun?.data.source;
  if (!basePath) throw new EdgerecError("bad_flag", `pipeline: no base data for tenant '${o.tenant}' (no recorded run); pass --data`);
  const base = (await loadInteractions(basePath, o.data ? (o.format ?? "auto") : (lastRun?.data.format ?? "auto"))).data;
  const model = o.model ?? ((lastRun?.model as TrainableModel | undefined) ?? "als");
  // The last run's searched point, when it trained this model: the candidate differs from the active version by the
  // events, not by its hyper-parameters (the rule's would often lose the gate to the tuned active model).
  const overrides = { ...(lastRun && lastRun.model === model ? tunedOverrides(model, lastRun.params) : {}), seed };
  log(`pipeline: ${o.tenant}: ${events.length} events, base ${basePath}, active ${activeVersion ?? "none"}`);
  // Publishable-key events may not add items to the catalogue (issue 13): unknown items are dropped here.
  const filtered = trainingEvents(base, events);
  if (filtered.unknownItems > 0) log(`pipeline: ${filtered.unknownItems} visitor events name items not in the catalogue: left out`);
  events = filtered.kept;

  const merged = mergeEvents(base, events);
  const { split, kind } = holdoutSlice(base, events, merged, seed);
  const sliceUsers = new Set(split.test.users).size;
  log(`pipeline: slice (${kind}) ${split.test.users.length} interactions of ${sliceUsers} users`);

  const candidate = await trainModel(model, split.train, overrides);
  // As served: a graph model's item–item term counts, as it does in the active artifact's evaluateArtifact.
  const candidateUsers = perUser("ndcg@10");
  const candidateMetrics = headlineMetrics(evaluateServedGraph(split.train, split.test, candidate, [10, 20], undefined, candidateUsers.onUser));
  const activeUsers = perUser("ndcg@10");
  let active: PipelineSummary["active"] = null;
  if (activeVersion) {
    const activeRun = runs.findLast((r) => r.version === activeVersion);
    if (activeRun) {
      const m = await loadArtifactModel(dirSource(activeRun.artifact));
      active = { version: activeVersion, metrics: headlineMetrics(evaluateArtifact(m, split.train, split.test, [10, 20], { onUser: activeUsers.onUser }).report) };
    } else if (!o.force) {
      throw new EdgerecError("no_active_artifact", `pipeline: the active version ${activeVersion} is not in the run registry, so the gate cannot measure it; pass --force to skip the gate`);
    }
  }
  // Paired over the slice's users both scored: on a small slice a drop beyond the tolerance can still be noise.
  const paired = active ? pairedOverUsers(activeUsers.values, candidateUsers.values) : null;
  const { passed, better, reason } = gateDecision(candidateMetrics["ndcg@10"]!, active?.metrics["ndcg@10"], tolerance, Boolean(o.force), paired && paired.users > 1 ? paired : undefined);
  log(`pipeline: gate ${passed ? "passed" : "failed"}: ${reason}`);

  const version = versionFromDate();
  let published: PublishSummary | null = null;
  let artifactDir = "";
  if (passed) {
    const final = await trainModel(model, merged, overrides);
    const files = await exportArtifact(final, merged, { tenant: o.tenant, version, metrics: candidateMetrics, buildIndex: hnswIndexBuilder });
    artifactDir = resolve(o.artifacts ?? ".edgerec/artifacts", o.tenant, version);
    await writeArtifactDir(artifactDir, files);
    const args = ["--artifact", artifactDir, "--tenant", o.tenant, "--target", o.target, "--activate"];
    if (o.state) args.push("--state", o.state);
    if (o.redis) args.push("--redis", o.redis);
    published = await runPublish(args, o.host);
  }
  const stats = statsOf(merged);
  const run = await recordRun(
    {
      kind: "pipeline",
      model,
      tenant: o.tenant,
      version: passed ? version : (activeVersion ?? ""),
      artifact: artifactDir,
      data: { source: resolve(basePath), format: "merged", fingerprint: dataFingerprint(merged), ...stats },
      params: { ...candidate.params, events: events.length },
      metrics: candidateMetrics,
      seconds: { train: Math.round(candidate.seconds * 1000) / 1000, total: Math.round(performance.now() - t0) / 1000 },
      gate: { activated: passed, reason, ...(active ? { active: active.metrics } : {}) },
    },
    o.runs,
  );
  return {
    tenant: o.tenant,
    run: run.id,
    events: events.length,
    data: { base: basePath, ...stats },
    slice: { kind, users: sliceUsers, interactions: split.test.users.length },
    candidate: { version, metrics: candidateMetrics },
    active,
    gate: { passed, forced: Boolean(o.force) && !better, tolerance, reason },
    published,
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}

/** How many standard errors below the active version a candidate must fall (paired, per user) to be kept out. */
export const GATE_Z = 2;

/**
 * The gate: the candidate goes live when there is no active version, when forced, or unless it is worse than the
 * active version by more than `tolerance` (NDCG@10) and — when a paired test over the slice's users is given — that
 * drop is also beyond noise (z < −GATE_Z).
 */
export function gateDecision(
  candidate: number,
  active: number | undefined,
  tolerance: number,
  force: boolean,
  paired?: { z: number; users: number },
): { passed: boolean; better: boolean; reason: string } {
  const withinTolerance = active === undefined || candidate >= active - tolerance;
  const withinNoise = paired !== undefined && paired.z >= -GATE_Z;
  const better = withinTolerance || withinNoise;
  const passed = better || force;
  const noise = paired ? `, paired z ${Number(paired.z.toFixed(2))} over ${paired.users} users` : "";
  const reason =
    active === undefined
      ? "no active version to compare with"
      : `candidate ndcg@10 ${candidate.toFixed(4)} vs active ${active.toFixed(4)} (tolerance ${tolerance}${noise})${withinTolerance ? "" : withinNoise ? ": lower, within noise" : force ? ": worse, activated by --force" : ": worse, not activated"}`;
  return { passed, better, reason };
}

/** The latest new item of each user with ≥ 2 new items (see the header); else a random 10% of everything. */
function holdoutSlice(base: Interactions, events: LoggedEvent[], merged: Interactions, seed: number): { split: Split; kind: "new-events" | "random" } {
  const key = (user: string, item: string) => `${user}\u0000${item}`;
  const eventUsers = new Set(events.map((e) => e.user_id));
  const basePairs = new Set<string>();
  for (let k = 0; k < base.users.length; k++) {
    const user = base.userIds.ids[base.users[k]!]!;
    if (eventUsers.has(user)) basePairs.add(key(user, base.itemIds.ids[base.items[k]!]!));
  }
  const latest = new Map<string, { item: string; ts: number; items: Set<string> }>();
  for (const e of events) {
    if (basePairs.has(key(e.user_id, e.item_id))) continue; // not new to the model
    const cur = latest.get(e.user_id) ?? { item: e.item_id, ts: -Infinity, items: new Set<string>() };
    cur.items.add(e.item_id);
    if (e.timestamp >= cur.ts) {
      cur.item = e.item_id;
      cur.ts = e.timestamp;
    }
    latest.set(e.user_id, cur);
  }
  const held = new Set<string>();
  for (const [user, v] of latest) if (v.items.size >= 2) held.add(key(user, v.item));
  if (held.size === 0) return { split: randomHoldout(merged, { testFraction: 0.1, seed }), kind: "random" };
  const inTest = new Uint8Array(merged.users.length);
  for (let k = 0; k < merged.users.length; k++) {
    if (held.has(key(merged.userIds.ids[merged.users[k]!]!, merged.itemIds.ids[merged.items[k]!]!))) inTest[k] = 1;
  }
  return { split: splitByMask(merged, inTest), kind: "new-events" };
}


/** A recorded run's parameters as training overrides (ALS/BPR: the search's point; graph: its filter). */
export function tunedOverrides(model: TrainableModel, params: Record<string, unknown>): TrainOverrides {
  if (model === "als" || model === "bpr") {
    const { seed: _, ...point } = params;
    return overridesOf(Object.fromEntries(Object.entries(point).filter(([, v]) => typeof v === "number" || typeof v === "string")) as Point, true);
  }
  if (model === "graph") {
    const graph: Partial<GraphParams> = {};
    for (const k of GRAPH_PARAM_KEYS) if (k !== "seed" && typeof params[k] === "number") graph[k] = params[k] as number;
    return { graph, ...(typeof params.weighting === "string" ? { weighting: params.weighting as Weighting } : {}) };
  }
  return {};
}
