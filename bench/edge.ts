// bench:edge — publishes a synthetic tenant (100k items × 64 dims, 50k users, HNSW index) to wrangler's local state,
// starts the Worker locally (in workerd through Miniflare with wrangler's deploy bundle, then under `wrangler dev`,
// which adds a proxy workerd and costs milliseconds per request here), and drives it at a fixed 200 req/s for 30 s with a mix of known users
// (cached vectors), users with only recent events (fold-in) and unknown users (popular), a fifth of them with a
// category filter; then the same against the Node host with a private redis-server. Prints one JSON object.
// Scale for a quick run: EDGE_BENCH_ITEMS, EDGE_BENCH_USERS, EDGE_BENCH_SECONDS, EDGE_BENCH_RATE. The graph model's
// shape: EDGE_BENCH_DIM (default 64) and EDGE_BENCH_NEIGHBOURS=k (neighbours.bin with top-k per item: known users and
// fold-in visitors are then served w·dense + the item–item sum over their history).
// EDGE_BENCH_ARTIFACT=DIR serves a trained artifact instead (e.g. `edgerec train --model graph` on Gowalla): its
// tenant, users (the first EDGE_BENCH_CACHED_USERS cached in KV/Redis, the rest known from the artifact), items (for
// the recent-event visitors) and categories (filters only when it has some) drive the same mix.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { setPriority, tmpdir } from "node:os";
import path from "node:path";
import { Rng } from "../shared/random.ts";
import { type LoadResult, driveLoad } from "../edge/node/load.ts";
import { type RedisProcess, freePort, startRedis } from "../edge/node/redis-process.ts";
import { startWranglerDev } from "../edge/node/wrangler-dev.ts";
import { startLocalWorker } from "../edge/node/local-worker.ts";
import { runKeys } from "../trainer/cli/keys.ts";
import { runPublish } from "../trainer/cli/publish.ts";
import { decodeItemsJson, decodeUsersJson, parseManifest } from "../shared/artifact/reader.ts";
import { machine } from "./machine.ts";
import { startNodeHostProcess } from "./node-host-process.ts";
import { startWorkerdProfile } from "./workerd-profile.ts";
import { syntheticArtifact } from "./synthetic-artifact.ts";
import { nodeEdgeHost } from "../edge/node/host.ts";

/** A trained artifact to serve instead of the synthetic tenant (its ids replace u<n> / i<n> / cat<n>). */
const ARTIFACT = process.env.EDGE_BENCH_ARTIFACT ? path.resolve(process.env.EDGE_BENCH_ARTIFACT) : null;
const given = ARTIFACT ? readArtifactIds(ARTIFACT) : null;
const ITEMS = given ? given.items.length : Number(process.env.EDGE_BENCH_ITEMS ?? 100_000);
const USERS = given ? given.users.length : Number(process.env.EDGE_BENCH_USERS ?? 50_000);
const userId = (n: number): string => (given ? given.users[n]! : `u${n}`);
const itemId = (n: number): string => (given ? given.items[n]! : `i${n}`);
const CATEGORIES = given ? given.categories : Array.from({ length: 24 }, (_, c) => `cat${c}`);
const SECONDS = Number(process.env.EDGE_BENCH_SECONDS ?? 30);
const RATE = Number(process.env.EDGE_BENCH_RATE ?? 200);
const DIM = Number(process.env.EDGE_BENCH_DIM ?? 64);
const NEIGHBOURS = Number(process.env.EDGE_BENCH_NEIGHBOURS ?? 0);
const RECENT_USERS = 2000;
/** Re-ranking options sent with every request (the `ranking` field), e.g. '{"diversity":0.5}'; none by default. */
const RANKING = process.env.EDGE_BENCH_RANKING ? (JSON.parse(process.env.EDGE_BENCH_RANKING) as Record<string, unknown>) : null;
/** Which hosts to drive: all (default), workerd (Miniflare and wrangler dev), miniflare (only) or node. */
const TARGETS = process.env.EDGE_BENCH_TARGETS ?? "all";
const CACHED_USERS = Math.min(USERS, Number(process.env.EDGE_BENCH_CACHED_USERS ?? 4000));
const TENANT = given ? given.tenant : "bench";
/** EDGE_BENCH_CPU_PROFILE=FILE: a CPU profile of the Worker's isolate during the measured run (Miniflare target only). */
const PROFILE = process.env.EDGE_BENCH_CPU_PROFILE;
/** Which kinds of user the mix draws (a diagnostic knob: e.g. "cached" alone reads nothing remote once warm). */
const KINDS = new Set((process.env.EDGE_BENCH_KINDS ?? "cached,known,recent,unknown").split(","));
if (USERS === 0) for (const k of ["cached", "known"]) KINDS.delete(k);
/**
 * The synthetic tenant's model takes ≈ 110 MiB by the registry's count (its HNSW index by capacity × record size),
 * over the Worker's default MODEL_BUDGET_MB of 96, which now refuses a model that does not fit: the bench raises it.
 */
