// The trained GraphSAGE network as tfjs weights in the artifact's `model/` folder: `model/model.json` (tfjs's
// weightsManifest layout: weight names, shapes, dtypes and the shard paths) plus binary shards of at most 4 MB,
// so the browser can fetch them in pieces and tf.io can read them. Every file goes into the manifest with its
// SHA-256 through sealArtifact. (A shared shard writer is planned; this one is local to graphsage.)

import type { SageWeights } from "./embed.ts";

export const MODEL_JSON = "model/model.json";
export const SHARD_BYTES = 4 * 1024 * 1024;
const NAMES = ["userEmb", "itemEmb", "w1User", "w1Item", "w2User", "w2Item"] as const;

interface WeightSpec { name: string; shape: number[]; dtype: "float32" }
interface ModelJson {
  format: "edgerec-graphsage/1";
  generatedBy: string;
  modelTopology: { kind: "graphsage"; dim: number; layers: 2; aggregator: "mean" };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

function shapeOf(w: SageWeights, name: (typeof NAMES)[number]): number[] {
  return name.endsWith("Emb") ? [w[name].length / w.dim, w.dim] : [2 * w.dim, w.dim];
}

/** model/model.json and model/group1-shardKofN.bin files, each shard ≤ SHARD_BYTES. */
export function encodeSageWeights(w: SageWeights, shardBytes = SHARD_BYTES): Map<string, Uint8Array> {
  const total = NAMES.reduce((s, n) => s + w[n].byteLength, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const n of NAMES) {
    all.set(new Uint8Array(w[n].buffer, w[n].byteOffset, w[n].byteLength), at);
    at += w[n].byteLength;
  }
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const files = new Map<string, Uint8Array>();
  const paths: string[] = [];
  for (let k = 0; k < count; k++) {
    const path = `group1-shard${k + 1}of${count}.bin`;
    paths.push(path);
    files.set(`model/${path}`, all.slice(k * shardBytes, Math.min(total, (k + 1) * shardBytes)));
  }
  const json: ModelJson = {
    format: "edgerec-graphsage/1",
    generatedBy: "edgerec trainer (tfjs)",
    modelTopology: { kind: "graphsage", dim: w.dim, layers: 2, aggregator: "mean" },
    weightsManifest: [{ paths, weights: NAMES.map((name) => ({ name, shape: shapeOf(w, name), dtype: "float32" as const })) }],
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
  const parts = group.paths.map((p) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p)) throw new Error(`${MODEL_JSON}: bad shard path ${JSON.stringify(p)}`);
    const b = get(`model/${p}`);
    if (!b) throw new Error(`model/${p} is missing`);
    return b;
  });
  const total = parts.reduce((s, b) => s + b.byteLength, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const b of parts) {
    all.set(b, at);
    at += b.byteLength;
  }
  const dim = json.modelTopology.dim;
  const out: Partial<SageWeights> = { dim };
  let offset = 0;
  for (const spec of group.weights) {
    if (!(NAMES as readonly string[]).includes(spec.name) || spec.dtype !== "float32") throw new Error(`${MODEL_JSON}: unexpected weight ${spec.name}`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(n) || offset + n * 4 > total) throw new Error(`${MODEL_JSON}: weight ${spec.name} runs past the shards`);
    out[spec.name as (typeof NAMES)[number]] = new Float32Array(all.buffer.slice(offset, offset + n * 4));
    offset += n * 4;
  }
  if (offset !== total) throw new Error(`${MODEL_JSON}: shards hold ${total} bytes, weights need ${offset}`);
  for (const n of NAMES) if (!out[n]) throw new Error(`${MODEL_JSON}: weight ${n} is missing`);
  return out as SageWeights;
}
