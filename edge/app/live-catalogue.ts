// Live catalogue changes applied to a loaded ServingModel in place: an item PUT appends a row (or replaces one) in
// the item matrix, the id map, the category CSR, the popularity arrays, the fold-in and the index; a DELETE hides a
// row from every path (the index drops it, the request filter skips it). Rows are never reused, so row numbers
// held by an in-flight request stay valid. Each change is synchronous: requests never see half of one.

import type { ItemRecord } from "../../shared/artifact/manifest.ts";
import type { Towers } from "../../shared/features/towers.ts";
import { createFoldIn } from "../../shared/scoring/foldin.ts";
import { type ServingModel, indexCategories } from "./serving-model.ts";

/** What a model needs to follow live changes; created by the loader. */
export interface LiveCatalogue {
  /** Rows of the artifact's items.bin; rows at or past it were added live. */
  baseRows: number;
  /** Rows hidden by DELETE. */
  deleted: Set<number>;
  /** Fold-in inputs, to rebuild the folder over a grown item matrix. */
  gram: Float32Array | null;
  /**
   * The fold-in's own file (item-scales.bin, or projection.bin of older graph versions). Its rows cover the artifact's
   * items only: an item added live contributes nothing to a fold-in. A replaced vector of a known item does, under
   * the "filter" method (which derives the item's fold-in row from its served vector), and not under "projection".
   */
  foldInData: Float32Array | null;
  /** The item matrix with room to grow (model.vectors is its first rows × dim values); null until the first change. */
  backing: Float32Array | null;
  /** Highest overlay seq applied, the stored overlay's tag when read, and when it was last checked (ms). */
  seq: number;
  etag: string | null;
  checkedAt: number;
  /** Overlay records that could not be applied to this version (no vector could be computed). */
  skipped: number;
  /** The two-tower item tower, once loaded (undefined: not tried; null: the model has none). */
  towers?: Towers | null;
}

export function newLiveCatalogue(rows: number, gram: Float32Array | null, foldInData: Float32Array | null): LiveCatalogue {
  return { baseRows: rows, deleted: new Set(), gram, foldInData, backing: null, seq: 0, etag: null, checkedAt: 0, skipped: 0 };
}

/** Whether `row` is live (in range and not deleted). */
export const isLiveRow = (model: ServingModel, row: number): boolean => row >= 0 && row < model.rows && !model.live.deleted.has(row);

/**
 * Puts an item: replaces the metadata (and the vector, when one is given) of a known id, or appends a new row.
 * `vector` null keeps the current vector (only for a known id). Throws AnnError `ann_capacity` when the index is
 * full, before anything changes. Returns the row and whether it is new.
 */
export function upsertItem(model: ServingModel, record: ItemRecord, vector: Float32Array | null): { row: number; created: boolean } {
  const existing = model.itemRow.get(record.id);
  if (existing !== undefined) {
    const v = vector ?? model.vectors.subarray(existing * model.dim, (existing + 1) * model.dim).slice();
    // An undeleted row must go back into the index; a replaced vector re-links it.
    if (vector || model.live.deleted.has(existing)) model.index.upsert(existing, v);
    model.live.deleted.delete(existing);
    if (vector) writableMatrix(model, model.rows).set(vector, existing * model.dim);
    const before = model.items.categories(existing) ?? [];
    model.items.set(existing, record);
    const after = record.categories ?? [];
    if (before.length !== after.length || before.some((c, i) => c !== after[i])) Object.assign(model, indexCategories(model.items));
    return { row: existing, created: false };
  }
  if (!vector) throw new RangeError(`item '${record.id}' is new: it needs a vector`);
  const row = model.rows;
  model.index.upsert(row, vector);
  const backing = writableMatrix(model, row + 1);
  backing.set(vector, row * model.dim);
  model.rows = row + 1;
  model.vectors = backing.subarray(0, model.rows * model.dim);
  model.items.push(record);
  appendCategories(model, row, record.categories ?? []);
  const counts = new Float32Array(model.rows);
  counts.set(model.countByRow);
  model.countByRow = counts;
  model.index.setItems(model.vectors, model.rows);
  model.foldIn = createFoldIn(model.manifest.model.foldIn, model.dim, model.vectors, model.live.gram, model.live.foldInData);
  model.bytes += model.dim * 4 + 200;
  return { row, created: true };
}

/** Hides an item from every path; false when the id is unknown or already deleted (DELETE is idempotent). */
export function deleteItem(model: ServingModel, id: string): boolean {
  const row = model.itemRow.get(id);
  if (row === undefined || model.live.deleted.has(row)) return false;
  model.index.remove(row);
  model.live.deleted.add(row);
  return true;
}

/** The item matrix, owned by the model and with room for `rows` rows (copied once, then grown by a quarter). */
function writableMatrix(model: ServingModel, rows: number): Float32Array {
  const live = model.live;
  const need = rows * model.dim;
  if (live.backing && live.backing.length >= need) return live.backing;
  const grown = new Float32Array(Math.max(need, (model.rows + (model.rows >> 2) + 64) * model.dim));
  grown.set(model.vectors.subarray(0, model.rows * model.dim));
  live.backing = grown;
  model.vectors = grown.subarray(0, model.rows * model.dim);
  model.index.setItems(model.vectors, model.rows);
  model.foldIn = createFoldIn(model.manifest.model.foldIn, model.dim, model.vectors, live.gram, live.foldInData);
  return grown;
}

/** Appends `row`'s categories to the CSR, the id map and the per-category row lists. */
function appendCategories(model: ServingModel, row: number, categories: string[]): void {
  const ids: number[] = [];
  for (const c of new Set(categories)) {
    let id = model.categoryId.get(c);
    if (id === undefined) {
      id = model.categoryId.size;
      model.categoryId.set(c, id);
    }
    ids.push(id);
    const old = model.rowsByCategory.get(c);
    const rows = new Int32Array((old?.length ?? 0) + 1);
    if (old) rows.set(old);
    rows[rows.length - 1] = row;
    model.rowsByCategory.set(c, rows);
  }
  const offsets = new Int32Array(row + 2);
  offsets.set(model.catOffsets.subarray(0, row + 1));
  offsets[row + 1] = offsets[row]! + ids.length;
  const catIds = new Int32Array(offsets[row + 1]!);
  catIds.set(model.catIds.subarray(0, offsets[row]!));
  catIds.set(ids, offsets[row]!);
  model.catOffsets = offsets;
  model.catIds = catIds;
}
