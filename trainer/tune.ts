// `train --tune`: a small validation search. The rule in defaults.ts gives the centre; this tries a few multiples
// of regularisation (and α for ALS, the learning rate for BPR) on a split of the training data and keeps the best
// NDCG@10. Nine fits at most, each on 90% of the training data.

import { randomHoldout } from "../shared/data/split.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { evaluateFactors } from "./evaluate-model.ts";
import { resolveParams, statsOf, trainModel, type TrainableModel, type TrainOverrides } from "./train.ts";

export async function tuneOverrides(
  model: TrainableModel,
  train: Interactions,
  base: TrainOverrides,
  seed: number,
  log: (line: string) => void,
): Promise<TrainOverrides> {
  const split = randomHoldout(train, { testFraction: 0.1, seed: seed + 1 });
  const centre = resolveParams(model, statsOf(split.train), base);
  const reg = Number(centre.regularization);
  const candidates: TrainOverrides[] = [];
  for (const r of [reg / 3, reg, reg * 3]) {
    if (model === "als") for (const alpha of [1, 2, 4]) candidates.push({ ...base, regularization: r, alpha });
    else for (const lr of [0.05, 0.1]) candidates.push({ ...base, regularization: r, learningRate: lr });
  }
  let best = base;
  let bestScore = -1;
  for (const c of candidates) {
    const m = await trainModel(model, split.train, c);
    const score = evaluateFactors(split.train, split.test, m, [10])["ndcg@10"]!;
    log(`tune ${model} regularization ${fmt(c.regularization)} ${model === "als" ? `alpha ${c.alpha}` : `lr ${c.learningRate}`}: ndcg@10 ${score.toFixed(4)}`);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  log(`tune: kept regularization ${fmt(best.regularization)} ${model === "als" ? `alpha ${best.alpha}` : `lr ${best.learningRate}`}`);
  return best;
}

const fmt = (x: number | undefined): string => (x === undefined ? "default" : x.toPrecision(3));