const MODEL_BUDGET_MB = process.env.EDGE_BENCH_MODEL_BUDGET_MB ?? "128";
const WORKER_VARS: Record<string, string> = { MODEL_BUDGET_MB, ...(process.env.EDGE_BENCH_WORKER_VARS ? (JSON.parse(process.env.EDGE_BENCH_WORKER_VARS) as Record<string, string>) : {}) };
const repo = path.resolve(import.meta.dirname, "..");
/**
 * Where Miniflare keeps the local KV/R2 state: tmpfs when the machine has one. Local KV is SQLite and files on that
 * disk, and its syncs stalled every request of the process for tens of ms at times — the simulator's disk, not the
 * Worker (Cloudflare's KV is a network service). EDGE_BENCH_STATE_DIR overrides.
 */
const LOCAL_STATE_DIR = process.env.EDGE_BENCH_STATE_DIR ?? (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
const log = (msg: string) => process.stderr.write(`bench:edge: ${msg}\n`);

/** The artifact, built once per size and kept under runs/ (HNSW built natively by hnswlib-node, same file format). */
async function artifact(): Promise<string> {
  if (ARTIFACT) return ARTIFACT;
  return syntheticArtifact({ dir: path.join(repo, "runs", "bench-edge", `${ITEMS}x${DIM}-${USERS}-seen1${NEIGHBOURS ? `-nb${NEIGHBOURS}` : ""}`), tenant: TENANT, items: ITEMS, users: USERS, dim: DIM, neighbours: NEIGHBOURS, log });
}

interface Target {
  url: string;
  readKey: string;
  writeKey: string;
  /** The inspector's port, when the measured run is profiled. */
  inspectorPort?: number;
}

/** Live descendants of this process (the servers under test, their workerd and redis). */
function descendants(): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/**
 * EDGE_BENCH_NICE=-10 runs the load generator and the servers at a higher CPU priority, to measure the system
 * rather than the other jobs of a shared machine (the JSON says so). Off by default.
 */
const NICE = process.env.EDGE_BENCH_NICE === undefined ? null : Number(process.env.EDGE_BENCH_NICE);
function prioritize(): void {
  if (NICE === null) return;
  // Linux nice values are per thread: set every thread of every process (workerd and Node run several).
  for (const pid of [process.pid, ...descendants()]) {
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        setPriority(Number(tid), NICE);
      } catch {
        // not permitted or gone: measured at normal priority
      }
    }
  }
}

/** CPU time (ms) used so far by every live descendant of this process: the server under test (and its redis). */
function descendantsCpuMs(): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(entry), Number(f[1]));
      cpu.set(Number(entry), ((Number(f[11]) + Number(f[12])) * 1000) / 100); // utime + stime, USER_HZ = 100
    } catch {
      // the process exited meanwhile
    }
  }
  let total = 0;
  for (const [pid, ms] of cpu) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += ms;
        break;
      }
    }
  }
  return total;
}

