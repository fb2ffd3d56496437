// One training run of the demo: split the data (per-user random 80/20, seeded), score the popularity baseline,
// train BPR-MF (trainer/models/bpr-tfjs.ts) or GraphSAGE (trainer/models/graphsage/) on tfjs, or ALS on typed arrays
// (trainer/train.ts) — the trainer's own modules, not copies — and evaluate NDCG@10 / Recall@20 on the held-out
// split after every epoch (GraphSAGE's full-neighbourhood embeddings only after the last).

import { toCsr } from "../../shared/data/csr.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { randomHoldout, type Split } from "../../shared/data/split.ts";
import type { RankingReport } from "../../shared/metrics/evaluate.ts";
import { type BackendChoice, type BackendPreference, chooseBackend } from "../../trainer/backend.ts";
import { evaluateFactors, evaluatePopularity } from "../../trainer/evaluate-model.ts";
import { trainBprTfjs } from "../../trainer/models/bpr-tfjs.ts";
import { graphSageOptions } from "../../trainer/models/graphsage/model.ts";
import { trainGraphSage } from "../../trainer/models/graphsage/train.ts";
import { encodeSageWeights } from "../../trainer/models/graphsage/weights.ts";
import type { EpochReport, TrainedModel } from "../../trainer/models/types.ts";
import { normalisedCsr, trainModel } from "../../trainer/train.ts";
import { WASM_PATHS } from "./wasm-paths.ts";

export type DemoModel = "bpr" | "graphsage" | "als";

export interface RunSettings {
  model: DemoModel;
  dim: number;
  epochs: number;
  backend: BackendPreference;
  seed: number;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  /** NaN when the trainer cannot be evaluated mid-training (then only the last epoch gets the final figures). */
  ndcg10: number;
  recall20: number;
  seconds: number;
  /** Stopped part-way through: the epoch's samples were not all seen. */
  partial: boolean;
  /** Seconds spent training so far, without the per-epoch validation (what throughput figures use). */
  trainSeconds: number;
  etaSeconds: number;
}

export interface RunCallbacks {
  onBackend(line: string, choice: BackendChoice | null): void;
  onBaseline(report: RankingReport): void;
  /** `fraction` of the planned epochs done, after `trainSeconds` of training (validation time excluded). */
  onProgress(fraction: number, etaSeconds: number, trainSeconds: number): void;
  onEpoch(point: EpochPoint): void;
}

export interface RunResult {
  model: TrainedModel;
  split: Split;
  baseline: RankingReport;
  final: RankingReport;
  epochs: EpochPoint[];
  stopped: boolean;
  backendLine: string;
}

/** Mini-batches: about 16 Adam steps per epoch, within [256, 4096] samples. */
export const batchSizeFor = (interactions: number): number =>
  Math.min(4096, Math.max(256, 2 ** Math.round(Math.log2(Math.max(1, interactions / 16)))));

