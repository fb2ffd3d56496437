// Property tests for every binary reader: random bytes, and random mutations of valid files (byte flips, header
// fields set to boundary values, truncation, extension), are refused with a typed error or loaded soundly — never a
// trap, a RangeError or a crash. Readers: the ERPK pack (items.bin, users.bin, gram.bin), seen.bin, neighbours.bin, index.hnsw (the
// wasm reader and the header sizing), the exact index format (ERAX), and cached user vectors (KV base64, Redis bytes).
// Runs are bounded (fixed seeds, a few hundred cases each) to keep the suite fast.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToVector, vectorToBytes } from "../edge/app/embedding-cache.ts";
import { base64ToBytes, bytesToBase64 } from "../edge/worker/kv-batch.ts";
import { hnswWasmModule } from "../trainer/io/hnsw-wasm-node.ts";
import { AnnError } from "./ann/errors.ts";
import { ExactIndex } from "./ann/exact.ts";
import { hnswCapacityBound, hnswFileInfo } from "./ann/hnsw-header.ts";
import { HnswIndex } from "./ann/hnsw.ts";
import { HnswWasm } from "./ann/wasm/loader.ts";
import { decodePack, encodePack } from "./artifact/pack.ts";
import { buildSeenList, decodeSeen, encodeSeen, hasRow, seenRowsOf } from "./artifact/seen.ts";
import { decodeNeighbours, encodeNeighbours, quantiseNeighbours } from "./artifact/neighbours.ts";
import { NeighbourScorer } from "./scoring/neighbour-scorer.ts";
import { ArtifactError } from "./errors.ts";
import { Rng } from "./random.ts";

const RUNS = 300;

/** Boundary values a hostile header field takes. */
const EDGE_U32 = [0, 1, 2, 3, 0x7f, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

type Mutation =
  | { kind: "flip"; at: number; value: number }
  | { kind: "u32"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "extend"; bytes: Uint8Array };

const mutation = (headerBytes: number): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("u32" as const), at: fc.nat({ max: Math.max(0, headerBytes - 4) }), value: fc.constantFrom(...EDGE_U32) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("extend" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  );

function mutate(valid: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = valid.slice();
  for (const m of ms) {
    if (b.length === 0) break;
    if (m.kind === "flip") b[m.at % b.length] = m.value;
    else if (m.kind === "u32" && m.at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(m.at, m.value, true);
    else if (m.kind === "truncate") b = b.slice(0, m.at % b.length);
    else if (m.kind === "extend") b = Uint8Array.from([...b, ...m.bytes]);
  }
  return b;
}

/** Inputs for a reader: random bytes, or mutations of one of the valid files. */
const inputs = (valid: Uint8Array[], headerBytes: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...valid), fc.array(mutation(headerBytes), { minLength: 1, maxLength: 4 })).map(([v, ms]) => mutate(v, ms)) },
  );

