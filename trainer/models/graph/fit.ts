// `train --model graph` between loading and exporting, in the shape of tuned-fit.ts's TunedFit: hold out a slice,
// optionally run the graph model's own search (search.ts) on the rest, judge against popularity, refit on everything.

import type { Interactions } from "../../../shared/data/interactions.ts";
import { randomHoldout } from "../../../shared/data/split.ts";
import { evaluatePopularity, headlineMetrics, perUser } from "../../evaluate-model.ts";
import { SEARCH_METRIC } from "../../search/validation.ts";
import { evaluateServedGraph } from "./served-eval.ts";
import { graphParams, statsOf, trainModel, type TrainOverrides } from "../../train.ts";
import { type Candidate, finish, type TunedFit } from "../../tuned-fit.ts";
import type { TrainHooks } from "../types.ts";
import { searchGraphParams } from "./search.ts";

export interface GraphFitOptions {
  overrides: TrainOverrides;
  tune: boolean;
  holdout: number;
  seed: number;
  log: (line: string) => void;
  hooks: (label: string) => TrainHooks;
  /** Seconds the search may take (the item–item candidates stop there). */
  budgetSeconds?: number;
}

export const graphFit = async (data: Interactions, o: GraphFitOptions): Promise<TunedFit> => finish(await graphCandidate(data, o));

export async function graphCandidate(data: Interactions, o: GraphFitOptions): Promise<Candidate> {
  let overrides = o.overrides;
  const split = o.holdout > 0 ? randomHoldout(data, { testFraction: o.holdout, seed: o.seed }) : randomHoldout(data, { testFraction: 0.1, seed: o.seed + 1 });
  if (o.tune) {
    // An item–item setting given on the command line is kept; otherwise the search decides whether the term helps.
    const pinnedTerm = overrides.graph?.neighbours !== undefined || overrides.graph?.denseWeight !== undefined;
    const { best } = searchGraphParams(split.train, graphParams(statsOf(split.train), overrides), o.seed, {
      log: o.log,
      weighting: overrides.weighting ?? "binary",
      ...(pinnedTerm ? { neighbourCandidates: [] } : {}),
      ...(o.budgetSeconds !== undefined ? { budgetSeconds: o.budgetSeconds } : {}),
    });
    // The term travels whole: its weight was searched for the shape of G it was scored with.
    const term = pinnedTerm ? {} : { neighbours: best.neighbours, denseWeight: best.denseWeight, termUserExponent: best.termUserExponent, termItemExponent: best.termItemExponent };
    overrides = { ...overrides, graph: { ...overrides.graph, rank: best.rank, tailRank: best.tailRank, beta: best.beta, itemScale: best.itemScale, ...term } };
  }
  const judged = await trainModel("graph", split.train, overrides, o.hooks("graph (validation fit)"));
  // As served: with the item–item term when the model carries one.
  const users = perUser(SEARCH_METRIC);
  const metrics = headlineMetrics(evaluateServedGraph(split.train, split.test, judged, [10, 20], undefined, users.onUser));
  const baseline = headlineMetrics(evaluatePopularity(split.train, split.test));
  const point = { ...(overrides.graph ?? {}), ...(overrides.dim !== undefined ? { dim: overrides.dim } : {}), seed: o.seed };
  const refit = () => trainModel("graph", data, overrides, o.hooks("graph"));
  return { point, search: null, metrics, baseline, beatsBaseline: (metrics["ndcg@10"] ?? 0) > (baseline["ndcg@10"] ?? 0), refit, perUser: users.values };
}