export async function runTraining(data: Interactions, s: RunSettings, cb: RunCallbacks, signal: AbortSignal): Promise<RunResult> {
  const split = randomHoldout(data, { testFraction: 0.2, seed: s.seed });
  const baseline = evaluatePopularity(split.train, split.test);
  cb.onBaseline(baseline);
  const epochs: EpochPoint[] = [];
  let stopped = false;
  const started = performance.now();
  let evalSeconds = 0;
  // Epochs done as a fraction: batches report progress inside an epoch; a stop inside one leaves it partial.
  let epochsDone = 0;
  let fullEpochs = 0;
  const trainSeconds = () => (performance.now() - started) / 1000 - evalSeconds;
  const onEpoch = (r: EpochReport): "stop" | undefined => {
    // ALS hands out its factors each iteration: validate them here (BPR's trainer runs `evaluate` itself).
    if (!r.metrics && r.factors) {
      const t = performance.now();
      r = { ...r, metrics: headline(evaluateFactors(split.train, split.test, r.factors())) };
      evalSeconds += (performance.now() - t) / 1000;
    }
    const partial = signal.aborted && s.model !== "als" && epochsDone < r.epoch - 1e-9;
    if (!partial) {
      fullEpochs = r.epoch;
      epochsDone = r.epoch;
    }
    const point: EpochPoint = {
      epoch: r.epoch,
      loss: r.loss,
      ndcg10: r.metrics?.["ndcg@10"] ?? Number.NaN,
      recall20: r.metrics?.["recall@20"] ?? Number.NaN,
      seconds: r.seconds,
      partial,
      trainSeconds: trainSeconds(),
      etaSeconds: r.etaSeconds,
    };
    epochs.push(point);
    cb.onEpoch(point);
    cb.onProgress(epochsDone / r.epochs, r.etaSeconds, point.trainSeconds);
    if (signal.aborted) {
      stopped = true;
      return "stop";
    }
    return undefined;
  };

  let model: TrainedModel;
  let backendLine: string;
  // tfjs trainers report progress inside an epoch, batch by batch.
  const onBatch = (done: number, total: number): void => {
    epochsDone = fullEpochs + done / total;
    const elapsed = (performance.now() - started) / 1000;
    cb.onProgress(epochsDone / s.epochs, (elapsed / Math.max(1e-9, epochsDone)) * (s.epochs - epochsDone), trainSeconds());
  };
  if (s.model === "als") {
    backendLine = "typed arrays on the main thread (ALS solves small dense systems; tfjs is not used)";
    cb.onBackend(backendLine, null);
  } else {
    const choice = await chooseBackend({ prefer: s.backend, wasmPaths: WASM_PATHS });
    backendLine = `tfjs ${choice.name} — ${choice.reason}`;
    cb.onBackend(backendLine, choice);
  }
  if (s.model === "bpr") {
    const byUser = toCsr(split.train);
    const nnz = byUser.indices.length;
    model = await trainBprTfjs(
      byUser,
      {
        dim: s.dim, epochs: s.epochs, lr: 0.02, reg: 0.005, batchSize: batchSizeFor(nnz), seed: s.seed, onBatch,
        evaluate: (m) => {
          const t = performance.now();
          const metrics = headline(evaluateFactors(split.train, split.test, m));
          evalSeconds += (performance.now() - t) / 1000;
          return metrics;
        },
      },
      { onEpoch, signal },
    );
  } else if (s.model === "graphsage") {
    // The trainer's defaults (as `edgerec train --model graphsage`), with the page's dim, epochs and seed; the
    // network's weights go into the artifact's model/ folder as the CLI writes them.
    const { byUser, byItem } = normalisedCsr(split.train);
    const sage = await trainGraphSage(byUser, byItem, { ...graphSageOptions({ dim: s.dim, epochs: s.epochs, seed: s.seed }), onBatch }, { onEpoch, signal });
    sage.extraFiles = encodeSageWeights(sage.weights);
    model = sage;
  } else {
    model = await trainModel("als", split.train, { dim: s.dim, epochs: s.epochs, seed: s.seed }, { onEpoch, signal });
  }
  // The stop may land between epochs, where the trainer returns without another epoch report.
  stopped ||= signal.aborted;
  const final = evaluateFactors(split.train, split.test, model);
  // A trainer that gave no factors mid-training is evaluated only now: its last epoch gets the figures.
  const last = epochs[epochs.length - 1];
  if (last && Number.isNaN(last.ndcg10)) {
    last.ndcg10 = final["ndcg@10"]!;
    last.recall20 = final["recall@20"]!;
    cb.onEpoch(last);
  }
  if (!stopped) cb.onProgress(1, 0, trainSeconds());
  return { model, split, baseline, final, epochs, stopped, backendLine };
}

const headline = (r: RankingReport): Record<string, number> => ({ "ndcg@10": r["ndcg@10"]!, "recall@20": r["recall@20"]! });
