// A synthetic tenant at benchmark scale (bench:edge: 100k items × 64 dims, 50k users): clustered item and user
// vectors, categories, Zipf popularity, fold-in data, and seen.bin (each user's training items: a few dozen items of
// the user's own cluster, so exactly the ones the search ranks high; 1% heavy users with 2,000). Runtime-agnostic;
// the caller supplies the HNSW builder.

import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { IndexParams } from "../../shared/artifact/manifest.ts";
import { encodePack } from "../../shared/artifact/pack.ts";
import { buildSeenList, encodeSeen } from "../../shared/artifact/seen.ts";
import { encodeJson, sealArtifact } from "../../shared/artifact/writer.ts";
import { Rng } from "../../shared/random.ts";
import { gramMatrix } from "../../shared/scoring/foldin.ts";
import { buildCsr } from "../../shared/data/csr.ts";
import { encodeNeighbours, quantiseNeighbours } from "../../shared/artifact/neighbours.ts";
import { itemNeighbours } from "../../trainer/models/graph/neighbours.ts";

export interface SyntheticTenantOptions {
  tenant: string;
  version: string;
  items: number;
  users: number;
  dim: number;
  clusters?: number;
  categories?: number;
  seed?: number;
  buildIndex?: (vectors: Float32Array, rows: number, dim: number) => Promise<{ bytes: Uint8Array; params: IndexParams }>;
  /**
   * Adds the graph model's item–item term: neighbours.bin with each item's top `neighbours` co-occurrence entries of
   * the seen lists (GF-CF's normalised R̃ᵀR̃, u8 values) and `denseWeight` 0.5 in the manifest; 0 / absent → none.
   */
  neighbours?: number;
}

export async function syntheticTenant(o: SyntheticTenantOptions): Promise<Map<string, Uint8Array>> {
  const { items: nItems, users: nUsers, dim } = o;
  const nClusters = o.clusters ?? 256;
  const nCats = o.categories ?? 24;
  const rng = new Rng(o.seed ?? 2024);
  const centers = Float32Array.from({ length: nClusters * dim }, () => rng.normal() / Math.sqrt(dim));
  const scale = 0.6 / Math.sqrt(dim);
  const around = (out: Float32Array, row: number, c: number) => {
    for (let d = 0; d < dim; d++) out[row * dim + d] = centers[c * dim + d]! + scale * rng.normal();
  };
  const items = new Float32Array(nItems * dim);
  const records = [];
  const byCluster: number[][] = Array.from({ length: nClusters }, () => []);
  for (let r = 0; r < nItems; r++) {
    const c = rng.int(nClusters);
    byCluster[c]!.push(r);
    around(items, r, c);
    const cats = [`cat${c % nCats}`];
    if (rng.next() < 0.3) cats.push(`cat${rng.int(nCats)}`);
    records.push({ id: `i${r}`, categories: [...new Set(cats)] });
  }
  const users = new Float32Array(nUsers * dim);
  const seenUser: number[] = [];
  const seenItem: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const c = rng.int(nClusters);
    around(users, u, c);
    const own = byCluster[c]!;
    const heavy = rng.next() < 0.01;
    const n = heavy ? 2000 : 5 + Math.floor(-Math.log(1 - rng.next()) * 15);
    for (let k = 0; k < n; k++) {
      seenUser.push(u);
      seenItem.push(own.length > 0 && (!heavy || k < own.length) ? own[rng.int(own.length)]! : rng.int(nItems));
    }
  }

  // Zipf-like popularity over a random order of items; the file keeps the head globally and per category.
  const order = rng.shuffle(Int32Array.from({ length: nItems }, (_, i) => i));
  const global = Array.from(order.subarray(0, Math.min(nItems, 5000)), (r, rank) => ({ id: `i${r}`, count: Math.round(100_000 / (rank + 1)) }));
  const byCategory: Record<string, string[]> = {};
  for (const r of order) {
    for (const c of records[r]!.categories) {
      const list = (byCategory[c] ??= []);
      if (list.length < 500) list.push(`i${r}`);
    }
  }

  const files = new Map<string, Uint8Array>();
  files.set(ARTIFACT_FILES.items, encodePack({ rows: nItems, dim, data: items }));
  files.set(ARTIFACT_FILES.itemsJson, encodeJson({ format: "edgerec-items/1", items: records }));
  files.set(ARTIFACT_FILES.users, encodePack({ rows: nUsers, dim, data: users }));
  files.set(ARTIFACT_FILES.usersJson, encodeJson({ format: "edgerec-users/1", ids: Array.from({ length: nUsers }, (_, u) => `u${u}`) }));
  files.set(ARTIFACT_FILES.seen, encodeSeen(buildSeenList(nUsers, nItems, seenUser, seenItem)));
  files.set(ARTIFACT_FILES.gram, encodePack({ rows: dim, dim, data: Float32Array.from(gramMatrix(items, nItems, dim)) }));
  files.set(ARTIFACT_FILES.popular, encodeJson({ format: "edgerec-popular/1", global, byCategory }));
  const params: Record<string, unknown> = { synthetic: true };
  if (o.neighbours && o.neighbours > 0) {
    const ones = (n: number) => new Float32Array(n).fill(1);
    const u = Int32Array.from(seenUser);
    const i = Int32Array.from(seenItem);
    const byUser = buildCsr(nUsers, nItems, u, i, ones(u.length));
    const byItem = buildCsr(nItems, nUsers, i, u, ones(u.length));
    byUser.values.fill(1);
    byItem.values.fill(1);
    files.set(ARTIFACT_FILES.neighbours, encodeNeighbours(quantiseNeighbours(itemNeighbours(byUser, byItem, o.neighbours), 1)));
    params.neighbours = o.neighbours;
    params.denseWeight = 0.5;
  }
  let index: IndexParams | undefined;
  if (o.buildIndex) {
    const built = await o.buildIndex(items, nItems, dim);
    files.set(ARTIFACT_FILES.index, built.bytes);
    index = built.params;
  }
  return sealArtifact(
    {
      tenant: o.tenant,
      version: o.version,
      createdAt: new Date().toISOString(),
      model: { kind: "als", dim, similarity: "dot", params, foldIn: { method: "als", alpha: 10, regularization: 0.1 } },
      counts: { users: nUsers, items: nItems, interactions: 0 },
      metrics: {},
      trainer: { backend: "synthetic", seconds: 0 },
      ...(index ? { index } : {}),
    },
    files,
  );
}
