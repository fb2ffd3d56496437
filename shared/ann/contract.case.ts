// The contract every AnnIndex implementation passes (run by exact.test.ts and hnsw.test.ts): results equal a
// brute-force oracle written here, filters, deletion, round trips, and typed errors for every kind of bad input.

import { describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { AnnError } from "./errors.ts";
import type { AnnHit, AnnIndex, AnnSpace } from "./types.ts";

export interface AnnImplementation {
  /** A new empty index. Small test sets (≤ 500 points) must come back exact, e.g. HNSW with ef ≥ n. */
  create(opts: { space: AnnSpace; dim: number; capacity: number }): Promise<AnnIndex>;
  deserialize(bytes: Uint8Array, space: AnnSpace, dim: number): Promise<AnnIndex>;
}

const SPACES: AnnSpace[] = ["ip", "l2", "cosine"];

/**
 * Gaussian blobs: `clusters` centres ~ N(0, 1) drawn from `seed`, points = centre + noise · N(0, 1) drawn from
 * `pointSeed` (default: `seed`), so queries can come from the same centres as the data. Row-major n × dim.
 */
export function clusteredVectors(n: number, dim: number, clusters: number, seed: number, noise = 0.35, pointSeed = seed): Float32Array {
  const rng = new Rng(seed);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
  const pts = pointSeed === seed ? rng : new Rng(pointSeed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = pts.int(clusters);
    for (let d = 0; d < dim; d++) out[i * dim + d] = centres[c * dim + d]! + noise * pts.normal();
  }
  return out;
}

/** The oracle: scores every point in float64, best first, ties to the lower label. */
export function bruteForce(vs: Float32Array, labels: ArrayLike<number>, dim: number, space: AnnSpace, q: ArrayLike<number>, k: number): AnnHit[] {
  const n = labels.length;
  const qn = space === "cosine" ? Math.hypot(...Array.from(q)) : 1;
  const hits: AnnHit[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    let vn = 0;
    for (let d = 0; d < dim; d++) {
      const x = vs[i * dim + d]!;
      const y = q[d]!;
      s += space === "l2" ? -(x - y) * (x - y) : x * y;
      vn += x * x;
    }
    if (space === "cosine") s /= Math.sqrt(vn) * qn;
    hits.push({ label: labels[i]!, score: s });
  }
  hits.sort((a, b) => b.score - a.score || a.label - b.label);
  return hits.slice(0, k);
}

const row = (vs: Float32Array, dim: number, i: number) => vs.subarray(i * dim, (i + 1) * dim);

function expectSameHits(got: AnnHit[], want: AnnHit[], tol = 1e-3): void {
  expect(got.length).toBe(want.length);
  // Near-ties may swap order within float32 rounding; compare the score sequence and the label sets.
  for (let i = 0; i < want.length; i++) expect(got[i]!.score).toBeCloseTo(want[i]!.score, -Math.log10(tol));
  const wantLabels = new Set(want.map((h) => h.label));
  const clearlyIn = got.filter((h) => wantLabels.has(h.label)).length;
  expect(clearlyIn).toBeGreaterThanOrEqual(want.length - 1);
}

function expectAnnError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected AnnError ${code}`).toBeInstanceOf(AnnError);
  expect((thrown as AnnError).code).toBe(code);
  expect((thrown as AnnError).message.length).toBeGreaterThan(10);
}

async function expectAnnErrorAsync(fn: () => Promise<unknown>, code: string): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected AnnError ${code}`).toBeInstanceOf(AnnError);
  expect((thrown as AnnError).code).toBe(code);
}

