// A synthetic two-tower artifact for the edge tests: the cluster fixture (fixtures.ts) with random tower weights in
// `model/` (tfjs sharded weights + feature spec) and `model.kind` two-tower, so an item PUT without a vector runs
// the item tower. With `coldUserHead`, the model also has the cold-user head, built so the answer is known: the
// attribute `segment` = categoryName(c) maps to 4·e_c (a new user of cluster c), `age` (a number) adds a little
// along the last axis, the intercept is 0. Runtime-agnostic.

import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { Manifest } from "../../shared/artifact/manifest.ts";
import { encodeTfjsWeights, type NamedWeight } from "../../shared/artifact/tfjs-weights.ts";
import { bucketOf } from "../../shared/features/encode.ts";
import { sealArtifact } from "../../shared/artifact/writer.ts";
import type { FeatureSpec } from "../../shared/features/encode.ts";
import { Rng } from "../../shared/random.ts";
import { type Fixture, type FixtureOptions, buildFixture, categoryName } from "./fixtures.ts";

/** The user attribute column the cold-user head reads as the user's cluster. */
export const SEGMENT = "segment";

export async function buildTwoTowerFixture(o: FixtureOptions & { coldUserHead?: boolean }): Promise<Fixture & { modelFiles: Map<string, Uint8Array> }> {
  const fx = await buildFixture(o);
  const dim = fx.dim;
  const e = 4;
  const hidden = 6;
  const spec: FeatureSpec = {
    buckets: 32,
    maxTokens: 8,
    itemNumbers: [{ name: "price", mean: 20, std: 10, edges: [10, 20, 30] }],
    userNumbers: o.coldUserHead ? [{ name: "age", mean: 35, std: 12, edges: [25, 35, 45] }] : [],
  };
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
    w("user/dense1/kernel", [dim + e + spec.userNumbers.length, hidden]),
    w("user/dense1/bias", [hidden]),
    w("user/dense2/kernel", [hidden, dim]),
    w("user/dense2/bias", [dim]),
  ];
  if (o.coldUserHead) weights.push(...coldUserHead(spec, dim, o.categories ?? 4));
  const modelFiles = encodeTfjsWeights(weights, { kind: "two-tower", spec });
  const manifest = JSON.parse(new TextDecoder().decode(fx.files.get(ARTIFACT_FILES.manifest)!)) as Manifest;
  const { format: _f, files: _files, ...draft } = manifest;
  const files = new Map([...fx.files].filter(([name]) => name !== ARTIFACT_FILES.manifest));
  for (const [name, bytes] of modelFiles) files.set(name, bytes);
  return { ...fx, modelFiles, files: await sealArtifact({ ...draft, model: { ...draft.model, kind: "two-tower" } }, files) };
}

function coldUserHead(spec: FeatureSpec, dim: number, clusters: number): NamedWeight[] {
  const rows = Array.from({ length: clusters }, (_, c) => ({ c, bucket: bucketOf(`c:${SEGMENT}:${categoryName(c)}`, spec.buckets) })).sort((a, b) => a.bucket - b.bucket);
  const ageBins = Array.from({ length: spec.userNumbers[0]!.edges.length + 1 }, (_, b) => bucketOf(`n:age:${b}`, spec.buckets));
  const taken = [...rows.map((r) => r.bucket), ...ageBins];
  // Hash collisions would blur the known answer: the names above are chosen so that none collide at 32 buckets.
  if (new Set(taken).size !== taken.length) throw new Error("two-tower fixture: cold-user attribute buckets collide");
  const embedding = new Float32Array(clusters * dim);
  rows.forEach((r, k) => (embedding[k * dim + r.c] = 4));
  const numeric = new Float32Array(dim);
  numeric[dim - 1] = 0.2;
  return [
    { name: "user/cold/buckets", shape: [clusters], data: Float32Array.from(rows, (r) => r.bucket) },
    { name: "user/cold/feature_embedding", shape: [clusters, dim], data: embedding },
    { name: "user/cold/numeric", shape: [1, dim], data: numeric },
    { name: "user/cold/bias", shape: [dim], data: new Float32Array(dim) },
  ];
}
