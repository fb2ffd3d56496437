// The hyper-parameter search `train` runs by default. Any SearchSpace (space.ts) plugs in.
//
// A coordinate pattern search from the rule defaults: for each parameter in turn, try one step up and one down;
// move to the better side and keep stepping that way while it improves, so the best point is never left on the
// edge of the explored range (only a hard limit in the space stops it). A coarse pass (step ×3 / ×2) is followed by
// a fine one (its square root). Each fit is stopped early when validation NDCG@20 stops improving (its best epoch
// becomes the point's epoch count) and pruned when it trails the incumbent's curve badly. A wall-clock budget ends
// the search; the best point found so far wins. Every trial is returned for the run registry.

import type { Interactions } from "../../shared/data/interactions.ts";
import type { TrainedModel } from "../models/types.ts";
import type { DataStats } from "../defaults.ts";
import type { ParamSpec, ParamValue, Point, SearchSpace } from "./space.ts";
import { SEARCH_METRIC, type Validation } from "./validation.ts";

export interface SearchOptions {
  budgetSeconds: number;
  /** Parameters fixed by the caller (flags): never searched. */
  pinned: Point;
  log?: (line: string) => void;
  /** Improvement needed to move (relative), so noise does not walk the search around. Default 0.003. */
  minGain?: number;
}

export interface Trial {
  point: Point;
  score: number;
  metrics: Record<string, number>;
  epochs: number;
  seconds: number;
  end: "converged" | "max-epochs" | "pruned" | "budget" | "pinned";
}

export interface SearchResult {
  best: Point;
  score: number;
  /** The best trial's model (its best epoch's factors), fit on the validation split's training part. */
  model: TrainedModel;
  trials: Trial[];
  seconds: number;
  /** True when the budget ran out before the search converged. */
  outOfBudget: boolean;
}

const PATIENCE = 2;
const PRUNE_RATIO = 0.8;

