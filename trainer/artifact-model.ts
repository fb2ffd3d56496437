// An artifact loaded for offline scoring (`recommend`, `evaluate`, the pipeline's gate): item and user vectors by id,
// with the fold-in for users the artifact has never seen and popularity for users with no usable history.

import { ARTIFACT_FILES } from "../shared/artifact/files.ts";
import type { ItemRecord, Manifest } from "../shared/artifact/manifest.ts";
import { decodePack } from "../shared/artifact/pack.ts";
import { type SeenList, checkSeenFits, decodeSeen } from "../shared/artifact/seen.ts";
import { type ArtifactSource, decodePopularJson, decodeUsersJson, readItems, readManifest, readVerified } from "../shared/artifact/reader.ts";
import { createFoldIn, type UserFolder } from "../shared/scoring/foldin.ts";
import { checkNeighboursFit, decodeNeighbours } from "../shared/artifact/neighbours.ts";
import { NeighbourScorer, neighbourTermParams } from "../shared/scoring/neighbour-scorer.ts";
import { toCsr } from "../shared/data/csr.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { WEIGHTINGS, type Weighting, weightScale, weightTransform } from "./train.ts";
import type { UserMeta } from "../shared/data/interactions.ts";
import { MODEL_DIR, MODEL_JSON } from "../shared/artifact/tfjs-weights.ts";
import { loadTowers, type Towers } from "../shared/features/towers.ts";

export interface ArtifactModel {
  manifest: Manifest;
  dim: number;
  itemIds: string[];
  /** items.json records in row order (categories and numeric attributes, for re-ranking). */
  items: ItemRecord[];
  itemRow: Map<string, number>;
  itemVectors: Float32Array;
  userRow: Map<string, number>;
  userVectors: Float32Array;
  foldIn: UserFolder | null;
  /** Known users' training items (seen.bin), by users.json row; null for an older artifact without it. */
  seen: SeenList | null;
  /** A score per item row that ranks by popularity (−∞ for items outside popular.json): the cold-start ranking. */
  popularScores: Float32Array;
  /** The two-tower model's towers (model/), for new users from attributes; null for other models. */
  towers?: Towers | null;
  /** The graph model's sparse item–item term (neighbours.bin), added to dense scores; null when absent. */
  neighbours?: NeighbourScorer | null;
}

export async function loadArtifactModel(source: ArtifactSource): Promise<ArtifactModel> {
  const manifest = await readManifest(source);
  const { items, vectors, gram, foldInData } = await readItems(source, manifest);
  const itemIds = items.map((i) => i.id);
  const itemRow = new Map(itemIds.map((id, row) => [id, row]));
  const userIds = decodeUsersJson(await readVerified(source, manifest, ARTIFACT_FILES.usersJson));
  const users = decodePack(await readVerified(source, manifest, ARTIFACT_FILES.users), ARTIFACT_FILES.users);
  const popular = decodePopularJson(await readVerified(source, manifest, ARTIFACT_FILES.popular));
  const popularRows = popular.global.map((p) => itemRow.get(p.id) ?? -1).filter((r) => r >= 0);
  const popularScores = new Float32Array(itemIds.length).fill(-Infinity);
  popularRows.forEach((row, rank) => (popularScores[row] = popularRows.length - rank));
  const foldIn = createFoldIn(manifest.model.foldIn, vectors.dim, vectors.data, gram?.data ?? null, foldInData?.data ?? null);
  const seen = manifest.files[ARTIFACT_FILES.seen]
    ? checkSeenFits(decodeSeen(await readVerified(source, manifest, ARTIFACT_FILES.seen)), userIds.length, itemIds.length)
    : null;
  let towers: Towers | null = null;
  if (manifest.files[MODEL_JSON]) {
    const modelFiles = new Map<string, Uint8Array>();
    for (const name of Object.keys(manifest.files)) if (name.startsWith(MODEL_DIR)) modelFiles.set(name, await readVerified(source, manifest, name));
    towers = loadTowers((n) => modelFiles.get(n));
  }
  const term = neighbourTermParams(manifest);
  const neighbours =
    manifest.files[ARTIFACT_FILES.neighbours] && term
      ? new NeighbourScorer(checkNeighboursFit(decodeNeighbours(await readVerified(source, manifest, ARTIFACT_FILES.neighbours)), itemIds.length), term)
      : null;
  return {
    manifest,
    neighbours,
    dim: vectors.dim,
    itemIds,
    items,
    itemRow,
    itemVectors: vectors.data,
    userRow: new Map(userIds.map((id, row) => [id, row])),
    userVectors: users.data,
    foldIn,
    seen,
    popularScores,
    towers,
  };
}

