// The cold-user head: a ridge map from encoded attributes to user vectors, checked on a planted linear map.

import { describe, expect, it } from "vitest";
import { encodeUser, fitFeatureSpec } from "../../shared/features/encode.ts";
import { coldUserForward, type TowerWeights } from "../../shared/features/tower-kernel.ts";
import { Rng } from "../../shared/random.ts";
import { fitColdUserHead } from "./two-tower-cold-users.ts";
import { encodeAll } from "./two-tower.ts";

describe("cold-user head", () => {
  const rng = new Rng(4);
  const metas = Array.from({ length: 300 }, (_, u) => ({ categories: [`job:${u % 5}`, `city:${u % 3}`], numbers: { age: 20 + rng.int(40) } }));
  const spec = fitFeatureSpec([], metas, 256, 8);
  const x = encodeAll(metas.length, (u) => encodeUser(metas[u], spec)).batch(Int32Array.from(metas.keys()));
  const dim = 3;
  // Planted: a vector per job plus one per city plus a slope in standardised age, plus noise.
  const job = Array.from({ length: 5 }, () => Array.from({ length: dim }, () => rng.normal()));
  const city = Array.from({ length: 3 }, () => Array.from({ length: dim }, () => rng.normal()));
  const y = new Float32Array(metas.length * dim);
  metas.forEach((m, u) => {
    for (let d = 0; d < dim; d++) y[u * dim + d] = job[u % 5]![d]! + city[u % 3]![d]! + 0.5 * d * x.numeric[u]! + 0.01 * rng.normal();
  });

  it("recovers the planted map for held-out users, and falls back to the mean for unknown attributes", () => {
    const head = fitColdUserHead(x, y, dim, (u) => u % 10 !== 0, 0.01);
    const w = { "user/cold/buckets": head.buckets, "user/cold/feature_embedding": head.embedding, "user/cold/numeric": head.numeric, "user/cold/bias": head.bias } as unknown as TowerWeights;
    let err = 0;
    let spread = 0;
    for (let u = 0; u < metas.length; u += 10) {
      const v = coldUserForward(w, encodeUser(metas[u], spec));
      for (let d = 0; d < dim; d++) (err += (v[d]! - y[u * dim + d]!) ** 2), (spread += y[u * dim + d]! ** 2);
    }
    expect(err / spread).toBeLessThan(0.01);
    expect(head.buckets.data.every((b, k) => k === 0 || b > head.buckets.data[k - 1]!)).toBe(true);
    const unknown = coldUserForward(w, encodeUser({ categories: ["never:seen"] }, spec));
    const mean = new Float64Array(dim);
    for (let u = 0; u < metas.length; u++) if (u % 10 !== 0) for (let d = 0; d < dim; d++) mean[d]! += y[u * dim + d]! / 270;
    // Unknown bucket → no row; the encoder's weight on it is lost, so the vector is the intercept ≈ the mean user.
    for (let d = 0; d < dim; d++) expect(Math.abs(unknown[d]! - mean[d]!)).toBeLessThan(0.35);
  });
});
