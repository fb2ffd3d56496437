// A model family's search space: the parameters worth tuning, where to start, how far each may go, and how to fit
// one point. search.ts walks any space, so a new model kind (graph, two-tower, …) plugs in by exporting one of these.
// Browser-safe.

import type { Interactions } from "../../shared/data/interactions.ts";
import type { DataStats } from "../defaults.ts";
import type { TrainHooks, TrainedModel } from "../models/types.ts";

export type ParamValue = number | string;
export type Point = Record<string, ParamValue>;

/** Factors a fit may start from. */
export interface WarmStart {
  dim: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** One tunable parameter. Numeric ones move by multiplicative steps; the search extends past `lo`/`hi` up to `min`/`max`. */
export type ParamSpec =
  | {
      name: string;
      kind: "log";
      /** Multiplicative step of the coarse pass (the fine pass uses its square root). */
      step: number;
      /** Hard limits the search never crosses. */
      min: number;
      max: number;
      integer?: boolean;
      /**
       * The neighbour of `p` with this parameter at `value`, when moving it should carry others along (ALS: λ
       * scales with 1 + α, so a step in α keeps the regularisation relative to the data term). The search lays
       * the caller's pins over the result, so a pinned partner stays where it was. Default: only this one moves.
       */
      move?: (p: Point, value: number) => Point;
    }
  | { name: string; kind: "choice"; choices: readonly ParamValue[] };

export interface SearchSpace {
  model: string;
  /** The name of the epoch-count parameter: early stopping sets it from the best validation epoch. */
  epochsParam: string;
  /** Upper bound on epochs for a search fit (early stopping usually ends sooner). */
  maxEpochs(stats: DataStats): number;
  /**
   * Fewest epochs a searched point is refitted with, however early its validation curve peaked: for a model whose
   * training converges (ALS), stopping early saves time but does not regularise, and on small data the peak is noise.
   */
  minEpochs?(stats: DataStats): number;
  /** The rule defaults: the search's starting point and what `--no-tune` trains with. */
  start(stats: DataStats, data: Interactions): Point;
  /** The parameters to search, most important first; pinned ones are left out by the search. */
  params(stats: DataStats, data: Interactions): ParamSpec[];
  /** Relative cost of a point (the search tries cheap points first when budget is short). */
  cost(p: Point): number;
  /**
   * Fits one point (search fits: no final exact step, early stopping through hooks). `init`: the incumbent's
   * factors, for spaces that can warm-start from them (a neighbour then converges in a few epochs); others ignore it.
   */
  fit(data: Interactions, p: Point, hooks: TrainHooks, final: boolean, init?: WarmStart): Promise<TrainedModel>;
  /** True when `fit` uses `init`: the search then counts a warm fit's epochs on top of the incumbent's. */
  warmStarts?: boolean;
}