export type VectorSource = "personalized" | "fold-in" | "attributes" | "popular";

/**
 * The vector to score a user with: the trained one when the artifact knows the user, else a fold-in from the item
 * rows they touched, else null (the caller falls back to popularity).
 */
export function userVectorFor(
  m: ArtifactModel,
  userId: string,
  itemRows: ArrayLike<number>,
  weights?: ArrayLike<number>,
  attributes?: UserMeta,
): { vector: Float32Array | null; source: VectorSource } {
  const row = m.userRow.get(userId);
  if (row !== undefined) return { vector: m.userVectors.subarray(row * m.dim, (row + 1) * m.dim), source: "personalized" };
  // A two-tower warm-started from ALS keeps ALS's fold-in (items.bin is ALS's space): a history folds in with it.
  if (m.foldIn && itemRows.length > 0) return { vector: m.foldIn.user(itemRows, weights), source: "fold-in" };
  if (m.towers && (itemRows.length > 0 || attributes)) {
    // The user tower pools the history's item vectors (as trained) and reads the attributes.
    const history = new Float32Array(itemRows.length * m.dim);
    for (let k = 0; k < itemRows.length; k++) history.set(m.itemVectors.subarray(itemRows[k]! * m.dim, (itemRows[k]! + 1) * m.dim), k * m.dim);
    return { vector: m.towers.userVector(history, itemRows.length, attributes), source: itemRows.length > 0 ? "fold-in" : "attributes" };
  }
  return { vector: null, source: "popular" };
}

/**
 * Item rows of the artifact for each user's items in `data` (items unknown to the artifact are dropped), with weights
 * transformed as training did (the manifest's `weighting`: by default divided by the data's mean weight).
 */
export function historiesInArtifact(m: ArtifactModel, data: Interactions): { rows: Int32Array[]; weights: Float32Array[] } {
  const byUser = toCsr(data);
  const raw = m.manifest.model.params.weighting;
  const weighting: Weighting = (WEIGHTINGS as readonly unknown[]).includes(raw) ? (raw as Weighting) : "mean";
  const transform = weightTransform(weighting, weightScale(data, weighting));
  const mapItem = Int32Array.from(data.itemIds.ids, (id) => m.itemRow.get(id) ?? -1);
  const rows: Int32Array[] = [];
  const weights: Float32Array[] = [];
  for (let u = 0; u < byUser.rows; u++) {
    const r: number[] = [];
    const w: number[] = [];
    for (let k = byUser.indptr[u]!; k < byUser.indptr[u + 1]!; k++) {
      const row = mapItem[byUser.indices[k]!]!;
      if (row >= 0) {
        r.push(row);
        w.push(transform(byUser.values[k]!));
      }
    }
    rows.push(Int32Array.from(r));
    weights.push(Float32Array.from(w));
  }
  return { rows, weights };
}

/**
 * Dense scores of every item (`out`) → the served scores: with neighbours.bin, the sparse term over the user's
 * history — their items in the data plus, for a user the artifact knows, their training items (seen.bin), as the
 * edge sums a known user's training rows and recent items.
 */
export function addHistoryTerm(m: ArtifactModel, userId: string, history: ArrayLike<number>, out: Float32Array): void {
  if (!m.neighbours) return;
  const row = m.seen ? m.userRow.get(userId) : undefined;
  if (row === undefined) return m.neighbours.scoreAllInto(history, out);
  const trained = m.seen!.rows.subarray(m.seen!.offsets[row]!, m.seen!.offsets[row + 1]!);
  const all = new Int32Array(history.length + trained.length);
  for (let n = 0; n < history.length; n++) all[n] = history[n]!;
  all.set(trained, history.length);
  m.neighbours.scoreAllInto(all, out);
}
