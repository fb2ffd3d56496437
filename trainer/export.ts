// Builds an artifact (DESIGN.md "Artifact", format edgerec-artifact/1) from a trained model, in memory, so the CLI
// writes it to a directory and the browser demo offers it as a download. Browser-safe: no Node APIs here.

import { ARTIFACT_FILES } from "../shared/artifact/files.ts";
import type { IndexParams, ItemRecord, Manifest, PopularFile } from "../shared/artifact/manifest.ts";
import { encodePack, type PackDtype } from "../shared/artifact/pack.ts";
import { buildSeenList, encodeSeen } from "../shared/artifact/seen.ts";
import { encodeNeighbours } from "../shared/artifact/neighbours.ts";
import { encodeJson, sealArtifact } from "../shared/artifact/writer.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { gramMatrix } from "../shared/scoring/foldin.ts";
import type { TrainedModel } from "./models/types.ts";
import { twoTowerModelFiles } from "./models/two-tower-export.ts";

export interface ExportOptions {
  tenant: string;
  version: string;
  /** Offline metrics to record (e.g. {"ndcg@10": 0.43}). */
  metrics: Record<string, number>;
  /** dtype of items.bin / users.bin. gram.bin is always float32. */
  dtype?: PackDtype;
  /** Builds `index.hnsw` from the item vectors; omitted → no index file (servers fall back to exact search). */
  buildIndex?: (vectors: Float32Array, rows: number, dim: number) => Promise<{ bytes: Uint8Array; params: IndexParams }>;
  createdAt?: Date;
}

export async function exportArtifact(model: TrainedModel, data: Interactions, opts: ExportOptions): Promise<Map<string, Uint8Array>> {
  const dtype = opts.dtype ?? "float32";
  const files = new Map<string, Uint8Array>();
  files.set(ARTIFACT_FILES.items, encodePack({ rows: model.items, dim: model.dim, data: model.itemFactors }, dtype));
  files.set(ARTIFACT_FILES.users, encodePack({ rows: model.users, dim: model.dim, data: model.userFactors }, dtype));
  files.set(ARTIFACT_FILES.itemsJson, encodeJson({ format: "edgerec-items/1", items: itemRecords(data) }));
  files.set(ARTIFACT_FILES.usersJson, encodeJson({ format: "edgerec-users/1", ids: data.userIds.ids }));
  files.set(ARTIFACT_FILES.popular, encodeJson(popularity(data)));
  // Each known user's training items, so servers leave them out of what they recommend.
  files.set(ARTIFACT_FILES.seen, encodeSeen(buildSeenList(data.userIds.size, data.itemIds.size, data.users, data.items)));
  if (model.foldIn?.method === "als") {
    const gram = gramMatrix(model.itemFactors, model.items, model.dim);
    files.set(ARTIFACT_FILES.gram, encodePack({ rows: model.dim, dim: model.dim, data: Float32Array.from(gram) }, "float32"));
  }
  for (const [name, bytes] of twoTowerModelFiles(model)) files.set(name, bytes);
  if (model.foldIn?.method === "filter") {
    if (!model.itemScales || model.itemScales.length !== model.items) throw new RangeError(`a filter fold-in needs ${model.items} item scales`);
    if (model.foldIn.filter.length !== model.dim) throw new RangeError(`a filter fold-in needs ${model.dim} filter weights, not ${model.foldIn.filter.length}`);
    // Always float32: fold-in sums many rows. (items.bin may be int8: clients then fold from its dequantised vectors.)
    files.set(ARTIFACT_FILES.itemScales, encodePack({ rows: model.items, dim: 1, data: model.itemScales }, "float32"));
  }
  // Older graph versions' projection.bin is read by every client but no longer written.
  if (model.foldIn?.method === "projection") throw new RangeError("the projection fold-in (projection.bin) is no longer exported: graph models use the filter fold-in");
  if (model.neighbours) {
    if (model.neighbours.items !== model.items) throw new RangeError(`neighbours cover ${model.neighbours.items} items, the model ${model.items}`);
    files.set(ARTIFACT_FILES.neighbours, encodeNeighbours(model.neighbours));
  }
  for (const [name, bytes] of model.extraFiles ?? []) files.set(name, bytes);
  let index: IndexParams | undefined;
  if (opts.buildIndex) {
    const built = await opts.buildIndex(model.itemFactors, model.items, model.dim);
    files.set(ARTIFACT_FILES.index, built.bytes);
    index = built.params;
  }
  const draft: Omit<Manifest, "files" | "format"> = {
    tenant: opts.tenant,
    version: opts.version,
    createdAt: (opts.createdAt ?? new Date()).toISOString(),
    model: { kind: model.kind, dim: model.dim, similarity: "dot", params: model.params, foldIn: model.foldIn },
    counts: { users: model.users, items: model.items, interactions: data.users.length },
    metrics: opts.metrics,
    trainer: { backend: model.backend, seconds: round(model.seconds, 3) },
    ...(index ? { index } : {}),
  };
  return sealArtifact(draft, files);
}

function itemRecords(data: Interactions): ItemRecord[] {
  return data.itemIds.ids.map((id, row) => {
    const meta = data.itemMeta?.get(row);
    const rec: ItemRecord = { id };
    if (meta?.title) rec.title = meta.title;
    if (meta?.description) rec.description = meta.description;
    if (meta?.categories?.length) rec.categories = meta.categories;
    if (meta?.image) rec.image = meta.image;
    if (meta?.url) rec.url = meta.url;
    if (meta?.numbers && Object.keys(meta.numbers).length) rec.numbers = meta.numbers;
    return rec;
  });
}

const GLOBAL_POPULAR = 1000;
const CATEGORY_POPULAR = 200;

/** Items by number of distinct users, globally and per category (cold start). */
export function popularity(data: Interactions): PopularFile {
  const counts = new Float64Array(data.itemIds.size);
  for (let k = 0; k < data.items.length; k++) counts[data.items[k]!]! += 1;
  const order = Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const global = order.slice(0, GLOBAL_POPULAR).map((row) => ({ id: data.itemIds.ids[row]!, count: counts[row]! }));
  const byCategory: Record<string, string[]> = {};
  for (const row of order) {
    for (const cat of data.itemMeta?.get(row)?.categories ?? []) {
      const list = (byCategory[cat] ??= []);
      if (list.length < CATEGORY_POPULAR) list.push(data.itemIds.ids[row]!);
    }
  }
  return { format: "edgerec-popular/1", global, byCategory };
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** A version name from the clock, sortable: v20261126-130512. */
export const versionFromDate = (d = new Date()): string =>
  "v" + d.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
