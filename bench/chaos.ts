// bench:chaos — the fuzz and fault suite of issue 13, on both hosts over loopback, bounded, stopping by itself:
// ≥ 10,000 fuzzed requests per host over every route, corrupt artifacts (random mutations of every file type and
// crafted index.hnsw headers), unauthenticated chunked PUTs against RSS, the max_elements memory budget; on the Node
// host also Redis SIGKILLed under load and the host SIGKILLed while events stream in. Prints one JSON object.
// CHAOS_REQUESTS (default 10000) sets the fuzzed requests per host; CHAOS_HOSTS=node|worker runs one host.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateKey, keyRecord } from "../edge/app/auth.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { readEventLog } from "../edge/node/file-event-log.ts";
import { FsConfigStore, writeFileAtomic } from "../edge/node/fs-stores.ts";
import { hnswModuleNode } from "../edge/node/hnsw.ts";
import { startLocalWorker } from "../edge/node/local-worker.ts";
import { freePort, startRedis } from "../edge/node/redis-process.ts";
import { artifactPath } from "../edge/node/state-layout.ts";
import { buildFixture } from "../edge/testing/fixtures.ts";
import { openEdgeStore } from "../edge/node/index.ts";
import { type Uploader, corruptArtifacts, craftedIndex } from "./chaos/corrupt.ts";
import { pace, processTree, rssMb, unauthenticatedPuts } from "./chaos/faults.ts";
import { type FuzzTarget, fuzz } from "./chaos/fuzz.ts";
import { machine } from "./machine.ts";

const TENANT = "chaos";
const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 10_000);
const repo = path.resolve(import.meta.dirname, "..");
const log = (m: string) => process.stderr.write(`bench:chaos: ${m}\n`);
const keys = { read: generateKey(), write: generateKey(), admin: generateKey() };

async function configWithKeys() {
  const c = emptyTenantConfig(TENANT);
  c.active = "v1";
  c.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write"), await keyRecord(keys.admin, "admin")];
  return c;
}

function uploader(url: string): Uploader {
  const h = { Authorization: `Bearer ${keys.admin}` };
  return {
    async publish(version, files) {
      for (const [name, bytes] of [...files].sort(([a], [b]) => (a === "manifest.json" ? 1 : b === "manifest.json" ? -1 : 0))) {
        const r = await fetch(`${url}/v1/tenants/${TENANT}/artifacts/${version}/${name}`, { method: "PUT", headers: h, body: bytes as Uint8Array<ArrayBuffer> });
        await r.text();
      }
      const act = await fetch(`${url}/v1/tenants/${TENANT}/versions/${version}/activate`, { method: "POST", headers: h });
      await act.text();
      return act.status === 200;
    },
    async probe() {
      let bad = 0;
      for (const userId of ["user-1", "user-7", "stranger"]) {
        const r = await fetch(`${url}/v1/tenants/${TENANT}/recommendations`, { method: "POST", headers: { ...h, "Content-Type": "application/json" }, body: JSON.stringify({ userId }) });
        await r.text();
        if (r.status >= 500) bad++;
      }
      return bad;
    },
    async restore() {
      await (await fetch(`${url}/v1/tenants/${TENANT}/versions/v1/activate`, { method: "POST", headers: h })).text();
    },
  };
}

async function common(url: string, pids: () => number[], files: Map<string, Uint8Array>, alive: () => boolean, seed: number) {
  const fx: FuzzTarget = { url, tenant: TENANT, keys, items: Array.from({ length: 120 }, (_, i) => `item-${i}`), users: Array.from({ length: 40 }, (_, i) => `user-${i}`) };
  log(`${url}: fuzzing ${REQUESTS} requests`);
  const f = await fuzz(fx, REQUESTS, { seed, concurrency: 8, deadlineMs: 15_000, alive });
  log(`${url}: corrupt artifacts`);
  const up = uploader(url);
  const corrupt = await corruptArtifacts(files, up, 8, seed);
  log(`${url}: unauthenticated PUTs`);
  const unauthenticatedPutRssMb = await unauthenticatedPuts(url, "no-such-tenant", pids);
  log(`${url}: max_elements 9,000,000 index`);
  const before = rssMb(pids());
  const activated = await up.publish("mx-9m", await craftedIndex(files, "mx-9m", 9_000_000n));
  const rssDelta = rssMb(pids()) - before;
  if (activated) await up.restore();
  return {
    fuzz: f,
    corruptArtifacts: corrupt,
    memory: { unauthenticatedPutRssMb, maxElementsBypass: { activated, rssDeltaMb: rssDelta } },
  };
}

async function startNode(state: string, port: number, redisUrl: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", "edge/node/server.ts", "--port", String(port), "--state", state], {
    cwd: repo,
    env: { ...process.env, REDIS_URL: redisUrl, EVENT_REQUESTS_PER_MINUTE: "1000000" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("node host did not start in 60 s")), 60_000);
    proc.stderr!.on("data", (d: Buffer) => d.toString().includes("listening") && (clearTimeout(t), resolve()));
    proc.once("exit", (c) => (clearTimeout(t), reject(new Error(`node host exited ${c}`))));
  });
  proc.stderr!.resume();
  return proc;
}

const killed = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : (p.once("exit", () => r()), p.kill("SIGKILL"))));

