// bench:experiment — simulated visitors through the real edge (the Node host serving HTTP on 127.0.0.1, in this
// process) in two experiments run one after the other:
//   ab  control vs a treatment (ranking diversity 0.3) whose visitors click 10% more often (relative), by design
//   aa  two identical arms
// Each visitor asks for 4 recommendations 1–3 times (POST …/recommendations), sends an `impression` per shown item
// and a `click` with probability = the arm's CTR × the visitor's own propensity (uniform 0.5–1.5), all with the
// list's recommId (POST …/events, batched). The report is `edgerec experiment report` over the edge's event log.
// Prints one JSON object. Scale: EXPERIMENT_BENCH_USERS (per experiment, default 8000), EXPERIMENT_BENCH_CTR (0.1).

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import { generateKey, keyRecord } from "../edge/app/auth.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { FsConfigStore, writeFileAtomic } from "../edge/node/fs-stores.ts";
import { hnswModuleNode } from "../edge/node/hnsw.ts";
import { createNodeHost } from "../edge/node/server.ts";
import { artifactPath } from "../edge/node/state-layout.ts";
import { buildFixture } from "../edge/testing/fixtures.ts";
import { Rng } from "../shared/random.ts";
import { runExperiment } from "../trainer/cli/experiment.ts";
import { machine } from "./machine.ts";
import { nodeEdgeHost } from "../edge/node/host.ts";

const USERS = Number(process.env.EXPERIMENT_BENCH_USERS ?? 8000);
const CTR = Number(process.env.EXPERIMENT_BENCH_CTR ?? 0.1);
const LIFT = 0.1;
const CONCURRENCY = 16;
const T = "benchshop";
const log = (m: string) => process.stderr.write(`bench:experiment: ${m}\n`);

const state = await mkdtemp(path.join(tmpdir(), "edgerec-bench-exp-"));
const host = createNodeHost({ stateDir: state, configTtlMs: 0 });
const server = serve({ fetch: host.app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise<void>((resolve) => server.once("listening", () => resolve()));
const port = (server.address() as { port: number }).port;
const base = `http://127.0.0.1:${port}/v1/tenants/${T}`;

const keys = { read: generateKey(), write: generateKey(), admin: generateKey() };
const fx = await buildFixture({ tenant: T, version: "v1", items: 2000, users: 200, dim: 32, categories: 8, hnsw: hnswModuleNode() });
for (const [name, bytes] of fx.files) await writeFileAtomic(artifactPath(state, T, "v1", name), bytes);
const config = emptyTenantConfig(T);
config.active = "v1";
config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write"), await keyRecord(keys.admin, "admin")];
await new FsConfigStore(state).put(config);

async function call(method: string, url: string, key: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface Phase {
  requests: number;
  eventBatches: number;
  seconds: number;
}

async function runPhase(id: string, arms: { name: string; ranking?: object }[], ctrOf: (variant: string) => number, seed: number): Promise<Phase> {
  await call("POST", `${base}/experiments`, keys.admin, { id, variants: arms.map((a) => ({ name: a.name, weight: 1, ...(a.ranking ? { ranking: a.ranking } : {}) })) });
  const rng = new Rng(seed);
  const t0 = performance.now();
  let requests = 0;
  let eventBatches = 0;
  let pending: object[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length) (eventBatches++, await call("POST", `${base}/events`, keys.write, batch));
  };
  let next = 0;
  const visitor = async () => {
    for (let u = next++; u < USERS; u = next++) {
      const userId = `${id}-visitor-${u}`;
      const propensity = 0.5 + rng.next();
      const lists = 1 + rng.int(3);
      for (let l = 0; l < lists; l++) {
        const r = (await call("POST", `${base}/recommendations`, keys.read, { userId, count: 4 })) as { items: { id: string }[]; recommId: string; variant: string };
        requests++;
        const p = ctrOf(r.variant) * propensity;
        for (const it of r.items) {
          pending.push({ userId, itemId: it.id, type: "impression", recommId: r.recommId });
          if (rng.next() < p) pending.push({ userId, itemId: it.id, type: "click", recommId: r.recommId });
        }
        if (pending.length >= 400) await flush();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, visitor));
  await flush();
  await call("POST", `${base}/experiments/${id}/stop`, keys.admin, {});
  return { requests, eventBatches, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}

const pick = (r: Record<string, unknown>) => ({
  variants: (r.variants as Record<string, unknown>[]).map((v) => ({ name: v.name, users: v.users, impressions: v.impressions, clicks: v.clicks, ctr: v.ctr, ci: v.ci })),
  lift: r.lift,
  liftCi: r.liftCi,
  pValue: r.pValue,
  detected: r.detected,
  srm: r.srm,
  srmPValue: r.srmPValue,
});
const report = async (id: string) => JSON.parse(await runExperiment(["report", "--tenant", T, "--id", id, "--target", "node", "--state", state], nodeEdgeHost)) as Record<string, unknown>;

try {
  log(`edge on 127.0.0.1:${port}; ${USERS} visitors per experiment`);
  const ab = await runPhase("ab", [{ name: "control" }, { name: "diverse", ranking: { diversity: 0.3 } }], (v) => (v === "diverse" ? CTR * (1 + LIFT) : CTR), 1);
  log(`ab: ${ab.requests} lists in ${ab.seconds} s`);
  const aa = await runPhase("aa", [{ name: "a1" }, { name: "a2" }], () => CTR, 2);
  log(`aa: ${aa.requests} lists in ${aa.seconds} s`);
  const [abReport, aaReport] = [await report("ab"), await report("aa")];
  process.stdout.write(
    JSON.stringify({
      ab: pick(abReport),
      aa: pick(aaReport),
      test: abReport.test,
      setup: { visitorsPerExperiment: USERS, baseCtr: CTR, simulatedLift: LIFT, listSize: 4, listsPerVisitor: "1–3", concurrency: CONCURRENCY, host: "node (loopback HTTP)", items: 2000, traffic: { ab, aa } },
      machine: machine(),
    }) + "\n",
  );
} finally {
  server.close();
  await host.close();
  await rm(state, { recursive: true, force: true });
}
