// What `train` does between loading and exporting, shared with bench:generalise: hold out a slice to judge the
// model, search (or take the rule defaults / pinned values), compare with popularity on the held-out slice, refit on
// everything with the chosen point. Browser-safe (the thread pool is installed by the Node caller).

import type { Interactions } from "../shared/data/interactions.ts";
import { randomHoldout } from "../shared/data/split.ts";
import { evaluateFactors, evaluatePopularity, headlineMetrics, perUser } from "./evaluate-model.ts";
import { SEARCH_METRIC } from "./search/validation.ts";
import type { TrainHooks, TrainedModel } from "./models/types.ts";
import { checkFactors } from "./sanity.ts";
import { searchSpace, type SearchResult } from "./search/search.ts";
import type { Point } from "./search/space.ts";
import { SEARCH_SPACES } from "./search/spaces.ts";
import { carveValidation } from "./search/validation.ts";
import { statsOf } from "./train.ts";

export interface TunedFitOptions {
  model: string;
  /** Parameters fixed by flags. */
  pinned: Point;
  tune: boolean;
  /** Share of each user's interactions held out to judge the model (0: judge on the search's validation slice). */
  holdout: number;
  budgetSeconds: number;
  /** The clock the search budget runs on (see SearchOptions.clock; default wall-clock). */
  clock?: () => number;
  seed: number;
  log?: (line: string) => void;
  /** Hooks for the final fit (progress lines). */
  hooks?: (label: string) => TrainHooks;
  /**
   * Judge the searched point refitted on the whole training share (one more fit) rather than the search's own model,
   * which saw that share less its validation slice: so two model families are judged on equal terms (model-choice.ts).
   */
  judgeRefit?: boolean;
}

export interface TunedFit {
  point: Point;
  search: SearchResult | null;
  /** The judged model's metrics and popularity's, on the same held-out slice. */
  metrics: Record<string, number>;
  baseline: Record<string, number>;
  beatsBaseline: boolean;
  final: TrainedModel;
}

/** A judged candidate whose refit on everything has not run yet (it costs a fit; model-choice.ts runs only the winner's). */
export interface Candidate extends Omit<TunedFit, "final"> {
  refit(): Promise<TrainedModel>;
  /** NDCG@20 of each judged user by row of the judged slice (a paired comparison needs the same slice). */
  perUser: Map<number, number>;
}

export const finish = async (c: Candidate): Promise<TunedFit> => {
  const { refit, perUser: _, ...rest } = c;
  return { ...rest, final: await refit() };
};

/**
 * Sizes the search budget: ~10 minutes per million interactions, at least 2 and at most 10 minutes, so a 1M set
 * (search + the final fit + export) finishes within 15 minutes on 2 cores. Small data converges well before.
 */
export const defaultBudgetSeconds = (interactions: number): number => Math.round(Math.min(600, Math.max(120, (600 * interactions) / 1e6)));

export const tunedFit = async (data: Interactions, o: TunedFitOptions): Promise<TunedFit> => finish(await tunedCandidate(data, o));

export async function tunedCandidate(data: Interactions, o: TunedFitOptions): Promise<Candidate> {
  const space = SEARCH_SPACES[o.model];
  if (!space) throw new Error(`no search space for model '${o.model}'`);
  const log = o.log ?? (() => {});
  // The slice the model is judged on: the held-out share, or (holdout 0) the search's validation split.
  const split = o.holdout > 0 ? randomHoldout(data, { testFraction: o.holdout, seed: o.seed }) : null;
  const fitData = split?.train ?? data;
  const val = o.tune || !split ? carveValidation(fitData, o.seed + 1) : null;
  const judge = split ?? val!.split;
  let point: Point;
  let search: SearchResult | null = null;
  let judged: TrainedModel;
  if (o.tune) {
    search = await searchSpace(space, statsOf(val!.split.train), val!, { budgetSeconds: o.budgetSeconds, pinned: { ...o.pinned, seed: o.seed }, log, ...(o.clock ? { clock: o.clock } : {}) });
    point = search.best;
    judged = o.judgeRefit && split ? await space.fit(split.train, point, o.hooks?.(`${o.model} (holdout fit)`) ?? {}, true) : search.model;
    log(`search: ${search.trials.length} fits in ${search.seconds}s${search.outOfBudget ? " (budget reached)" : ""}; best ${describePoint(point)}`);
  } else {
    point = { ...space.start(statsOf(fitData), fitData), ...o.pinned, seed: o.seed };
    judged = await space.fit(judge.train, point, o.hooks?.(`${o.model} (validation fit)`) ?? {}, true);
  }
  // Both are scored on the same users and items; the judged model never saw the slice.
  const users = perUser(SEARCH_METRIC);
  const metrics = headlineMetrics(evaluateFactors(judge.train, judge.test, judged, [10, 20], users.onUser));
  const baseline = headlineMetrics(evaluatePopularity(judge.train, judge.test));
  const beatsBaseline = (metrics["ndcg@10"] ?? 0) > (baseline["ndcg@10"] ?? 0);
  const refit = async () => {
    const final = await space.fit(data, point, o.hooks?.(o.model) ?? {}, true);
    checkFactors(final);
    return final;
  };
  return { point, search, metrics, baseline, beatsBaseline, refit, perUser: users.values };
}

export const describePoint = (p: Point): string =>
  Object.entries(p)
    .filter(([k]) => k !== "seed")
    .map(([k, v]) => `${k} ${typeof v === "number" ? Number(v.toPrecision(3)) : v}`)
    .join(", ");
