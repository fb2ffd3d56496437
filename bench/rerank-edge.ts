// bench:rerank-edge — what re-ranking adds to a recommendation at the edge, measured in-process (the Node host's
// app.fetch, no sockets, memory tiers): the same known users served alternately plain and with
// `ranking: {diversity: 0.5}` (default pool 50 for count 10), so both see the same machine load. Prints p50/p95
// of each and of their per-pair difference. ITEMS (default 20000) × 64 dims, HNSW index, one request at a time.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateKey, keyRecord } from "../edge/app/auth.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { FsConfigStore, writeFileAtomic } from "../edge/node/fs-stores.ts";
import { hnswModuleNode } from "../edge/node/hnsw.ts";
import { createNodeHost } from "../edge/node/server.ts";
import { artifactPath } from "../edge/node/state-layout.ts";
import { buildFixture } from "../edge/testing/fixtures.ts";
import { machine } from "./machine.ts";

const ITEMS = Number(process.env.RERANK_EDGE_ITEMS ?? 20_000);
const N = Number(process.env.RERANK_EDGE_REQUESTS ?? 1000);
const state = await mkdtemp(path.join(tmpdir(), "edgerec-rerank-edge-"));
const host = createNodeHost({ stateDir: state, configTtlMs: 60_000 });
try {
  const fx = await buildFixture({ tenant: "b", version: "v1", items: ITEMS, users: 500, dim: 64, categories: 24, hnsw: hnswModuleNode() });
  for (const [name, bytes] of fx.files) await writeFileAtomic(artifactPath(state, "b", "v1", name), bytes);
  const key = generateKey();
  const config = emptyTenantConfig("b");
  config.active = "v1";
  config.keys = [await keyRecord(key, "read")];
  await new FsConfigStore(state).put(config);
  const ask = async (body: object) => {
    const t0 = performance.now();
    const res = await host.app.fetch(new Request("http://e/v1/tenants/b/recommendations", { method: "POST", headers: { Authorization: `Bearer ${key}` }, body: JSON.stringify(body) }));
    await res.text();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 100; i++) (await ask({ userId: `user-${i % 500}`, count: 10 }), await ask({ userId: `user-${i % 500}`, count: 10, ranking: { diversity: 0.5 } }));
  const plain: number[] = [];
  const diverse: number[] = [];
  const delta: number[] = [];
  for (let i = 0; i < N; i++) {
    const userId = `user-${i % 500}`;
    const a = await ask({ userId, count: 10 });
    const b = await ask({ userId, count: 10, ranking: { diversity: 0.5 } });
    plain.push(a);
    diverse.push(b);
    delta.push(b - a);
  }
  const q = (xs: number[], p: number) => Math.round([...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))]! * 1000) / 1000;
  const stats = (xs: number[]) => ({ p50Ms: q(xs, 0.5), p95Ms: q(xs, 0.95) });
  process.stdout.write(
    JSON.stringify({
      plain: stats(plain),
      diversity05: stats(diverse),
      addedByReranking: stats(delta),
      setup: { items: ITEMS, dim: 64, requestsEach: N, count: 10, pool: 50, users: "known (artifact users.bin)", host: "node app.fetch in-process" },
      loadAverage: (await import("node:os")).loadavg().map((x) => Math.round(x * 10) / 10),
      machine: machine(),
    }) + "\n",
  );
} finally {
  await host.close();
  await rm(state, { recursive: true, force: true });
}
