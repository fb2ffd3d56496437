// The vector of a user the model does not know, from the attributes the request sends (issue #11's cold-start
// coverage): a two-tower model with the cold-user head maps attributes to a user vector in the space of items.bin
// (shared/features/tower-kernel.ts coldUserForward); with recent items too, the user tower pools their vectors with
// the attributes, as it was trained. The towers load once per loaded model version (item-embedding.ts
// itemTowers, bounded by MAX_TOWER_BYTES); a version whose towers cannot be read is not retried for a while, and
// its new users get what they got before (fold-in, content or popular) instead of an error.

import type { ArtifactStore } from "./ports.ts";
import type { ServingModel } from "./serving-model.ts";
import { itemTowers } from "./item-embedding.ts";
import type { Towers } from "../../shared/features/towers.ts";
import { type UserAttributes, hasUserFeatures, userMetaFromAttributes } from "../../shared/features/user-attributes.ts";

/** How long a version whose towers failed to load is served without them before they are tried again. */
const RETRY_FAILED_MS = 30_000;
const failedAt = new WeakMap<ServingModel, number>();

/** The model's towers when they have the cold-user head; null otherwise (or while a failed load is remembered). */
async function coldUserTowers(model: ServingModel, store: Pick<ArtifactStore, "get">): Promise<Towers | null> {
  if (model.live.towers === null || model.manifest.model.kind !== "two-tower") return null;
  const failed = failedAt.get(model);
  if (failed !== undefined && Date.now() - failed < RETRY_FAILED_MS) return null;
  try {
    const towers = await itemTowers(model, store);
    failedAt.delete(model);
    return towers?.coldUserHead ? towers : null;
  } catch (e) {
    failedAt.set(model, Date.now());
    console.warn(`edgerec: ${model.tenant}/${model.version}: towers not loaded, new users fall back: ${(e as Error).message}`);
    return null;
  }
}

/**
 * The user vector of a new user with `attributes` and (possibly no) history rows; null when the model cannot serve
 * them (no towers, no cold-user head) or the attributes say nothing it can read.
 */
export async function coldUserVector(
  model: ServingModel,
  store: Pick<ArtifactStore, "get">,
  attributes: UserAttributes,
  historyRows: readonly number[],
): Promise<Float32Array | null> {
  const towers = await coldUserTowers(model, store);
  if (!towers) return null;
  const meta = userMetaFromAttributes(attributes, towers.spec);
  if (!hasUserFeatures(meta)) return null;
  const { dim } = model;
  const history = new Float32Array(historyRows.length * dim);
  historyRows.forEach((r, k) => history.set(model.vectors.subarray(r * dim, (r + 1) * dim), k * dim));
  const vector = towers.userVector(history, historyRows.length, meta);
  return vector.every(Number.isFinite) ? vector : null;
}