async function nodeHost(files: Map<string, Uint8Array>) {
  const state = await mkdtemp(path.join(tmpdir(), "edgerec-chaos-node-"));
  let redis = await startRedis();
  for (const [name, bytes] of files) await writeFileAtomic(artifactPath(state, TENANT, "v1", name), bytes);
  await new FsConfigStore(state).put(await configWithKeys());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let proc = await startNode(state, port, redis.url);
  try {
    const alive = () => proc.exitCode === null && proc.signalCode === null;
    const base = await common(url, () => processTree(proc.pid!), files, alive, 1);
    const crashed = !alive();
    if (crashed) proc = await startNode(state, port, redis.url);

    log("redis kill under 40 req/s");
    const auth = { Authorization: `Bearer ${keys.write}`, "Content-Type": "application/json" };
    let restartedAt = 0;
    let recoveredAt = 0;
    const kill = await pace(
      40,
      15,
      async (i) => {
        const ev = i % 2 === 1;
        const r = await fetch(`${url}/v1/tenants/${TENANT}${ev ? "/events" : "/recommendations"}`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify(ev ? [{ userId: `rk-${i % 30}`, itemId: `item-${i % 120}`, type: "view", eventId: `rk-${i}` }] : { userId: `user-${i % 40}` }),
          signal: AbortSignal.timeout(10_000),
        }).catch(() => null);
        if (r) await r.text();
        return r !== null && r.status < 400;
      },
      [
        [3, () => redis.kill()],
        [
          8,
          async () => {
            redis = await startRedis(redis.port);
            restartedAt = performance.now();
            void (async () => {
              while (!recoveredAt && performance.now() - restartedAt < 30_000) {
                const h = (await (await fetch(`${url}/healthz`)).json()) as { status: string };
                if (h.status === "ok") recoveredAt = performance.now();
                else await new Promise((r) => setTimeout(r, 50));
              }
            })();
          },
        ],
      ],
    );
    while (!recoveredAt && performance.now() - restartedAt < 30_000) await new Promise((r) => setTimeout(r, 50));

    log("SIGKILL during ingest");
    const acked = new Set<string>();
    const batches: string[][] = [];
    let stop = false;
    const send = async (ids: string[]) => {
      const r = await fetch(`${url}/v1/tenants/${TENANT}/events`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify(ids.map((id, k) => ({ userId: `ci-${id.length % 7}`, itemId: `item-${k}`, type: "view", eventId: id }))),
        signal: AbortSignal.timeout(10_000),
      }).catch(() => null);
      if (r) await r.text();
      if (r?.status === 202) for (const id of ids) acked.add(id);
    };
    const streamer = async (w: number) => {
      for (let b = 0; !stop; b++) {
        const ids = Array.from({ length: 5 }, (_, k) => `ci-${w}-${b}-${k}`);
        batches.push(ids);
        await send(ids);
      }
    };
    const streams = Array.from({ length: 8 }, (_, w) => streamer(w));
    await new Promise((r) => setTimeout(r, 1500));
    await killed(proc);
    stop = true;
    await Promise.all(streams);
    proc = await startNode(state, port, redis.url);
    // The client retries what was not acknowledged, and re-sends some acknowledged batches (answers lost in the crash).
    for (const ids of batches) if (!ids.every((id) => acked.has(id))) await send(ids);
    for (const ids of batches.slice(0, 50)) await send(ids);
    const counts = new Map<string, number>();
    for (const e of await readEventLog(state, TENANT)) if (e.event_id?.startsWith("ci-")) counts.set(e.event_id, (counts.get(e.event_id) ?? 0) + 1);
    const lost = [...acked].filter((id) => !counts.has(id)).length;
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    return {
      target: "node + redis",
      ...base,
      ...(crashed ? { crashedDuringFuzz: true } : {}),
      redisKill: { requests: kill.requests, failed: kill.failed, recoverMs: recoveredAt ? Math.round(recoveredAt - restartedAt) : null },
      crashDuringIngest: { acked: acked.size, lost, duplicated, batches: batches.length },
    };
  } finally {
    await killed(proc);
    await redis.stop();
    await rm(state, { recursive: true, force: true });
  }
}

function workerdPids(): number[] {
  return processTree(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("workerd");
    } catch {
      return false;
    }
  });
}

async function worker(files: Map<string, Uint8Array>) {
  const persist = await mkdtemp(path.join(tmpdir(), "edgerec-chaos-worker-"));
  const store = await openEdgeStore("local", { stateDir: persist });
  try {
    for (const [name, bytes] of files) await store.putArtifactFile(TENANT, "v1", name, bytes);
    await store.putConfig(await configWithKeys());
  } finally {
    await store.close();
  }
  const w = await startLocalWorker({ cwd: repo, persistTo: persist, vars: { CONFIG_TTL_SECONDS: "0" } });
  try {
    let alive = true;
    const base = await common(w.url, workerdPids, files, () => alive, 2);
    alive = (await fetch(`${w.url}/healthz`).catch(() => null))?.status === 200;
    return { target: "workerd (Miniflare)", ...base, ...(alive ? {} : { crashes: 1 }) };
  } finally {
    await w.stop();
    await rm(persist, { recursive: true, force: true });
  }
}

const t0 = performance.now();
const fixture = await buildFixture({ tenant: TENANT, version: "v1", hnsw: hnswModuleNode() });
// CHAOS_HOSTS=node or =worker runs one host only (a quick look); the default runs both.
const only = process.env.CHAOS_HOSTS;
const hosts = [...(only === "worker" ? [] : [await nodeHost(fixture.files)]), ...(only === "node" ? [] : [await worker(fixture.files)])];
process.stdout.write(JSON.stringify({ bench: "chaos", machine: machine(), seconds: Math.round((performance.now() - t0) / 1000), hosts }, null, 2) + "\n");
process.exit(0);