export async function searchSpace(space: SearchSpace, stats: DataStats, val: Validation, o: SearchOptions): Promise<SearchResult> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const log = o.log ?? (() => {});
  const minGain = o.minGain ?? 0.003;
  const train = val.split.train;
  const epochsPinned = o.pinned[space.epochsParam] !== undefined;
  const maxEpochs = epochsPinned ? Number(o.pinned[space.epochsParam]) : space.maxEpochs(stats);
  const specs = space.params(stats, train).filter((s) => o.pinned[s.name] === undefined);
  const trials: Trial[] = [];
  const seen = new Map<string, Trial>();
  let best: { trial: Trial; model: TrainedModel; curve: Map<number, number> } | null = null;
  let outOfBudget = false;
  let firstSeconds = 0;
  let firstCost = 1;

  const run = async (p: Point): Promise<Trial | null> => {
    const key = keyOf(p);
    const cached = seen.get(key);
    if (cached) return cached;
    if (trials.length > 0) {
      const estimate = (firstSeconds * space.cost(p)) / firstCost;
      if (elapsed() + estimate > o.budgetSeconds) {
        outOfBudget = true;
        return null;
      }
    }
    const started = performance.now();
    const curve = new Map<number, number>();
    let bestScore = -1;
    let bestEpoch = 0;
    let bestMetrics: Record<string, number> = {};
    let snapshot: { userFactors: Float32Array; itemFactors: Float32Array } | null = null;
    let end: Trial["end"] = epochsPinned ? "pinned" : "max-epochs";
    let sinceEval = 0;
    let evalSeconds = 0;
    let lastEpochAt = performance.now();
    const model = await space.fit(train, { ...p, [space.epochsParam]: maxEpochs }, {
      onEpoch: (r) => {
        const now = performance.now();
        const epochSeconds = (now - lastEpochAt) / 1000;
        sinceEval += epochSeconds;
        // Evaluate when the epochs since the last evaluation cost at least as much as an evaluation, and always
        // at the last epoch, so scoring never takes more than about half the time.
        // Evaluations under 0.2 s always run, so small data gets the same curve whatever the machine's load.
        if (r.epoch < r.epochs && evalSeconds > 0.2 && sinceEval < evalSeconds && r.epoch > 1) {
          lastEpochAt = performance.now();
          return;
        }
        const e0 = performance.now();
        const f = r.factors!();
        const m = val.score(f);
        evalSeconds = (performance.now() - e0) / 1000;
        sinceEval = 0;
        const s = m[SEARCH_METRIC]!;
        curve.set(r.epoch, s);
        let verdict: "stop" | undefined;
        if (s > bestScore) {
          bestScore = s;
          bestEpoch = r.epoch;
          bestMetrics = m;
          snapshot = { userFactors: f.userFactors.slice(), itemFactors: f.itemFactors.slice() };
        } else if (!epochsPinned && [...curve.keys()].filter((e) => e > bestEpoch).length >= PATIENCE) {
          end = "converged";
          verdict = "stop";
        }
        const ref = best?.curve.get(r.epoch);
        if (!epochsPinned && ref !== undefined && r.epoch >= 3 && s < PRUNE_RATIO * ref) {
          end = "pruned";
          verdict = "stop";
        }
        if (elapsed() > o.budgetSeconds) {
          end = "budget";
          outOfBudget = true;
          verdict = "stop";
        }
        lastEpochAt = performance.now();
        return verdict;
      },
    }, false);
    const seconds = (performance.now() - started) / 1000;
    if (trials.length === 0) {
      firstSeconds = seconds;
      firstCost = space.cost(p);
    }
    const epochs = epochsPinned ? maxEpochs : Math.max(1, bestEpoch);
    const trial: Trial = { point: { ...p, [space.epochsParam]: epochs }, score: bestScore, metrics: round(bestMetrics), epochs, seconds: round1(seconds), end };
    trials.push(trial);
    seen.set(key, trial);
    log(`search ${space.model} ${describe(p)}: ${SEARCH_METRIC} ${bestScore.toFixed(4)} at epoch ${bestEpoch} (${end}, ${seconds.toFixed(1)}s)`);
    if (!best || bestScore > best.trial.score) {
      const s = snapshot as { userFactors: Float32Array; itemFactors: Float32Array } | null;
      if (s) {
        model.userFactors = s.userFactors;
        model.itemFactors = s.itemFactors;
      }
      best = { trial, model, curve };
    }
    return trial;
  };

  let current: Point = { ...space.start(stats, train), ...o.pinned };
  delete current[space.epochsParam];
  let currentTrial = await run(current);
  for (const fine of [false, true]) {
    let moved = true;
    for (let round_ = 0; moved && round_ < 4 && !outOfBudget; round_++) {
      moved = false;
      for (const spec of specs) {
        if (outOfBudget) break;
        if (spec.kind === "choice") {
          if (fine) continue;
          for (const c of spec.choices) {
            const t = await run({ ...current, [spec.name]: c });
            if (t && currentTrial && t.score > currentTrial.score * (1 + minGain)) {
              current = { ...current, [spec.name]: c };
              currentTrial = t;
              moved = true;
            }
          }
          continue;
        }
        const factor = fine ? Math.sqrt(spec.step) : spec.step;
        const up = stepped(spec, current[spec.name]!, factor);
        const down = stepped(spec, current[spec.name]!, 1 / factor);
        const tUp = up === null ? null : await run({ ...current, [spec.name]: up });
        const tDown = down === null ? null : await run({ ...current, [spec.name]: down });
        const base = currentTrial?.score ?? -1;
        const better = (t: Trial | null) => t !== null && t.score > base * (1 + minGain);
        let dir: number | null = null;
        if (better(tUp) && (!better(tDown) || tUp!.score >= tDown!.score)) dir = factor;
        else if (better(tDown)) dir = 1 / factor;
        if (dir === null) continue;
        // Keep going while it improves: the best point ends inside the explored range.
        let value = dir === factor ? up! : down!;
        let trial = (dir === factor ? tUp : tDown)!;
        for (;;) {
          const further = stepped(spec, value, dir);
          if (further === null) break;
          const t = await run({ ...current, [spec.name]: further });
          if (!t || !(t.score > trial.score * (1 + minGain))) break;
          value = further;
          trial = t;
        }
        current = { ...current, [spec.name]: value };
        currentTrial = trial;
        moved = true;
      }
    }
  }
  if (!best) throw new Error("search: no trial fitted within the budget");
  const b = best as { trial: Trial; model: TrainedModel };
  return { best: b.trial.point, score: b.trial.score, model: b.model, trials, seconds: round1(elapsed()), outOfBudget };
}

function stepped(spec: ParamSpec, v: ParamValue, factor: number): number | null {
  if (spec.kind !== "log") return null;
  let next = Number(v) * factor;
  next = spec.integer ? Math.round(next) : Number(next.toPrecision(3));
  if (next < spec.min || next > spec.max || next === Number(v)) return null;
  return next;
}

const keyOf = (p: Point): string => JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
export const describe = (p: Point): string =>
  Object.entries(p)
    .map(([k, v]) => `${k} ${typeof v === "number" ? Number(v.toPrecision(3)) : v}`)
    .join(", ");
const round = (m: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).filter(([k]) => k !== "users").map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
const round1 = (x: number): number => Math.round(x * 10) / 10;