/**
 * Request bodies: a third each of known users (half with a cached vector in KV/Redis, half only in users.bin), users
 * with only recent events, unknown users; 20% of all requests with a category filter.
 */
function mix(seed: number): () => string {
  const rng = new Rng(seed);
  return () => {
    let kind = rng.int(6);
    while (!KINDS.has(kind < 1 ? "cached" : kind < 2 ? "known" : kind < 4 ? "recent" : "unknown")) kind = rng.int(6);
    const id =
      kind === 0
        ? userId(rng.int(CACHED_USERS))
        : kind === 1
          ? userId(CACHED_USERS + rng.int(USERS - CACHED_USERS))
          : kind < 4
            ? `recent${rng.int(RECENT_USERS)}`
            : `anon${rng.nextU32()}`;
    const body: Record<string, unknown> = { userId: id, count: 10 };
    if (CATEGORIES.length > 0 && rng.next() < 0.2) body.filters = { includeCategories: [CATEGORIES[rng.int(CATEGORIES.length)]!] };
    if (RANKING) body.ranking = RANKING;
    return JSON.stringify(body);
  };
}

const cachedIds = new Set(Array.from({ length: CACHED_USERS }, (_, n) => userId(n)));

/** The kind of a request of the mix, from its body: which path its user takes, and whether it filters. */
function kindOf(body: string): string {
  const b = JSON.parse(body) as { userId: string; filters?: unknown };
  const user = b.userId.startsWith("recent") ? "recent" : b.userId.startsWith("anon") ? "unknown" : cachedIds.has(b.userId) ? "cached" : "known";
  return b.filters ? `${user}+filter` : user;
}

