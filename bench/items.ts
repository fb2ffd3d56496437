// bench:items — latency of live catalogue changes: PUT /v1/tenants/{t}/items/{id} (half with an explicit vector,
// half embedded from categories by the content fallback) and DELETE, one request at a time, on the Worker (workerd
// through Miniflare with wrangler's deploy bundle, overlay in local R2) and on the Node host (overlay in the state
// dir), over a synthetic tenant with an HNSW index. Checks after the PUTs that a new item is served. Prints one JSON
// object. Scale: ITEMS_BENCH_ITEMS (20000), ITEMS_BENCH_PUTS (200), ITEMS_BENCH_TARGETS (all | workerd | node).

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Rng } from "../shared/random.ts";
import { startLocalWorker } from "../edge/node/local-worker.ts";
import { runKeys } from "../trainer/cli/keys.ts";
import { runPublish } from "../trainer/cli/publish.ts";
import { machine } from "./machine.ts";
import { startNodeHostProcess } from "./node-host-process.ts";
import { syntheticArtifact } from "./synthetic-artifact.ts";
import { nodeEdgeHost } from "../edge/node/host.ts";

const ITEMS = Number(process.env.ITEMS_BENCH_ITEMS ?? 20_000);
const PUTS = Math.min(900, Number(process.env.ITEMS_BENCH_PUTS ?? 200));
const DELETES = Math.min(PUTS, 50);
const TARGETS = process.env.ITEMS_BENCH_TARGETS ?? "all";
const USERS = 2000;
const DIM = 64;
const TENANT = "benchitems";
const repo = path.resolve(import.meta.dirname, "..");
const log = (msg: string) => process.stderr.write(`bench:items: ${msg}\n`);

async function artifact(): Promise<string> {
  return syntheticArtifact({ dir: path.join(repo, "runs", "bench-items", `${ITEMS}x${DIM}-${USERS}`), tenant: TENANT, items: ITEMS, users: USERS, dim: DIM, log });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 100) / 100;
};
const stats = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 0.5), p95: pct(xs, 0.95), max: pct(xs, 1) });

async function run(target: string, url: string, readKey: string, writeKey: string): Promise<Record<string, unknown>> {
  const auth = (key: string) => ({ Authorization: `Bearer ${key}`, "Content-Type": "application/json" });
  const recs = async (body: unknown) => (await (await fetch(`${url}/v1/tenants/${TENANT}/recommendations`, { method: "POST", headers: auth(readKey), body: JSON.stringify(body) })).json()) as { items: { id: string }[] };
  const t0 = performance.now();
  await recs({ userId: "u1", count: 10 });
  const coldStartMs = Math.round(performance.now() - t0);
  const rng = new Rng(9);
  const byMethod: Record<string, number[]> = {};
  const all: number[] = [];
  for (let i = 0; i < PUTS; i++) {
    const explicit = i % 2 === 0;
    const body = {
      title: `Live item ${i}`,
      categories: [`cat${rng.int(24)}`, "live"],
      price: 10 + rng.int(90),
      ...(explicit ? { vector: Array.from({ length: DIM }, () => rng.normal() * 0.1) } : {}),
    };
    const t1 = performance.now();
    const res = await fetch(`${url}/v1/tenants/${TENANT}/items/live-${i}`, { method: "PUT", headers: auth(writeKey), body: JSON.stringify(body) });
    const out = (await res.json()) as { method?: string };
    const ms = performance.now() - t1;
    if (res.status !== 201) throw new Error(`${target}: PUT answered ${res.status}: ${JSON.stringify(out)}`);
    all.push(ms);
    (byMethod[out.method!] ??= []).push(ms);
  }
  const served = (await recs({ count: 5, filters: { includeCategories: ["live"] } })).items.length;
  const deletes: number[] = [];
  for (let i = 0; i < DELETES; i++) {
    const t1 = performance.now();
    const res = await fetch(`${url}/v1/tenants/${TENANT}/items/live-${i}`, { method: "DELETE", headers: auth(writeKey) });
    await res.text();
    if (res.status !== 200) throw new Error(`${target}: DELETE answered ${res.status}`);
    deletes.push(performance.now() - t1);
  }
  const readMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t1 = performance.now();
    await recs({ userId: `u${i}`, count: 10 });
    readMs.push(performance.now() - t1);
  }
  return { target, coldStartMs, putMs: stats(all), putMsByMethod: Object.fromEntries(Object.entries(byMethod).map(([k, v]) => [k, stats(v)])), deleteMs: stats(deletes), recommendationMsAfter: stats(readMs), newItemsServed: served };
}

async function keys(target: "local" | "node", state: string) {
  return {
    readKey: await runKeys(["create", "--tenant", TENANT, "--role", "read", "--target", target, "--state", state], nodeEdgeHost),
    writeKey: await runKeys(["create", "--tenant", TENANT, "--role", "write", "--target", target, "--state", state], nodeEdgeHost),
  };
}

async function workerd(dir: string): Promise<Record<string, unknown>> {
  const persist = await mkdtemp(path.join(tmpdir(), "edgerec-bench-items-wrangler-"));
  try {
    await runPublish(["--artifact", dir, "--tenant", TENANT, "--target", "local", "--state", persist, "--activate", "--cache-users", "100"], nodeEdgeHost);
    const k = await keys("local", persist);
    const worker = await startLocalWorker({ cwd: repo, persistTo: persist, vars: { ITEM_OVERLAY_TTL_SECONDS: "5" } });
    try {
      return await run("workerd (Miniflare, wrangler's deploy bundle)", worker.url, k.readKey, k.writeKey);
    } finally {
      await worker.stop();
    }
  } finally {
    await rm(persist, { recursive: true, force: true });
  }
}

async function nodeHost(dir: string): Promise<Record<string, unknown>> {
  const state = await mkdtemp(path.join(tmpdir(), "edgerec-bench-items-node-"));
  try {
    await runPublish(["--artifact", dir, "--tenant", TENANT, "--target", "node", "--state", state, "--activate", "--skip-users"], nodeEdgeHost);
    const k = await keys("node", state);
    const host = await startNodeHostProcess({ repo, state });
    try {
      return await run("node (state dir, no redis)", host.url, k.readKey, k.writeKey);
    } finally {
      await host.stop();
    }
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}

const dir = await artifact();
const runs = [...(TARGETS === "node" ? [] : [await workerd(dir)]), ...(TARGETS === "workerd" ? [] : [await nodeHost(dir)])];
process.stdout.write(
  JSON.stringify({
    bench: "items",
    tenant: { items: ITEMS, dim: DIM, index: "hnsw" },
    requests: { puts: PUTS, deletes: DELETES, mix: "PUTs alternate explicit vector / content fallback (categories); serial, one at a time, over HTTP; every PUT rewrites the tenant's overlay (compare-and-swap)" },
    runs,
    machine: machine(),
  }) + "\n",
);