export function annContract(name: string, impl: AnnImplementation): void {
  describe(`AnnIndex contract: ${name}`, () => {
    const dim = 16;
    const n = 400;
    const vs = clusteredVectors(n, dim, 8, 7);
    const queries = clusteredVectors(20, dim, 8, 7).map((x, i) => x + 0.05 * Math.sin(i));
    const labels = Array.from({ length: n }, (_, i) => i * 3 + 1); // sparse, not 0-based

    async function filled(space: AnnSpace): Promise<AnnIndex> {
      const index = await impl.create({ space, dim, capacity: n });
      for (let i = 0; i < n; i++) index.add(row(vs, dim, i), labels[i]!);
      return index;
    }

    for (const space of SPACES) {
      it(`${space}: top-k equals brute force, scores are similarities`, async () => {
        const index = await filled(space);
        expect(index.size()).toBe(n);
        expect(index.space).toBe(space);
        expect(index.dim).toBe(dim);
        for (let q = 0; q < 20; q++) {
          const query = row(queries, dim, q);
          expectSameHits(index.search(query, 10), bruteForce(vs, labels, dim, space, query, 10));
        }
        index.dispose();
      });

      it(`${space}: serialize → deserialize gives the same results`, async () => {
        const index = await filled(space);
        const bytes = index.serialize();
        const back = await impl.deserialize(bytes, space, dim);
        expect(back.size()).toBe(n);
        for (let q = 0; q < 20; q++) {
          const query = row(queries, dim, q);
          expect(back.search(query, 10)).toEqual(index.search(query, 10));
        }
        expect(back.serialize()).toEqual(bytes);
        index.dispose();
        back.dispose();
      });
    }

    it("filter drops points and still returns k of the rest", async () => {
      const index = await filled("ip");
      const keep = (label: number) => label % 2 === 0;
      const kept = labels.map((l, i) => [l, i] as const).filter(([l]) => keep(l));
      const keptVs = new Float32Array(kept.length * dim);
      kept.forEach(([, i], j) => keptVs.set(row(vs, dim, i), j * dim));
      for (let q = 0; q < 10; q++) {
        const query = row(queries, dim, q);
        const got = index.search(query, 10, keep);
        expect(got.every((h) => keep(h.label))).toBe(true);
        expectSameHits(got, bruteForce(keptVs, kept.map(([l]) => l), dim, "ip", query, 10));
      }
      expect(index.search(row(queries, dim, 0), 10, () => false)).toEqual([]);
      index.dispose();
    });

    it("remove hides a label, size drops, unknown labels are refused", async () => {
      const index = await filled("l2");
      const query = row(vs, dim, 5);
      expect(index.search(query, 1)[0]!.label).toBe(labels[5]);
      index.remove(labels[5]!);
      expect(index.size()).toBe(n - 1);
      expect(index.search(query, n).some((h) => h.label === labels[5])).toBe(false);
      expectAnnError(() => index.remove(labels[5]!), "ann_unknown_label");
      expectAnnError(() => index.remove(2), "ann_unknown_label");
      const back = await impl.deserialize(index.serialize(), "l2", dim);
      expect(back.search(query, n).some((h) => h.label === labels[5])).toBe(false);
      index.dispose();
      back.dispose();
    });

    it("k larger than the index returns every point; an empty index returns nothing", async () => {
      const empty = await impl.create({ space: "ip", dim, capacity: 10 });
      expect(empty.size()).toBe(0);
      expect(empty.search(row(queries, dim, 0), 5)).toEqual([]);
      for (let i = 0; i < 3; i++) empty.add(row(vs, dim, i), i);
      const hits = empty.search(row(queries, dim, 0), 50);
      expect(hits.map((h) => h.label).sort()).toEqual([0, 1, 2]);
      const back = await impl.deserialize(empty.serialize(), "ip", dim);
      expect(back.search(row(queries, dim, 0), 50)).toEqual(hits);
      empty.dispose();
      back.dispose();
    });

    it("adding an existing label replaces its vector", async () => {
      const index = await impl.create({ space: "l2", dim, capacity: 10 });
      index.add(row(vs, dim, 0), 7);
      index.add(row(vs, dim, 1), 8);
      index.add(row(vs, dim, 2), 7);
      expect(index.size()).toBe(2);
      const hit = index.search(row(vs, dim, 2), 1)[0]!;
      expect(hit.label).toBe(7);
      expect(hit.score).toBeCloseTo(0, 5);
      index.dispose();
    });

    it("bad input raises typed errors and leaves the index usable", async () => {
      const index = await impl.create({ space: "cosine", dim, capacity: 5 });
      const v = Array.from(row(vs, dim, 0));
      expectAnnError(() => index.add(v.slice(1), 0), "ann_dimension");
      expectAnnError(() => index.add([...v, 1], 0), "ann_dimension");
      expectAnnError(() => index.add(v.map((x, i) => (i === 3 ? NaN : x)), 0), "ann_bad_vector");
      expectAnnError(() => index.add(v.map((x, i) => (i === 3 ? Infinity : x)), 0), "ann_bad_vector");
      expectAnnError(() => index.add(new Array(dim).fill(0), 0), "ann_bad_vector");
      expectAnnError(() => index.add(v, -1), "ann_bad_label");
      expectAnnError(() => index.add(v, 1.5), "ann_bad_label");
      expectAnnError(() => index.add(v, 2 ** 32), "ann_bad_label");
      for (let i = 0; i < 5; i++) index.add(row(vs, dim, i), i);
      expectAnnError(() => index.add(row(vs, dim, 5), 5), "ann_capacity");
      expectAnnError(() => index.search(v, 0), "ann_bad_k");
      expectAnnError(() => index.search(v, -3), "ann_bad_k");
      expectAnnError(() => index.search(v, 2.5), "ann_bad_k");
      expectAnnError(() => index.search(v.slice(2), 3), "ann_dimension");
      expectAnnError(() => index.search(v.map(() => NaN), 3), "ann_bad_vector");
      expect(index.size()).toBe(5);
      expect(index.search(v, 1)[0]!.label).toBe(0);
      index.dispose();
    });

    it("truncated or corrupt bytes raise ann_corrupt_index, never a crash or a wrong answer", async () => {
      const index = await filled("ip");
      const bytes = index.serialize();
      index.dispose();
      await expectAnnErrorAsync(() => impl.deserialize(new Uint8Array(0), "ip", dim), "ann_corrupt_index");
      for (const cut of [8, 40, 100, bytes.length >> 1, bytes.length - 1]) {
        await expectAnnErrorAsync(() => impl.deserialize(bytes.slice(0, cut), "ip", dim), "ann_corrupt_index");
      }
      await expectAnnErrorAsync(() => impl.deserialize(new Uint8Array([...bytes, 0, 0, 0, 0]), "ip", dim), "ann_corrupt_index");
      // Headers overwritten with garbage: every field in the first 100 bytes, one at a time.
      const rng = new Rng(3);
      for (let at = 0; at < 100; at += 4) {
        const bad = bytes.slice();
        const view = new DataView(bad.buffer);
        view.setUint32(at, view.getUint32(at, true) ^ (rng.nextU32() | 0x10000), true);
        let result: AnnIndex | undefined;
        try {
          result = await impl.deserialize(bad, "ip", dim);
        } catch (e) {
          expect(e, `byte ${at}`).toBeInstanceOf(AnnError);
          continue;
        }
        // Some fields (e.g. a float that only guides search) may be accepted; the index must then stay sound.
        const hits = result.search(row(queries, dim, 0), 10);
        expect(hits.length).toBeLessThanOrEqual(10);
        result.dispose();
      }
    });
  });
}