async function run(target: string, t: Target): Promise<Record<string, unknown>> {
  const headers = { Authorization: `Bearer ${t.readKey}`, "Content-Type": "application/json" };
  const recs = (body: unknown) => fetch(`${t.url}/v1/tenants/${TENANT}/recommendations`, { method: "POST", headers, body: JSON.stringify(body) });
  prioritize();
  const t0 = performance.now();
  const first = await recs({ userId: USERS > 1 ? userId(1) : "nobody", count: 10 });
  const coldStartMs = Math.round(performance.now() - t0);
  if (first.status !== 200) throw new Error(`${target}: first request answered ${first.status}: ${await first.text()}`);
  // Users with only recent events: 5 items each, posted through the events API (batches of 500 events).
  const rng = new Rng(5);
  for (let u = 0; u < RECENT_USERS; u += 100) {
    const batch = [];
    for (let k = u; k < u + 100; k++) for (let j = 0; j < 5; j++) batch.push({ userId: `recent${k}`, itemId: itemId(rng.int(ITEMS)), type: "view" });
    const res = await fetch(`${t.url}/v1/tenants/${TENANT}/events`, { method: "POST", headers: { ...headers, Authorization: `Bearer ${t.writeKey}` }, body: JSON.stringify(batch) });
    if (res.status !== 202) throw new Error(`${target}: events answered ${res.status}: ${await res.text()}`);
  }
  // Which path each kind of user takes (and that the cache answers for known users).
  const sources: Record<string, Record<string, number>> = {};
  for (const [kind, user] of [["cached", (i: number) => userId(i)], ["known", (i: number) => userId(USERS - 1 - i)], ["recent", (i: number) => `recent${i * 37}`], ["unknown", (i: number) => `nobody${i}`]] as const) {
    if (!KINDS.has(kind)) continue;
    for (let i = 0; i < 20; i++) {
      const body = (await (await recs({ userId: user(i) })).json()) as { source: string; cacheHit: boolean };
      const key = `${body.source}${body.cacheHit ? "+cache" : ""}`;
      (sources[kind] ??= {})[key] = (sources[kind]![key] ?? 0) + 1;
    }
  }
  log(`${target}: warm-up 5 s`);
  await driveLoad({ url: t.url, rate: RATE, seconds: 5, method: "POST", path: `/v1/tenants/${TENANT}/recommendations`, headers, nextBody: mix(1) });
  // One request at a time: service time without queueing, per kind of user.
  const serialMs: Record<string, number> = {};
  const next = mix(3);
  const serial: number[] = [];
  for (let i = 0; i < 150; i++) {
    const t1 = performance.now();
    await (await fetch(`${t.url}/v1/tenants/${TENANT}/recommendations`, { method: "POST", headers, body: next() })).text();
    serial.push(performance.now() - t1);
  }
  serial.sort((a, b) => a - b);
  serialMs.p50 = Math.round(serial[75]! * 100) / 100;
  serialMs.p95 = Math.round(serial[142]! * 100) / 100;
  log(`${target}: ${RATE} req/s for ${SECONDS} s`);
  const cpu0 = descendantsCpuMs();
  const loadCpu0 = process.cpuUsage();
  const profile = t.inspectorPort ? await startWorkerdProfile(t.inspectorPort) : null;
  const r: LoadResult = await driveLoad({ url: t.url, rate: RATE, seconds: SECONDS, method: "POST", path: `/v1/tenants/${TENANT}/recommendations`, headers, nextBody: mix(2), kindOf });
  if (profile && PROFILE) await writeFile(PROFILE, JSON.stringify(await profile.stop()));
  const serverCpuMsPerRequest = Math.round(((descendantsCpuMs() - cpu0) / Math.max(1, r.requests)) * 100) / 100;
  const lc = process.cpuUsage(loadCpu0);
  const loadGenCpuMsPerRequest = Math.round(((lc.user + lc.system) / 1000 / Math.max(1, r.requests)) * 100) / 100;
  const loadavg = (await import("node:os")).loadavg().map((x) => Math.round(x * 10) / 10);
  const health = (await (await fetch(`${t.url}/healthz`)).json()) as { models: unknown };
  return {
    target,
    rps: r.rps,
    p50Ms: r.p50Ms,
    p95Ms: r.p95Ms,
    p99Ms: r.p99Ms,
    errors: r.errors,
    coldStartMs,
    maxMs: r.maxMs,
    requests: r.requests,
    statusCounts: r.statusCounts,
    errorKinds: r.errorKinds,
    byKind: r.byKind,
    serialMs,
    serverCpuMsPerRequest,
    loadGenCpuMsPerRequest,
    generatorLagMs: r.generatorLagMs,
    loadavgAfter: loadavg,
    sources,
    models: health.models,
  };
}

async function keys(target: "local" | "node", state: string): Promise<{ readKey: string; writeKey: string }> {
  return {
    readKey: await runKeys(["create", "--tenant", TENANT, "--role", "read", "--target", target, "--state", state], nodeEdgeHost),
    writeKey: await runKeys(["create", "--tenant", TENANT, "--role", "write", "--target", target, "--state", state], nodeEdgeHost),
  };
}

/** Publishes once into a wrangler state dir, then runs the Worker on it in workerd: directly, then under wrangler dev. */
async function workerd(dir: string): Promise<Record<string, unknown>[]> {
  const persist = await mkdtemp(path.join(LOCAL_STATE_DIR, "edgerec-bench-wrangler-"));
  try {
    // Local KV takes several ms per write here, so CACHED_USERS users go into KV; the rest are served from the
    // artifact's users.bin (the last tier of the user-vector cache).
    const pub = await runPublish(["--artifact", dir, "--tenant", TENANT, "--target", "local", "--state", persist, "--activate", "--cache-users", String(CACHED_USERS)], nodeEdgeHost);
    log(`published to wrangler local state in ${pub.seconds} s`);
    const k = await keys("local", persist);
    const results = [];
    const inspectorPort = PROFILE ? await freePort() : undefined;
    const direct = await startLocalWorker({ cwd: repo, persistTo: persist, vars: WORKER_VARS, ...(inspectorPort ? { inspectorPort } : {}) });
    try {
      results.push({ ...(await run("workerd (Miniflare, wrangler's deploy bundle)", { url: direct.url, ...k, ...(inspectorPort ? { inspectorPort } : {}) })), publishSeconds: pub.seconds });
    } finally {
      await direct.stop();
    }
    if (TARGETS === "miniflare") return results;
    const dev = await startWranglerDev({ cwd: repo, persistTo: persist, vars: WORKER_VARS });
    try {
      results.push({ ...(await run("workerd (wrangler dev)", { url: dev.url, ...k })), publishSeconds: pub.seconds });
    } finally {
      await dev.stop();
    }
    return results;
  } finally {
    await rm(persist, { recursive: true, force: true });
  }
}

