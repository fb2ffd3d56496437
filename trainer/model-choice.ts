// `train --model auto` (the default): which model family fits this data. ALS and the graph filter are each searched
// and judged on the same held-out slice, and only the better one is refitted on everything and exported. Neither
// wins everywhere (`npm run bench:generalise`, per-user 80/20, NDCG@20 on test): ALS on MovieLens-100k (0.446 vs
// 0.442), the tiny shop and long-tail listening counts; the graph filter on the dense small catalogue (0.564 vs
// 0.556), the sparse check-ins (0.033 vs 0.021, where ALS loses to popularity) and Gowalla (holdout 0.1 Recall@20
// 0.209 vs 0.179). The gap is wide where it matters and within noise where it does not, so the held-out NDCG@20
// decides.

import type { Interactions } from "../shared/data/interactions.ts";
import { graphCandidate } from "./models/graph/fit.ts";
import type { TrainHooks } from "./models/types.ts";
import { SEARCH_METRIC } from "./search/validation.ts";
import { type Candidate, finish, type TunedFit, tunedCandidate } from "./tuned-fit.ts";

export const AUTO_FAMILIES = ["als", "graph"] as const;
export type AutoFamily = (typeof AUTO_FAMILIES)[number];

/**
 * The search budget's share each family gets. The graph filter's search is a fixed handful of truncated SVDs (its
 * budget only stops the item–item candidates), ALS's is open-ended: it gets the larger part.
 */
const BUDGET_SHARE: Record<AutoFamily, number> = { als: 0.6, graph: 0.4 };

export interface AutoFit extends TunedFit {
  model: AutoFamily;
  /** Every family tried, with its held-out metrics (the baseline is the same for all). */
  candidates: { model: AutoFamily; metrics: Record<string, number> }[];
}

export interface AutoFitOptions {
  tune: boolean;
  holdout: number;
  budgetSeconds: number;
  seed: number;
  log: (line: string) => void;
  hooks: (label: string) => TrainHooks;
  clock?: () => number;
}

export async function autoFit(data: Interactions, o: AutoFitOptions): Promise<AutoFit> {
  const judged: { model: AutoFamily; candidate: Candidate }[] = [];
  for (const model of AUTO_FAMILIES) {
    const budgetSeconds = Math.max(1, Math.round(o.budgetSeconds * BUDGET_SHARE[model]));
    o.log(`auto: ${model}${o.tune ? `, search budget ${budgetSeconds}s` : ""}`);
    const candidate =
      model === "als"
        ? await tunedCandidate(data, { model, pinned: {}, tune: o.tune, holdout: o.holdout, budgetSeconds, seed: o.seed, log: o.log, hooks: o.hooks, judgeRefit: true, ...(o.clock ? { clock: o.clock } : {}) })
        : await graphCandidate(data, { overrides: { seed: o.seed }, tune: o.tune, holdout: o.holdout, seed: o.seed, log: o.log, hooks: o.hooks, budgetSeconds });
    judged.push({ model, candidate });
  }
  const score = (c: Candidate) => c.metrics[SEARCH_METRIC] ?? 0;
  // Ties go to the first family (ALS): the cheaper model to serve.
  const best = judged.reduce((a, b) => (score(b.candidate) > score(a.candidate) ? b : a));
  o.log(`auto: ${best.model} (${judged.map((j) => `${j.model} ${SEARCH_METRIC} ${score(j.candidate)}`).join(", ")} on the ${o.holdout > 0 ? `holdout ${o.holdout}` : "validation split"})`);
  return { ...(await finish(best.candidate)), model: best.model, candidates: judged.map((j) => ({ model: j.model, metrics: j.candidate.metrics })) };
}
