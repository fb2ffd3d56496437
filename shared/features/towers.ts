// A two-tower artifact's towers, loaded from its `model/` files (tfjs sharded weights + the feature spec in
// model.json): item vectors for new items from their metadata, user vectors for new users from their attributes
// and whatever history they have. Runtime-agnostic: the CLI and the edge use the same code.

import { ArtifactError } from "../errors.ts";
import { decodeTfjsWeights } from "../artifact/tfjs-weights.ts";
import type { ItemMeta, UserMeta } from "../data/interactions.ts";
import { encodeItem, encodeUser, type FeatureSpec } from "./encode.ts";
import { COLD_USER_WEIGHTS, itemTowerForward, TOWER_WEIGHTS, type TowerWeights, userTowerForward } from "./tower-kernel.ts";

export interface Towers {
  dim: number;
  spec: FeatureSpec;
  /** Whether the model has the cold-user head (attributes → user vector for users without history). */
  coldUserHead: boolean;
  /** The vector of an item from its metadata; `idRow` 0 (default) for an item the model has no id for. */
  itemVector(meta: ItemMeta | undefined, idRow?: number): Float32Array;
  /** The vector of a user from history item vectors (`count` rows of `dim`) and attributes. */
  userVector(history: Float32Array, count: number, attributes: UserMeta | undefined): Float32Array;
}

export function loadTowers(file: (name: string) => Uint8Array | undefined): Towers {
  const { json, weights } = decodeTfjsWeights(file);
  const meta = json.edgerec as { kind?: string; spec?: FeatureSpec };
  if (meta?.kind !== "two-tower" || !meta.spec) throw new ArtifactError("model", "model/model.json is not a two-tower model (edgerec.kind)");
  const w = {} as TowerWeights;
  for (const name of TOWER_WEIGHTS) {
    const t = weights.get(name);
    if (!t) throw new ArtifactError("model", `model/model.json lacks weight ${name}`);
    w[name] = { shape: t.shape, data: t.data };
  }
  // The cold-user head is optional (older models have none), but all of it or nothing.
  const cold = COLD_USER_WEIGHTS.filter((name) => weights.has(name));
  if (cold.length > 0 && cold.length < COLD_USER_WEIGHTS.length) throw new ArtifactError("model", `model/model.json has part of the cold-user head (${cold.join(", ")})`);
  for (const name of cold) {
    const t = weights.get(name)!;
    w[name] = { shape: t.shape, data: t.data };
  }
  const spec = meta.spec;
  if (w["item/feature_embedding"].shape[0] !== spec.buckets) throw new ArtifactError("model", "feature table rows differ from the spec's buckets");
  const dim = w["item/dense2/kernel"].shape[1]!;
  return {
    dim,
    spec,
    coldUserHead: cold.length > 0,
    itemVector: (m, idRow = 0) => itemTowerForward(w, idRow, encodeItem(m, spec)),
    userVector: (history, count, attributes) => userTowerForward(w, history, count, encodeUser(attributes, spec)),
  };
}
