// The trained GraphSAGE network as tfjs weights in the artifact's `model/` folder: `model/model.json` (tfjs's
// weightsManifest layout: weight names, shapes, dtypes and the shard paths) plus binary shards of at most 4 MB,
// so the browser can fetch them in pieces and tf.io can read them. Every file goes into the manifest with its
// SHA-256 through sealArtifact. The shards are written and read by the shared tfjs weights code
// (shared/artifact/tfjs-weights.ts); this wrapper keeps graphsage's own model.json (format tag and modelTopology).

import { decodeTfjsWeights, encodeTfjsWeights, MAX_SHARD_BYTES, MODEL_JSON, type NamedWeight, type WeightsManifestEntry } from "../../../shared/artifact/tfjs-weights.ts";
import type { SageWeights } from "./embed.ts";

export { MODEL_JSON };
export const SHARD_BYTES = MAX_SHARD_BYTES;
const NAMES = ["userEmb", "itemEmb", "w1User", "w1Item", "w2User", "w2Item"] as const;

interface ModelJson {
  format: "edgerec-graphsage/1";
  generatedBy: string;
  modelTopology: { kind: "graphsage"; dim: number; layers: 2; aggregator: "mean" };
  weightsManifest: WeightsManifestEntry[];
}

function shapeOf(w: SageWeights, name: (typeof NAMES)[number]): number[] {
  return name.endsWith("Emb") ? [w[name].length / w.dim, w.dim] : [2 * w.dim, w.dim];
}

/** model/model.json and model/group1-shardKofN.bin files, each shard ≤ SHARD_BYTES. */
export function encodeSageWeights(w: SageWeights, shardBytes = SHARD_BYTES): Map<string, Uint8Array> {
  const named: NamedWeight[] = NAMES.map((name) => ({ name, shape: shapeOf(w, name), data: w[name] }));
  const files = encodeTfjsWeights(named, {}, shardBytes);
  const shared = JSON.parse(new TextDecoder().decode(files.get(MODEL_JSON)!)) as { weightsManifest: WeightsManifestEntry[] };
  const json: ModelJson = {
    format: "edgerec-graphsage/1",
    generatedBy: "edgerec trainer (tfjs)",
    modelTopology: { kind: "graphsage", dim: w.dim, layers: 2, aggregator: "mean" },
    weightsManifest: shared.weightsManifest,
  };
  files.set(MODEL_JSON, new TextEncoder().encode(JSON.stringify(json)));
  return files;
}

/** Reads the weights back; throws a one-line error on a missing shard or a size that does not match. */
export function decodeSageWeights(get: (name: string) => Uint8Array | undefined): SageWeights {
  const raw = get(MODEL_JSON);
  if (!raw) throw new Error(`${MODEL_JSON} is missing`);
  const json = JSON.parse(new TextDecoder().decode(raw)) as ModelJson;
  const group = json.weightsManifest?.[0];
  if (json.format !== "edgerec-graphsage/1" || !group) throw new Error(`${MODEL_JSON}: not an edgerec-graphsage/1 file`);
  for (const p of group.paths ?? []) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p)) throw new Error(`${MODEL_JSON}: bad shard path ${JSON.stringify(p)}`);
  }
  for (const spec of group.weights ?? []) {
    if (!(NAMES as readonly string[]).includes(spec.name)) throw new Error(`${MODEL_JSON}: unexpected weight ${spec.name}`);
  }
  const { weights } = decodeTfjsWeights(get);
  const out: Partial<SageWeights> = { dim: json.modelTopology.dim };
  for (const n of NAMES) {
    const t = weights.get(n);
    if (!t) throw new Error(`${MODEL_JSON}: weight ${n} is missing`);
    out[n] = t.data;
  }
  return out as SageWeights;
}
