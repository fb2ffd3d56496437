// tfjs's sharded weights format for the artifact's `model/`: `model.json` (a weightsManifest: one group whose
// `paths` are the shards and whose `weights` list name, shape and dtype in byte order) and `group1-shardKofN.bin`,
// the float32 weights concatenated little-endian and cut into shards of at most 4 MB — what tfjs's own save writes,
// done here because tfjs saves a single file from JS. Anything tfjs's io (`tf.io.decodeWeights`) or a tfjs
// `loadWeights` reads, reads these. model.json also carries `edgerec` (model kind, feature spec, id rows) so the
// edge can run the towers (shared/features/tower-kernel.ts) without tfjs.

import { ArtifactError } from "../errors.ts";

export const MODEL_DIR = "model/";
export const MODEL_JSON = "model/model.json";
export const MAX_SHARD_BYTES = 4 * 1024 * 1024;

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface WeightsManifestEntry {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: "float32" }[];
}

export interface ModelJson {
  format: "edgerec-tfjs-weights/1";
  generatedBy: string;
  weightsManifest: WeightsManifestEntry[];
  edgerec: Record<string, unknown>;
}

/** model.json and its shards, as artifact file names (`model/…`) → bytes. */
export function encodeTfjsWeights(weights: NamedWeight[], edgerec: Record<string, unknown>, maxShardBytes = MAX_SHARD_BYTES): Map<string, Uint8Array> {
  let total = 0;
  for (const w of weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (n !== w.data.length) throw new RangeError(`weight ${w.name}: shape ${w.shape.join("×")} holds ${n} values, data has ${w.data.length}`);
    total += n * 4;
  }
  const all = new Uint8Array(total);
  const view = new DataView(all.buffer);
  let o = 0;
  for (const w of weights) for (let k = 0; k < w.data.length; k++, o += 4) view.setFloat32(o, w.data[k]!, true);
  const shards = Math.max(1, Math.ceil(total / maxShardBytes));
  const files = new Map<string, Uint8Array>();
  const paths: string[] = [];
  for (let s = 0; s < shards; s++) {
    const name = `group1-shard${s + 1}of${shards}.bin`;
    paths.push(name);
    files.set(MODEL_DIR + name, all.slice(s * maxShardBytes, Math.min(total, (s + 1) * maxShardBytes)));
  }
  const json: ModelJson = {
    format: "edgerec-tfjs-weights/1",
    generatedBy: "edgerec",
    weightsManifest: [{ paths, weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: "float32" })) }],
    edgerec,
  };
  files.set(MODEL_JSON, new TextEncoder().encode(JSON.stringify(json)));
  return files;
}

/** Reads model.json and its shards back (checks sizes; the manifest's SHA-256 check is the reader's job). */
export function decodeTfjsWeights(files: (name: string) => Uint8Array | undefined): { json: ModelJson; weights: Map<string, NamedWeight> } {
  const raw = files(MODEL_JSON);
  if (!raw) throw new ArtifactError("model", "model/model.json is missing");
  let json: ModelJson;
  try {
    json = JSON.parse(new TextDecoder().decode(raw)) as ModelJson;
  } catch (e) {
    throw new ArtifactError("model", `model/model.json is not JSON (${(e as Error).message})`);
  }
  const group = json.weightsManifest?.[0];
  if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new ArtifactError("model", "model/model.json has no weightsManifest group");
  const parts = group.paths.map((p) => {
    if (!/^[A-Za-z0-9._-]+$/.test(p)) throw new ArtifactError("model", `model/model.json names an unsafe shard path '${p}'`);
    const b = files(MODEL_DIR + p);
    if (!b) throw new ArtifactError("model", `shard ${MODEL_DIR + p} is missing`);
    return b;
  });
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(total);
  parts.reduce((o, p) => (all.set(p, o), o + p.length), 0);
  const view = new DataView(all.buffer);
  const weights = new Map<string, NamedWeight>();
  let o = 0;
  for (const spec of group.weights) {
    if (spec.dtype !== "float32") throw new ArtifactError("model", `weight ${spec.name}: dtype ${spec.dtype} is not float32`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(n) || n < 0 || o + n * 4 > total) throw new ArtifactError("model", `weight ${spec.name} runs past the shards (${total} bytes)`);
    const data = new Float32Array(n);
    for (let k = 0; k < n; k++, o += 4) data[k] = view.getFloat32(o, true);
    weights.set(spec.name, { name: spec.name, shape: spec.shape, data });
  }
  if (o !== total) throw new ArtifactError("model", `the shards hold ${total} bytes, the weights ${o}`);
  return { json, weights };
}
