// A real graph-model artifact with the item–item term (neighbours.bin) for the edge tests: the graph filter trained
// on small synthetic data (trainer/models/graph, typed arrays) and exported by the trainer's own writer, with an
// HNSW index when a wasm source is given. `expected` is the offline scorer (dense over every item + the sparse term,
// training items left out): what `edgerec recommend` computes, for checking what a host serves. Runtime-agnostic.

import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { decodeNeighbours } from "../../shared/artifact/neighbours.ts";
import { buildHnswIndexBytes } from "../../shared/ann/build-index.ts";
import type { HnswWasmSource } from "../../shared/ann/wasm/loader.ts";
import { toCsr } from "../../shared/data/csr.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { NeighbourScorer } from "../../shared/scoring/neighbour-scorer.ts";
import { scoreAll, topK } from "../../shared/scoring/topk.ts";
import { exportArtifact } from "../../trainer/export.ts";
import { GRAPH_DEFAULTS, trainGraph } from "../../trainer/models/graph/graph.ts";
import type { TrainedModel } from "../../trainer/models/types.ts";

export interface GraphFixture {
  files: Map<string, Uint8Array>;
  data: Interactions;
  model: TrainedModel;
  /** Each user's training item rows (ascending). */
  history: Int32Array[];
  /** The offline top-`count` for history rows (training rows of a known user, plus any recent ones), best first. */
  expected(userRow: number | null, extraRows: number[], count: number, excludeSeen?: boolean): string[];
}

export async function buildGraphFixture(o: { tenant: string; version: string; hnsw?: HnswWasmSource; neighbours?: number }): Promise<GraphFixture> {
  const data = generateSynthetic({ users: 120, items: 90, interactionsPerUser: 12, dim: 4, categories: 3, seed: 21 });
  const byUser = toCsr(data);
  const byItem = toCsr(data, true);
  byUser.values.fill(1);
  byItem.values.fill(1);
  const trained = await trainGraph(byUser, byItem, { ...GRAPH_DEFAULTS, rank: 10, degreeOffset: 4, neighbours: o.neighbours ?? 15, denseWeight: 0.5 });
  // Unit weights, recorded as `train` records them: the edge then folds known users in from seen.bin.
  const model = { ...trained, params: { ...trained.params, weighting: "binary" } };
  const indexParams = { kind: "hnsw" as const, space: "ip" as const, M: 16, efConstruction: 200, ef: 64 };
  const files = await exportArtifact(model, data, {
    tenant: o.tenant,
    version: o.version,
    metrics: {},
    createdAt: new Date(0),
    ...(o.hnsw
      ? { buildIndex: async (v: Float32Array, rows: number, dim: number) => ({ bytes: await buildHnswIndexBytes(v, rows, dim, "ip", indexParams, o.hnsw!), params: indexParams }) }
      : {}),
  });
  const history = Array.from({ length: byUser.rows }, (_, u) => byUser.indices.slice(byUser.indptr[u]!, byUser.indptr[u + 1]!));
  const list = decodeNeighbours(files.get(ARTIFACT_FILES.neighbours)!);
  const scorer = new NeighbourScorer(list, { denseWeight: 0.5, offset: 4, exponent: 0.5 });
  const fold = (rows: number[]): Float32Array => {
    // The filter fold-in written out (shared/scoring/foldin.ts FilterFoldIn) with unit weights: P_i = s_i · (y_i ⊙ h).
    if (model.foldIn?.method !== "filter") throw new Error("the graph model should fold in by its filter");
    const h = model.foldIn.filter;
    const x = new Float64Array(model.dim);
    for (const r of rows) for (let d = 0; d < model.dim; d++) x[d]! += model.itemScales![r]! * model.itemFactors[r * model.dim + d]!;
    return Float32Array.from(x, (v, d) => v * h[d]! * (rows.length + 4) ** -0.5);
  };
  return {
    files,
    data,
    model,
    history,
    expected(userRow, extraRows, count, excludeSeen = true) {
      const trained = userRow === null ? [] : Array.from(history[userRow]!);
      const vector = userRow === null ? fold(extraRows) : model.userFactors.subarray(userRow * model.dim, (userRow + 1) * model.dim);
      const scores = scoreAll(model.itemFactors, model.dim, vector, new Float32Array(data.itemIds.size));
      scorer.scoreAllInto([...trained, ...extraRows], scores);
      const skip = new Set(excludeSeen ? [...trained, ...extraRows] : []);
      return Array.from(topK(scores, count, (r) => skip.has(r)).rows, (r) => data.itemIds.ids[r]!);
    },
  };
}
