// One tenant version in memory, ready to score: the verified item matrix, id → row, categories as CSR rows,
// popularity, the fold-in solver, trained user vectors (the artifact tier of the user-vector cache) and the index.
// Item PUT / DELETE change the catalogue fields in place (live-catalogue.ts).

import type { ItemTable } from "../../shared/artifact/item-table.ts";
import type { Manifest, PopularFile } from "../../shared/artifact/manifest.ts";
import type { IdLookup, IdTable } from "../../shared/data/id-table.ts";
import type { SeenList } from "../../shared/artifact/seen.ts";
import type { UserFolder } from "../../shared/scoring/foldin.ts";
import type { ItemIndex } from "./item-index.ts";
import type { NeighbourScorer } from "../../shared/scoring/neighbour-scorer.ts";
import type { LiveCatalogue } from "./live-catalogue.ts";

export interface ServingModel {
  tenant: string;
  version: string;
  manifest: Manifest;
  dim: number;
  rows: number;
  /** items.json, compact (ids, category lists, other fields as JSON slices): `items.id(row)`, `items.get(row)`. */
  items: ItemTable;
  /** id → row; the same table as `items.ids`. */
  itemRow: IdTable;
  vectors: Float32Array;
  /** Category name → small integer id; item categories as CSR (`catOffsets` has rows + 1 entries). */
  categoryId: Map<string, number>;
  catOffsets: Int32Array;
  catIds: Int32Array;
  /** Rows of each category (the inverse of the CSR), for exact scans over a selective include filter. */
  rowsByCategory: Map<string, Int32Array>;
  /** Rows by popularity, best first, with their counts; per category as rows too. */
  popularRows: Int32Array;
  popularCounts: Float32Array;
  /** Interaction count of every row (0 when popular.json does not list it). */
  countByRow: Float32Array;
  popularByCategory: Map<string, Int32Array>;
  foldIn: UserFolder | null;
  /** Trained user vectors from users.bin (null when the artifact has none, or when `knownUsersFold`). */
  userRow: IdTable | null;
  userVectors: Float32Array | null;
  /** A known user's vector is `foldIn.user(seen rows)` (graph models, see foldsKnownUsersFromSeen): no users.bin held. */
  knownUsersFold: boolean;
  /** Known users' training items by users.json row (seen.bin); null for an older artifact without one. */
  seen: SeenList | null;
  index: ItemIndex;
  /** The graph model's sparse item–item term (neighbours.bin), null when the version has none. */
  neighbours: NeighbourScorer | null;
  /** Live catalogue changes (item PUT / DELETE) applied to this model: deleted rows, overlay position. */
  live: LiveCatalogue;
  /** What this model holds in memory, for the per-isolate byte budget. */
  bytes: number;
  loadedAt: number;
  loadMs: number;
}

/** Builds the category CSR and id map from items.json. */
export function indexCategories(items: Pick<ItemTable, "length" | "categories">): {
  categoryId: Map<string, number>;
  catOffsets: Int32Array;
  catIds: Int32Array;
  rowsByCategory: Map<string, Int32Array>;
} {
  const categoryId = new Map<string, number>();
  const catOffsets = new Int32Array(items.length + 1);
  let total = 0;
  for (let r = 0; r < items.length; r++) {
    total += items.categories(r)?.length ?? 0;
    catOffsets[r + 1] = total;
  }
  const catIds = new Int32Array(total);
  let o = 0;
  for (let r = 0; r < items.length; r++) {
    for (const c of items.categories(r) ?? []) {
      let id = categoryId.get(c);
      if (id === undefined) {
        id = categoryId.size;
        categoryId.set(c, id);
      }
      catIds[o++] = id;
    }
  }
  const counts = new Int32Array(categoryId.size);
  for (const c of catIds) counts[c]!++;
  const lists = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(categoryId.size);
  for (let r = 0; r < items.length; r++) {
    for (let k = catOffsets[r]!; k < catOffsets[r + 1]!; k++) {
      const c = catIds[k]!;
      lists[c]![fill[c]!++] = r;
    }
  }
  const rowsByCategory = new Map<string, Int32Array>();
  for (const [name, id] of categoryId) rowsByCategory.set(name, lists[id]!);
  return { categoryId, catOffsets, catIds, rowsByCategory };
}

/** Popular rows globally and per category; ids unknown to items.json are skipped (popular.json may lag). */
export function indexPopular(popular: PopularFile | null, itemRow: IdLookup, rowCount: number) {
  const rows: number[] = [];
  const counts: number[] = [];
  if (popular) {
    for (const p of popular.global) {
      const r = itemRow.get(p.id);
      if (r !== undefined) {
        rows.push(r);
        counts.push(p.count);
      }
    }
  }
  // Without popularity data every item still has a place: file order, count 0.
  if (rows.length === 0) for (let r = 0; r < rowCount; r++) (rows.push(r), counts.push(0));
  const byCategory = new Map<string, Int32Array>();
  if (popular) {
    for (const [cat, ids] of Object.entries(popular.byCategory)) {
      const rs: number[] = [];
      for (const id of ids) {
        const r = itemRow.get(id);
        if (r !== undefined) rs.push(r);
      }
      byCategory.set(cat, Int32Array.from(rs));
    }
  }
  const countByRow = new Float32Array(rowCount);
  rows.forEach((r, i) => (countByRow[r] = counts[i]!));
  return { popularRows: Int32Array.from(rows), popularCounts: Float32Array.from(counts), countByRow, popularByCategory: byCategory };
}
