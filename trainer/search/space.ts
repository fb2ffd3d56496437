// A model family's search space: the parameters worth tuning, where to start, how far each may go, and how to fit
// one point. search.ts walks any space, so a new model kind (graph, two-tower, …) plugs in by exporting one of these.
// Browser-safe.

import type { Interactions } from "../../shared/data/interactions.ts";
import type { DataStats } from "../defaults.ts";
import type { TrainHooks, TrainedModel } from "../models/types.ts";

export type ParamValue = number | string;
export type Point = Record<string, ParamValue>;

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
    }
  | { name: string; kind: "choice"; choices: readonly ParamValue[] };

export interface SearchSpace {
  model: string;
  /** The name of the epoch-count parameter: early stopping sets it from the best validation epoch. */
  epochsParam: string;
  /** Upper bound on epochs for a search fit (early stopping usually ends sooner). */
  maxEpochs(stats: DataStats): number;
  /** The rule defaults: the search's starting point and what `--no-tune` trains with. */
  start(stats: DataStats, data: Interactions): Point;
  /** The parameters to search, most important first; pinned ones are left out by the search. */
  params(stats: DataStats, data: Interactions): ParamSpec[];
  /** Relative cost of a point (the search tries cheap points first when budget is short). */
  cost(p: Point): number;
  /** Fits one point (search fits: no final exact step, early stopping through hooks). */
  fit(data: Interactions, p: Point, hooks: TrainHooks, final: boolean): Promise<TrainedModel>;
}
