// The hardening cases (edge/app/hardening.case.ts) on the Node host with a real redis-server on a free port.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { hardeningSuite } from "../app/hardening.case.ts";
import { readEventLog } from "./file-event-log.ts";
import { FsConfigStore, writeFileAtomic } from "./fs-stores.ts";
import { RedisEmbeddingCache } from "./redis-stores.ts";
import { type RedisProcess, startRedis } from "./redis-process.ts";
import { createNodeHost, type NodeHost } from "./server.ts";
import { artifactPath } from "./state-layout.ts";
import { hnswModuleNode } from "./hnsw.ts";

let redis: RedisProcess | null = null;
let host: NodeHost | null = null;
let state = "";

afterAll(async () => {
  await host?.close();
  await redis?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

hardeningSuite("node + redis", async () => {
  redis = await startRedis();
  state = await mkdtemp(path.join(tmpdir(), "edgerec-hard-"));
  host = createNodeHost({ stateDir: state, redisUrl: redis.url, configTtlMs: 0, eventRequestsPerMinute: 30 });
  const h = host;
  return {
    hnsw: hnswModuleNode,
    fetch: async (p, init) => h.app.fetch(new Request(`http://edge.test${p}`, init)),
    putArtifact: async (tenant, version, files) => {
      for (const [name, bytes] of files) await writeFileAtomic(artifactPath(state, tenant, version, name), bytes);
    },
    putConfig: (config) => new FsConfigStore(state).put(config),
    putUserVectors: (entries) => new RedisEmbeddingCache(h.redis!).setMany(entries),
    readEvents: (tenant) => readEventLog(state, tenant),
  };
});