/** Runs `read`; a thrown error must be the reader's typed one (never RangeError, TypeError, a wasm trap). */
function refusedOrSound<T>(read: () => T, typed: new (...a: never[]) => Error, sound: (value: T) => void): void {
  let value: T;
  try {
    value = read();
  } catch (e) {
    if (!(e instanceof typed)) throw new Error(`expected ${typed.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return;
  }
  sound(value);
}

describe("binary readers: any bytes are refused with a typed error or loaded soundly", () => {
  it("ERPK pack (items.bin, users.bin, gram.bin)", () => {
    const rng = new Rng(1);
    const m = (rows: number, dim: number) => ({ rows, dim, data: Float32Array.from({ length: rows * dim }, () => rng.normal()) });
    const valid = [encodePack(m(5, 3)), encodePack(m(4, 4), "int8"), encodePack(m(0, 8)), encodePack(m(1, 1))];
    fc.assert(
      fc.property(inputs(valid, 16), (bytes) =>
        refusedOrSound(() => decodePack(bytes, "x.bin"), ArtifactError, (p) => {
          expect(p.data.length).toBe(p.rows * p.dim);
          for (const x of p.data) expect(Number.isFinite(x)).toBe(true);
          expect(["float32", "int8"]).toContain(p.dtype);
        }),
      ),
      { numRuns: RUNS, seed: 11 },
    );
  });

  it("seen.bin", () => {
    const valid = [
      encodeSeen(buildSeenList(4, 10, [0, 0, 1, 3, 3, 3], [5, 2, 9, 0, 1, 9])),
      encodeSeen(buildSeenList(0, 0, [], [])),
      encodeSeen(buildSeenList(3, 2, [], [])),
    ];
    fc.assert(
      fc.property(inputs(valid, 24), (bytes) =>
        refusedOrSound(() => decodeSeen(bytes), ArtifactError, (s) => {
          expect(s.offsets.length).toBe(s.users + 1);
          expect(s.offsets[s.users]).toBe(s.rows.length);
          for (let u = 0; u < s.users; u++) {
            const rows = seenRowsOf(s, u);
            for (let k = 0; k < rows.length; k++) {
              expect(rows[k]!).toBeLessThan(s.items);
              if (k > 0) expect(rows[k]!).toBeGreaterThan(rows[k - 1]!);
              expect(hasRow(rows, rows[k]!)).toBe(true);
            }
          }
        }),
      ),
      { numRuns: RUNS, seed: 12 },
    );
  });

  it("seen.bin round-trips any interactions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 100 }), (users, items, pairs) => {
        const u = pairs.map(([a]) => a % users);
        const i = pairs.map(([, b]) => b % items);
        const s = decodeSeen(encodeSeen(buildSeenList(users, items, u, i)));
        for (let r = 0; r < users; r++) {
          const want = [...new Set(i.filter((_, k) => u[k] === r))].sort((a, b) => a - b);
          expect(Array.from(seenRowsOf(s, r))).toEqual(want);
        }
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  it("neighbours.bin", () => {
    const csr = (rows: number, entries: [number, number, number][]) => {
      const sorted = entries.filter(([i, j]) => i < rows && j < rows).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const kept = sorted.filter((e, k) => k === 0 || e[0] !== sorted[k - 1]![0] || e[1] !== sorted[k - 1]![1]);
      const indptr = new Int32Array(rows + 1);
      for (const [i] of kept) indptr[i + 1]!++;
      for (let i = 0; i < rows; i++) indptr[i + 1]! += indptr[i]!;
      return { rows, indptr, indices: Int32Array.from(kept, (e) => e[1]), values: Float32Array.from(kept, (e) => e[2]) };
    };
    const sample: [number, number, number][] = [[0, 1, 0.5], [0, 3, 2], [1, 0, 1], [2, 2, 4], [2, 4, 0.01], [4, 0, 3]];
    const hugeScale = encodeNeighbours(quantiseNeighbours(csr(5, sample), 2));
    new DataView(hugeScale.buffer).setFloat32(16 + 4 * 6, 2 ** 64, true);
    const valid = [
      hugeScale,
      encodeNeighbours(quantiseNeighbours(csr(5, sample), 1)),
      encodeNeighbours(quantiseNeighbours(csr(5, sample), 2)),
      encodeNeighbours(quantiseNeighbours(csr(0, []), 1)),
      encodeNeighbours(quantiseNeighbours(csr(3, []), 2)),
    ];
    fc.assert(
      fc.property(inputs(valid, 24), fc.array(fc.nat({ max: 8 }), { maxLength: 6 }), (bytes, history) =>
        refusedOrSound(() => decodeNeighbours(bytes), ArtifactError, (n) => {
          expect(n.offsets.length).toBe(n.items + 1);
          expect(n.offsets[n.items]).toBe(n.columns.length);
          expect(n.values.length).toBe(n.columns.length);
          for (let i = 0; i < n.items; i++) {
            expect(Number.isFinite(n.scales[i]!) && n.scales[i]! >= 0).toBe(true);
            for (let k = n.offsets[i]!; k < n.offsets[i + 1]!; k++) {
              expect(n.columns[k]!).toBeLessThan(n.items);
              if (k > n.offsets[i]!) expect(n.columns[k]!).toBeGreaterThan(n.columns[k - 1]!);
            }
          }
          // Scoring any history (rows inside or outside the list) stays in range and finite, never negative.
          const { rows, scores } = new NeighbourScorer(n, { denseWeight: 0.5, offset: 1, exponent: 0.5 }).sparse(history);
          for (let k = 0; k < rows.length; k++) {
            expect(rows[k]!).toBeLessThan(n.items);
            expect(Number.isFinite(scores[k]!) && scores[k]! >= 0).toBe(true);
          }
        }),
      ),
      { numRuns: RUNS, seed: 18 },
    );
  });

  it("exact index (ERAX)", () => {
    const rng = new Rng(2);
    const make = (n: number, dim: number, space: "ip" | "l2" | "cosine") => {
      const index = new ExactIndex({ space, dim, capacity: n + 1 });
      for (let i = 0; i < n; i++) index.add(Array.from({ length: dim }, () => rng.normal()), i * 3);
      return index.serialize();
    };
    const valid = [make(6, 4, "ip"), make(3, 2, "l2"), make(0, 3, "cosine")];
    fc.assert(
      fc.property(inputs(valid, 16), (bytes) =>
        refusedOrSound(() => ExactIndex.deserialize(bytes), AnnError, (index) => {
          const hits = index.search(new Array(index.dim).fill(0.5), 5);
          expect(hits.length).toBeLessThanOrEqual(Math.min(5, index.size()));
          for (const h of hits) expect(Number.isInteger(h.label) && Number.isFinite(h.score)).toBe(true);
        }),
      ),
      { numRuns: RUNS, seed: 14 },
    );
  });

  it("cached user vectors (Redis bytes, KV base64)", () => {
    const valid = [vectorToBytes(Float32Array.of(1, -2, 0.5, 3)), vectorToBytes(Float32Array.of(0))];
    fc.assert(
      fc.property(inputs(valid, 4), fc.boolean(), (bytes, viaKv) => {
        const got = viaKv ? base64ToBytes(bytesToBase64(bytes)) : bytes;
        const v = got ? bytesToVector(got) : null;
        if (v) {
          expect(v.length * 4).toBe(bytes.length);
          for (const x of v) expect(Number.isFinite(x)).toBe(true);
        }
      }),
      { numRuns: RUNS, seed: 15 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (text) => {
        const b = base64ToBytes(text);
        if (b) bytesToVector(b);
      }),
      { numRuns: RUNS, seed: 16 },
    );
  });
});

describe("index.hnsw (the wasm reader): refused with AnnError or loaded soundly, and the module stays sound", () => {
  let wasm: HnswWasm;
  const dim = 4;
  const valid: Uint8Array[] = [];
  beforeAll(async () => {
    wasm = await HnswWasm.load(hnswWasmModule());
    const rng = new Rng(3);
    for (const [n, M, capacity] of [[12, 4, 12], [30, 6, 40], [1, 2, 1]] as const) {
      const index = HnswIndex.create(wasm, { space: "ip", dim, capacity, M, efConstruction: 20 });
      for (let i = 0; i < n; i++) index.add(Array.from({ length: dim }, () => rng.normal()), i);
      valid.push(index.serialize());
      index.dispose();
    }
  });

  it("random bytes and mutated files (header fields at boundary values, flips, truncation)", () => {
    const u64Fields = [8, 16, 24, 32, 40, 56, 64, 72, 88];
    const hostileU64 = fc.record({
      at: fc.constantFrom(...u64Fields),
      value: fc.constantFrom(0n, 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 62n + 1n, 2n ** 63n, 2n ** 64n - 1n, 9_000_000n),
    });
    const arb = fc.oneof(
      inputs(valid, 96),
      fc.tuple(fc.constantFrom(...valid), fc.array(hostileU64, { minLength: 1, maxLength: 2 })).map(([v, fields]) => {
        const b = v.slice();
        for (const f of fields) new DataView(b.buffer).setBigUint64(f.at, f.value, true);
        return b;
      }),
    );
    fc.assert(
      fc.property(arb, (bytes) => {
        refusedOrSound(() => hnswFileInfo(bytes), AnnError, (info) => {
          expect(info.capacity).toBeLessThanOrEqual(hnswCapacityBound(info.count));
          expect(Number.isFinite(info.residentBytes)).toBe(true);
        });
        refusedOrSound(() => HnswIndex.deserialize(wasm, bytes, { space: "ip", dim }), AnnError, (index) => {
          try {
            expect(index.capacity).toBeLessThanOrEqual(hnswCapacityBound(index.size()) + 1);
            const hits = index.search([0.5, -0.5, 0.25, 1], 5);
            expect(hits.length).toBeLessThanOrEqual(5);
            for (const h of hits) expect(Number.isInteger(h.label) && Number.isFinite(h.score)).toBe(true);
          } finally {
            index.dispose();
          }
        });
      }),
      { numRuns: 400, seed: 17 },
    );
    // After every refusal the module still loads a valid file and answers it.
    const ok = HnswIndex.deserialize(wasm, valid[1]!, { space: "ip", dim });
    expect(ok.size()).toBe(30);
    expect(ok.search([1, 0, 0, 0], 30)).toHaveLength(30);
    ok.dispose();
  });
});
