// bench:seen — what leaving a known user's training items out costs per request, in process (no HTTP, no KV), on
// the bench:edge tenant (100k items × 64, HNSW, 50k users with seen.bin; built by `npm run bench:edge` or here).
// For the same users, alternating: recommend() with the seen list excluded (the default) and with excludeSeen:false.
// Prints one JSON object: per mode p50/p95/p99 ms, and how many returned items were training items.

import { existsSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { seenRowsOf } from "../shared/artifact/seen.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "../edge/app/embedding-cache.ts";
import { readFile } from "node:fs/promises";
import type { ArtifactStore } from "../edge/app/ports.ts";
import { openHnswNode } from "../edge/node/hnsw.ts";
import { MemoryRecentItems } from "../edge/app/recent-items.ts";
import { recommend } from "../edge/app/recommender.ts";
import { ModelRegistry } from "../edge/app/registry.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { machine } from "./machine.ts";

const repo = path.resolve(import.meta.dirname, "..");
const dir = path.join(repo, "runs", "bench-edge", "100000x64-50000-seen1");
const USERS = Number(process.env.SEEN_BENCH_USERS ?? 3000);
const COUNT = 10;

if (!existsSync(path.join(dir, "manifest.json"))) {
  process.stderr.write("bench:seen: building the bench:edge tenant first (npm run bench:edge -- --build-only)\n");
  execFileSync(process.execPath, ["--import", "tsx", path.join(repo, "bench/edge.ts"), "--build-only"], { stdio: "inherit" });
}

// A one-version store over the artifact directory.
const store: Pick<ArtifactStore, "get"> = {
  get: async (_t, _v, name) => (existsSync(path.join(dir, name)) ? new Uint8Array(await readFile(path.join(dir, name))) : null),
};
const registry = new ModelRegistry(store, { budgetBytes: 1 << 30, openAnn: openHnswNode });
const deps = { registry, cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems() };
const config = { ...emptyTenantConfig("bench"), active: "v1" };
const model = await registry.load("bench", "v1");
const seen = model.seen!;
const ids = [...model.userRow!.keys()];

const times = { exclude: [] as number[], optOut: [] as number[] };
const returnedSeen = { exclude: 0, optOut: 0 };
// CPU time per mode (process.cpuUsage): less sensitive than wall time to a machine shared with other jobs.
const cpuMicros = { exclude: 0, optOut: 0 };
let heavy = 0;
for (let k = 0; k < USERS; k++) {
  const userId = ids[(k * 7919) % ids.length]!;
  const rows = seenRowsOf(seen, model.userRow!.get(userId)!);
  if (rows.length > model.rows / 8) heavy++;
  const trained = new Set(Array.from(rows, (r) => model.items.id(r)!));
  for (const mode of k % 2 ? (["exclude", "optOut"] as const) : (["optOut", "exclude"] as const)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await recommend(deps, config, { userId, count: COUNT, excludeSeen: mode === "exclude" });
    times[mode].push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMicros[mode] += c.user + c.system;
    returnedSeen[mode] += r.items.filter((i) => trained.has(i.id)).length;
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 1000) / 1000;
};
const summary = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99) });
process.stdout.write(
  JSON.stringify({
    bench: "seen",
    tenant: { items: model.rows, users: ids.length, dim: model.dim, seenEntries: seen.rows.length, index: model.index.kind },
    requests: { users: USERS, count: COUNT, heavyUsers: heavy },
    ms: { excludeSeen: summary(times.exclude), excludeSeenFalse: summary(times.optOut) },
    cpuMsPerRequest: { excludeSeen: Math.round(cpuMicros.exclude / USERS) / 1000, excludeSeenFalse: Math.round(cpuMicros.optOut / USERS) / 1000 },
    trainingItemsReturned: { excludeSeen: returnedSeen.exclude, excludeSeenFalse: returnedSeen.optOut },
    loadavg: (await import("node:os")).loadavg().map((x) => Math.round(x * 10) / 10),
    machine: machine(),
  }) + "\n",
);
