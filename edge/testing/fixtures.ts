// Synthetic artifacts with a known right answer, for the edge tests: items fall into `categories` clusters
// (item vector ≈ basis vector of its cluster), users point at one cluster, so a user's top items are that
// cluster's. Built with the real writer (sealArtifact + encodePack + gramMatrix), runtime-agnostic.

import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { ManifestDraft } from "../../shared/artifact/writer.ts";
import { sha256Hex } from "../../shared/artifact/sha256.ts";
import { encodeJson, sealArtifact } from "../../shared/artifact/writer.ts";
import { encodePack } from "../../shared/artifact/pack.ts";
import { buildSeenList, encodeSeen } from "../../shared/artifact/seen.ts";
import { Rng } from "../../shared/random.ts";
import { gramMatrix } from "../../shared/scoring/foldin.ts";
import { buildHnswIndexBytes } from "../../shared/ann/build-index.ts";
import type { HnswWasmSource } from "../../shared/ann/wasm/loader.ts";

export interface FixtureOptions {
  tenant: string;
  version: string;
  items?: number;
  users?: number;
  dim?: number;
  categories?: number;
  seed?: number;
  /** Omit gram.bin and fold-in params (a model without fold-in: recent items give `content`). */
  noFoldIn?: boolean;
  /** Build index.hnsw with this hnsw.wasm source (a Module in workerd, bytes on Node); omitted → exact search. */
  hnsw?: HnswWasmSource;
  /** Omit seen.bin (an artifact from before seen lists). */
  noSeen?: boolean;
}

export interface Fixture {
  files: Map<string, Uint8Array>;
  /** Cluster (= category index) of each item and user. */
  itemCluster: number[];
  userCluster: number[];
  itemIds: string[];
  userIds: string[];
  userVectors: Float32Array;
  /**
   * Each user's training items (what seen.bin lists): the user's 6 best-scoring items plus 2 at random, and for the
   * last user ("heavy") the best 40 (a third of the catalogue): exactly what a server would return were they not left out.
   */
  seen: string[][];
  dim: number;
  /** Item ids by popularity, best first. */
  popular: string[];
  itemVector(row: number): Float32Array;
}

export const categoryName = (c: number): string => `cat${c}`;

