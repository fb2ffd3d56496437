// Names of the files in an artifact directory (DESIGN.md "Artifact").

import type { FoldInParams } from "./manifest.ts";

export const ARTIFACT_FILES = {
  manifest: "manifest.json",
  items: "items.bin",
  itemsJson: "items.json",
  users: "users.bin",
  usersJson: "users.json",
  index: "index.hnsw",
  gram: "gram.bin",
  popular: "popular.json",
  /** Known users' training items (shared/artifact/seen.ts); server-side only, never shipped to browsers. */
  seen: "seen.bin",
  /** Graph models' per-item fold-in scales s_i (items × 1): P_i = s_i · (y_i ⊙ h) is derived from them (filterFoldInSchema). */
  itemScales: "item-scales.bin",
  /** Older graph versions' fold-in matrix P (items × dim): a user is Σ of their items' rows (projectionFoldInSchema). */
  projection: "projection.bin",
  /** Graph models' sparse item–item term (shared/artifact/neighbours.ts): scored alike by the edge, `recommend`/`evaluate` and the widget. */
  neighbours: "neighbours.bin",
} as const;

/**
 * Files a client needs to score on its own (what the widget downloads, those its version lists): of the two fold-in
 * files only the one its method reads (foldInFileOf), item-scales.bin for graph models, projection.bin for older ones;
 * and a graph model's item–item term, neighbours.bin, when it carries one.
 */
export const CLIENT_FILES = [
  ARTIFACT_FILES.items,
  ARTIFACT_FILES.itemsJson,
  ARTIFACT_FILES.gram,
  ARTIFACT_FILES.itemScales,
  ARTIFACT_FILES.projection,
  ARTIFACT_FILES.neighbours,
] as const;

/**
 * The file a fold-in method reads besides the item matrix (gram.bin, ALS's, is read on its own): item-scales.bin for
 * "filter", projection.bin for "projection" (older graph versions); null for methods without one. A client downloads
 * only this one of the two.
 */
export function foldInFileOf(params: FoldInParams | null | undefined): typeof ARTIFACT_FILES.itemScales | typeof ARTIFACT_FILES.projection | null {
  if (params?.method === "filter") return ARTIFACT_FILES.itemScales;
  if (params?.method === "projection") return ARTIFACT_FILES.projection;
  return null;
}

/** A file name is safe when it is one path segment (or `model/<segment>`) of plain characters. */
export const isSafeArtifactPath = (name: string): boolean => /^(model\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
