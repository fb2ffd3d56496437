// A two-tower artifact's towers, loaded from its `model/` files (tfjs sharded weights + the feature spec in
// model.json): item vectors for new items from their metadata, user vectors for new users from their attributes
// and whatever history they have. Runtime-agnostic: the CLI and the edge use the same code.

import { ArtifactError } from "../errors.ts";
import { decodeTfjsWeights } from "../artifact/tfjs-weights.ts";
import type { ItemMeta, UserMeta } from "../data/interactions.ts";
import { encodeItem, encodeUser, type FeatureSpec } from "./encode.ts";
import { COLD_ITEM_WEIGHTS, COLD_USER_WEIGHTS, itemTowerForward, TOWER_WEIGHTS, type TowerWeights, userTowerForward } from "./tower-kernel.ts";

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
  // The cold-user and cold-item heads are optional (older models have none), but each is all or nothing.
  for (const [what, names] of [["cold-user", COLD_USER_WEIGHTS], ["cold-item", COLD_ITEM_WEIGHTS]] as const) {
    const cold = names.filter((name) => weights.has(name));
    if (cold.length > 0 && cold.length < names.length) throw new ArtifactError("model", `model/model.json has part of the ${what} head (${cold.join(", ")})`);
    for (const name of cold) {
      const t = weights.get(name)!;
      w[name] = { shape: t.shape, data: t.data };
    }
  }
  const spec = meta.spec;
  if (w["item/feature_embedding"].shape[0] !== spec.buckets) throw new ArtifactError("model", "feature table rows differ from the spec's buckets");
  const dim = w["item/dense2/kernel"].shape[1]!;
  for (const side of ["user", "item"] as const) {
    const bias = w[`${side}/cold/bias`];
    if (!bias) continue;
    const k = w[`${side}/cold/buckets`]!.shape;
    const rows = w[`${side}/cold/feature_embedding`]!.shape;
    const numeric = w[`${side}/cold/numeric`]!.shape;
    const ok = bias.shape.length === 1 && bias.shape[0] === dim && k.length === 1 && rows.length === 2 && rows[0] === k[0] && rows[1] === dim && numeric.length === 2 && numeric[1] === dim;
    if (!ok) throw new ArtifactError("model", `model/model.json's cold-${side} head has shapes that do not fit dim ${dim}`);
  }
  return {
    dim,
    spec,
    coldUserHead: w["user/cold/bias"] !== undefined,
    itemVector: (m, idRow = 0) => itemTowerForward(w, idRow, encodeItem(m, spec)),
    userVector: (history, count, attributes) => userTowerForward(w, history, count, encodeUser(attributes, spec)),
  };
}