async function nodeHost(dir: string): Promise<Record<string, unknown>> {
  const state = await mkdtemp(path.join(tmpdir(), "edgerec-bench-node-"));
  let redis: RedisProcess | null = null;
  try {
    redis = await startRedis();
    const pub = await runPublish(["--artifact", dir, "--tenant", TENANT, "--target", "node", "--state", state, "--redis", redis.url, "--activate"], nodeEdgeHost);
    log(`published to the Node state dir + Redis in ${pub.seconds} s`);
    const k = await keys("node", state);
    const host = await startNodeHostProcess({ repo, state, redisUrl: redis.url });
    try {
      return { ...(await run("node + redis", { url: host.url, ...k })), publishSeconds: pub.seconds };
    } finally {
      await host.stop();
    }
  } finally {
    await redis?.stop();
    await rm(state, { recursive: true, force: true });
  }
}

const dir = await artifact();
if (process.argv.includes("--build-only")) process.exit(0);
const runs = [...(TARGETS === "node" ? [] : await workerd(dir)), ...(TARGETS === "workerd" || TARGETS === "miniflare" ? [] : [await nodeHost(dir)])];
const out = {
  bench: "edge",
  localState: LOCAL_STATE_DIR,
  tenant: given
    ? { artifact: ARTIFACT, model: given.model, items: ITEMS, users: USERS, dim: given.dim, categories: CATEGORIES.length, recentUsers: RECENT_USERS, workerModelBudgetMb: Number(MODEL_BUDGET_MB) }
    : { items: ITEMS, users: USERS, dim: DIM, neighbours: NEIGHBOURS, recentUsers: RECENT_USERS, index: "hnsw", seen: "seen.bin: 5 + Exp(15) own-cluster items per user, 1% with 2,000", workerModelBudgetMb: Number(MODEL_BUDGET_MB) },
  ranking: RANKING,
  load: { nice: NICE, rate: RATE, seconds: SECONDS, warmupSeconds: 5, mix: "1/6 known+cached, 1/6 known (users.bin), 1/3 recent events only, 1/3 unknown; 20% with includeCategories", cachedUsers: CACHED_USERS, tool: "open-loop generator (edge/node/load.ts): fixed arrival rate, latency from scheduled send time" },
  runs,
  machine: machine(),
};
await mkdir(path.join(repo, "runs", "bench-edge"), { recursive: true });
await writeFile(path.join(repo, "runs", "bench-edge", "last.json"), JSON.stringify(out, null, 2));
process.stdout.write(JSON.stringify(out) + "\n");

/** The ids a trained artifact's mix draws from: its tenant, users, items and categories. */
function readArtifactIds(dir: string): { tenant: string; model: string; dim: number; users: string[]; items: string[]; categories: string[] } {
  const manifest = parseManifest(readFileSync(path.join(dir, "manifest.json")));
  const items = decodeItemsJson(readFileSync(path.join(dir, "items.json")));
  // An artifact without known users (users.json) serves only the recent-event and unknown kinds of the mix.
  const usersFile = path.join(dir, "users.json");
  const users = existsSync(usersFile) ? decodeUsersJson(readFileSync(usersFile)) : [];
  const categories = [...new Set(items.flatMap((it) => it.categories ?? []))].slice(0, 1000);
  return { tenant: manifest.tenant, model: manifest.model.kind, dim: manifest.model.dim, users, items: items.map((it) => it.id), categories };
}
