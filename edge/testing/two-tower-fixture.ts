// A synthetic two-tower artifact for the edge tests: the cluster fixture (fixtures.ts) with random tower weights in
// `model/` (tfjs sharded weights + feature spec) and `model.kind` two-tower, so an item PUT without a vector runs
// the item tower. Runtime-agnostic.

import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { Manifest } from "../../shared/artifact/manifest.ts";
import { encodeTfjsWeights, type NamedWeight } from "../../shared/artifact/tfjs-weights.ts";
import { sealArtifact } from "../../shared/artifact/writer.ts";
import type { FeatureSpec } from "../../shared/features/encode.ts";
import { Rng } from "../../shared/random.ts";
import { type Fixture, type FixtureOptions, buildFixture } from "./fixtures.ts";

export async function buildTwoTowerFixture(o: FixtureOptions): Promise<Fixture & { modelFiles: Map<string, Uint8Array> }> {
  const fx = await buildFixture(o);
  const dim = fx.dim;
  const e = 4;
  const hidden = 6;
  const spec: FeatureSpec = { buckets: 32, maxTokens: 8, itemNumbers: [{ name: "price", mean: 20, std: 10, edges: [10, 20, 30] }], userNumbers: [] };
  const rng = new Rng((o.seed ?? 7) + 1000);
  const w = (name: string, shape: number[]): NamedWeight => ({ name, shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.5 * rng.normal()) });
  const weights = [
    w("item/id_embedding", [fx.itemIds.length + 1, e]),
    w("item/feature_embedding", [spec.buckets, e]),
    w("item/dense1/kernel", [2 * e + spec.itemNumbers.length, hidden]),
    w("item/dense1/bias", [hidden]),
    w("item/dense2/kernel", [hidden, dim]),
    w("item/dense2/bias", [dim]),
    w("user/feature_embedding", [spec.buckets, e]),
    w("user/dense1/kernel", [dim + e, hidden]),
    w("user/dense1/bias", [hidden]),
    w("user/dense2/kernel", [hidden, dim]),
    w("user/dense2/bias", [dim]),
  ];
  const modelFiles = encodeTfjsWeights(weights, { kind: "two-tower", spec });
  const manifest = JSON.parse(new TextDecoder().decode(fx.files.get(ARTIFACT_FILES.manifest)!)) as Manifest;
  const { format: _f, files: _files, ...draft } = manifest;
  const files = new Map([...fx.files].filter(([name]) => name !== ARTIFACT_FILES.manifest));
  for (const [name, bytes] of modelFiles) files.set(name, bytes);
  return { ...fx, modelFiles, files: await sealArtifact({ ...draft, model: { ...draft.model, kind: "two-tower" } }, files) };
}
