// The graph model scored as it is served: dense dot products plus, when the model carries neighbours.bin, the
// sparse item–item term over each user's training items (shared/scoring/neighbour-scorer.ts, the edge's scorer).

import { toCsr } from "../../../shared/data/csr.ts";
import type { Interactions } from "../../../shared/data/interactions.ts";
import { type EvaluateOptions, evaluateRanking, type RankingReport } from "../../../shared/metrics/evaluate.ts";
import { graphNormalisation, NeighbourScorer } from "../../../shared/scoring/neighbour-scorer.ts";
import type { TrainedModel } from "../types.ts";
import { factorScorer } from "../../../shared/scoring/item-scorer.ts";

/** `train` and `test` share IdMaps; `users` limits the users scored (all with test items by default). */
export function evaluateServedGraph(train: Interactions, test: Interactions, m: TrainedModel, ks = [10, 20], users?: Int32Array, onUser?: EvaluateOptions["onUser"]): RankingReport {
  const weight = m.params.denseWeight;
  const norm = graphNormalisation(m.foldIn);
  const byUser = toCsr(train);
  const dense = factorScorer(m);
  const extra = { ...(users ? { users } : {}), ...(onUser ? { onUser } : {}) };
  if (!m.neighbours || typeof weight !== "number" || !norm) return evaluateRanking({ train: byUser, test: toCsr(test), ks, ...extra, scoreUser: dense });
  const scorer = new NeighbourScorer(m.neighbours, { denseWeight: weight, ...norm });
  return evaluateRanking({
    train: byUser,
    test: toCsr(test),
    ks,
    ...extra,
    scoreUser: (u, out) => {
      dense(u, out);
      scorer.scoreAllInto(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!), out);
    },
  });
}
