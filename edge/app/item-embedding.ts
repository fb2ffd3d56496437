// The vector of an item PUT without an explicit `vector`, from what the serving model can do: the two-tower item
// tower over the item's features (model/ weights run by shared/features/tower-kernel.ts, equal to tfjs), else the
// content fallback: the mean vector of the live items in the item's categories (any model). A known item whose
// vector is not given keeps the vector it has (`kept`): its trained vector beats a cold-start guess.

import { ArtifactError } from "../../shared/errors.ts";
import { readVerified } from "../../shared/artifact/reader.ts";
import { MODEL_DIR, MODEL_JSON } from "../../shared/artifact/tfjs-weights.ts";
import { type Towers, loadTowers } from "../../shared/features/towers.ts";
import type { ItemMeta, VectorMethod } from "./item-overlay.ts";
import { isLiveRow } from "./live-catalogue.ts";
import { artifactSource } from "./model-loader.ts";
import type { ArtifactStore } from "./ports.ts";
import type { ServingModel } from "./serving-model.ts";

export interface ItemVector {
  vector: Float32Array | null;
  method: VectorMethod;
}

/**
 * Most bytes of `model/` files a version's towers may take (read, verified and decoded once per loaded model, beside
 * the registry's budget for the rest): an ML-100k two-tower's are about 5 MB; a Worker has 128 MB in all.
 */
export const MAX_TOWER_BYTES = 32 * 2 ** 20;

/**
 * The model's towers (item tower for item PUTs, user tower and cold-user head for new users), read and verified
 * from the artifact once per loaded model (null: the model has none). The Towers object is cached, not the
 * promise: a Worker request must not await another request's I/O.
 */
export async function itemTowers(model: ServingModel, store: Pick<ArtifactStore, "get">): Promise<Towers | null> {
  if (model.live.towers !== undefined) return model.live.towers;
  const manifest = model.manifest;
  if (manifest.model.kind !== "two-tower" || !manifest.files[MODEL_JSON]) return (model.live.towers = null);
  let total = 0;
  for (const [name, f] of Object.entries(manifest.files)) if (name.startsWith(MODEL_DIR)) total += f.bytes;
  if (total > MAX_TOWER_BYTES) throw new ArtifactError("memory", `the towers (${MODEL_DIR}) need ${Math.ceil(total / 2 ** 20)} MiB, more than the ${MAX_TOWER_BYTES / 2 ** 20} MiB allowed here`);
  const source = artifactSource(store, model.tenant, model.version);
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(manifest.files)) if (name.startsWith(MODEL_DIR)) files.set(name, await readVerified(source, manifest, name));
  const towers = loadTowers((n) => files.get(n));
  if (towers.dim !== model.dim) throw new ArtifactError("model", `the item tower gives ${towers.dim} values, items.bin has dim ${model.dim}`);
  return (model.live.towers = towers);
}

/** The mean vector of the live rows in `categories` (known to the model); null when none has any. */
export function contentVector(model: ServingModel, categories: readonly string[]): Float32Array | null {
  const { dim } = model;
  const sum = new Float64Array(dim);
  const seen = new Set<number>();
  for (const c of categories) {
    for (const r of model.rowsByCategory.get(c) ?? []) {
      if (seen.has(r) || !isLiveRow(model, r)) continue;
      seen.add(r);
      const o = r * dim;
      for (let d = 0; d < dim; d++) sum[d]! += model.vectors[o + d]!;
    }
  }
  if (seen.size === 0) return null;
  return Float32Array.from(sum, (x) => x / seen.size);
}

/**
 * The vector for `meta` on `model` when the request gave none: `kept` for an item the artifact trained (row below
 * baseRows), the tower when the model has one, else content; null vector when nothing can embed it.
 */
export async function embedItem(model: ServingModel, id: string, meta: ItemMeta, store: Pick<ArtifactStore, "get">): Promise<ItemVector> {
  const row = model.itemRow.get(id);
  if (row !== undefined && row < model.live.baseRows) return { vector: null, method: "kept" };
  const towers = await itemTowers(model, store);
  if (towers) return { vector: towers.itemVector(meta), method: "tower" };
  return { vector: contentVector(model, meta.categories ?? []), method: "content" };
}
