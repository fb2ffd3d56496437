// The synthetic tenant of bench:edge and bench:items, written once per size under runs/ and reused: items with
// category clusters, users, seen lists, and an HNSW index built natively by hnswlib-node (the same file format).

import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chooseHnswParams } from "../shared/ann/build-index.ts";
import { syntheticTenant } from "../edge/testing/synthetic-tenant.ts";
import { writeArtifactDir } from "../trainer/artifact-dir.ts";

export async function syntheticArtifact(o: {
  dir: string;
  tenant: string;
  items: number;
  users: number;
  dim: number;
  /** The graph model's item–item term (neighbours.bin, top-k per item); 0 / absent → none. */
  neighbours?: number;
  log: (msg: string) => void;
}): Promise<string> {
  if (existsSync(path.join(o.dir, "manifest.json"))) return o.dir;
  o.log(`building the synthetic tenant ${o.items} items × ${o.dim}, ${o.users} users${o.neighbours ? `, item–item top-${o.neighbours}` : ""}`);
  const { HierarchicalNSW } = (await import("hnswlib-node")).default;
  const files = await syntheticTenant({
    tenant: o.tenant,
    version: "v1",
    items: o.items,
    users: o.users,
    dim: o.dim,
    ...(o.neighbours ? { neighbours: o.neighbours } : {}),
    buildIndex: async (vectors, rows, dim) => {
      const p = chooseHnswParams(rows, dim);
      const index = new HierarchicalNSW("ip", dim);
      index.initIndex(rows, p.M, p.efConstruction, 100);
      for (let r = 0; r < rows; r++) index.addPoint(Array.from(vectors.subarray(r * dim, (r + 1) * dim)), r);
      const tmp = path.join(tmpdir(), `edgerec-bench-${process.pid}-${Date.now()}.hnsw`);
      index.writeIndexSync(tmp);
      const bytes = new Uint8Array(await readFile(tmp));
      await rm(tmp, { force: true });
      return { bytes, params: { kind: "hnsw", space: "ip", ...p } };
    },
  });
  await mkdir(path.dirname(o.dir), { recursive: true });
  await writeArtifactDir(o.dir, files);
  return o.dir;
}
