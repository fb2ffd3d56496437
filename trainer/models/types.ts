// What every trainer produces and how training reports progress. Models are factorisations: a user vector and an
// item vector per row, scored by dot product, so the edge, the browser and the ANN index treat them alike.

import type { FoldInParams, ModelKind } from "../../shared/artifact/manifest.ts";
import type { NeighbourList } from "../../shared/artifact/neighbours.ts";

export interface EpochReport {
  epoch: number; // 1-based
  epochs: number;
  loss: number;
  /** Seconds since training started, and the estimated seconds left. */
  seconds: number;
  etaSeconds: number;
  /** Validation metrics when the caller asked for them (e.g. {"ndcg@10": …}). */
  metrics?: Record<string, number>;
  /** The model's current factors (live views, valid during the hook), for per-epoch validation; absent if unknown. */
  factors?: () => { dim: number; userFactors: Float32Array; itemFactors: Float32Array };
}

export interface TrainedModel {
  kind: ModelKind;
  dim: number;
  users: number;
  items: number;
  /** users × dim, row-major. */
  userFactors: Float32Array;
  /** items × dim, row-major. */
  itemFactors: Float32Array;
  /** Hyper-parameters as used, for the manifest and the run registry. */
  params: Record<string, number | string | boolean>;
  /** How a client may fold a new user in; null when the model has no closed form. */
  foldIn: FoldInParams | null;
  /** Per-item fold-in scales for `foldIn.method === "filter"` (graph models), exported as item-scales.bin (items × 1). */
  itemScales?: Float32Array;
  /** The graph model's sparse item–item term (exported as neighbours.bin; its dense weight is params.denseWeight). */
  neighbours?: NeighbourList;
  /** The compute backend that trained it ("typed-arrays", "tfjs-wasm", "tfjs-webgpu", …). */
  backend: string;
  seconds: number;
  /** Extra artifact files the model carries (e.g. GraphSAGE's tfjs weights under `model/`), name → bytes. */
  extraFiles?: Map<string, Uint8Array>;
}

export interface TrainHooks {
  /** Called after each epoch; may be async (the demo page draws charts). Return "stop" to end training early. */
  onEpoch?: (report: EpochReport) => void | "stop" | Promise<void | "stop">;
  signal?: AbortSignal;
}