export async function buildFixture(o: FixtureOptions): Promise<Fixture> {
  const nItems = o.items ?? 120;
  const nUsers = o.users ?? 40;
  const dim = o.dim ?? 8;
  const nCats = o.categories ?? 4;
  const rng = new Rng(o.seed ?? 7);
  const itemIds: string[] = [];
  const itemCluster: number[] = [];
  const items = new Float32Array(nItems * dim);
  for (let r = 0; r < nItems; r++) {
    const c = r % nCats;
    itemIds.push(`item-${r}`);
    itemCluster.push(c);
    for (let d = 0; d < dim; d++) items[r * dim + d] = 0.05 * rng.normal();
    // A per-item strength makes ranking inside a cluster well defined.
    items[r * dim + c]! += 0.5 + 0.5 * rng.next();
  }
  const userIds: string[] = [];
  const userCluster: number[] = [];
  const users = new Float32Array(nUsers * dim);
  for (let u = 0; u < nUsers; u++) {
    const c = u % nCats;
    userIds.push(`user-${u}`);
    userCluster.push(c);
    for (let d = 0; d < dim; d++) users[u * dim + d] = 0.02 * rng.normal();
    users[u * dim + c]! += 1;
  }
  // Training items: each user's best-scoring items (what exclusion must remove) and a couple at random.
  const seenRows: number[][] = [];
  for (let u = 0; u < nUsers; u++) {
    const scores = Array.from({ length: nItems }, (_, r) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += users[u * dim + d]! * items[r * dim + d]!;
      return s;
    });
    const best = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    const rows = new Set(best.slice(0, u === nUsers - 1 ? Math.floor(nItems / 3) : 6));
    for (let j = 0; j < 2; j++) rows.add(rng.int(nItems));
    seenRows.push([...rows]);
  }
  // Popularity: a fixed permutation, counts descending.
  const order = rng.shuffle(Array.from({ length: nItems }, (_, i) => i));
  const popular = order.map((r) => itemIds[r]!);
  const byCategory: Record<string, string[]> = {};
  for (const r of order) (byCategory[categoryName(itemCluster[r]!)] ??= []).push(itemIds[r]!);

  const files = new Map<string, Uint8Array>();
  files.set(ARTIFACT_FILES.items, encodePack({ rows: nItems, dim, data: items }));
  files.set(
    ARTIFACT_FILES.itemsJson,
    encodeJson({ format: "edgerec-items/1", items: itemIds.map((id, r) => ({ id, title: `Item ${r}`, categories: [categoryName(itemCluster[r]!)] })) }),
  );
  files.set(ARTIFACT_FILES.users, encodePack({ rows: nUsers, dim, data: users }));
  files.set(ARTIFACT_FILES.usersJson, encodeJson({ format: "edgerec-users/1", ids: userIds }));
  if (!o.noSeen) {
    const userOf = seenRows.flatMap((rows, u) => rows.map(() => u));
    files.set(ARTIFACT_FILES.seen, encodeSeen(buildSeenList(nUsers, nItems, userOf, seenRows.flat())));
  }
  if (!o.noFoldIn) {
    files.set(ARTIFACT_FILES.gram, encodePack({ rows: dim, dim, data: Float32Array.from(gramMatrix(items, nItems, dim)) }));
  }
  files.set(
    ARTIFACT_FILES.popular,
    encodeJson({ format: "edgerec-popular/1", global: popular.map((id, i) => ({ id, count: nItems - i })), byCategory }),
  );
  const indexParams = { kind: "hnsw" as const, space: "ip" as const, M: 16, efConstruction: 200, ef: 64 };
  if (o.hnsw) files.set(ARTIFACT_FILES.index, await buildHnswIndexBytes(items, nItems, dim, "ip", indexParams, o.hnsw));
  const draft: ManifestDraft = {
    tenant: o.tenant,
    version: o.version,
    createdAt: new Date(0).toISOString(),
    model: {
      kind: "als",
      dim,
      similarity: "dot",
      params: {},
      foldIn: o.noFoldIn ? null : { method: "als", alpha: 10, regularization: 0.1 },
    },
    counts: { users: nUsers, items: nItems, interactions: 0 },
    metrics: {},
    trainer: { backend: "synthetic", seconds: 0 },
    ...(o.hnsw ? { index: indexParams } : {}),
  };
  return {
    files: await sealArtifact(draft, files),
    itemCluster,
    userCluster,
    itemIds,
    userIds,
    userVectors: users,
    seen: seenRows.map((rows) => rows.map((r) => itemIds[r]!)),
    dim,
    popular,
    itemVector: (row) => items.subarray(row * dim, (row + 1) * dim),
  };
}

/** The same artifact with one file cut short (the manifest still lists the original size and hash). */
export function truncated(files: Map<string, Uint8Array>, name: string = ARTIFACT_FILES.items): Map<string, Uint8Array> {
  const out = new Map(files);
  const bytes = files.get(name)!;
  out.set(name, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
  return out;
}

/**
 * The same artifact with one file replaced and the manifest re-sealed (size and SHA-256 match): what an admin with a
 * crafted file can publish. Checksums cannot catch it; the format checks must.
 */
export async function replaced(files: Map<string, Uint8Array>, name: string, bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const out = new Map(files);
  out.set(name, bytes);
  const manifest = JSON.parse(new TextDecoder().decode(files.get(ARTIFACT_FILES.manifest)!)) as { files: Record<string, { bytes: number; sha256: string }> };
  manifest.files[name] = { bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
  out.set(ARTIFACT_FILES.manifest, encodeJson(manifest));
  return out;
}

/** index.hnsw bytes of `files` with the header's max_elements (u64 at byte 8) set to `maxElements`. */
export function withMaxElements(files: Map<string, Uint8Array>, maxElements: bigint): Uint8Array {
  const bytes = files.get(ARTIFACT_FILES.index)!.slice();
  new DataView(bytes.buffer).setBigUint64(8, maxElements, true);
  return bytes;
}
