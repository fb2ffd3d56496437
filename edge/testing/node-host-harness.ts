// The route-suite harness on the Node host: the app over a fresh file-system state dir, with a real redis-server
// (started on a free port) holding user vectors and recent items. Shared by the edge/node/*.test.ts route suites.
// Call it at a test file's top level: it registers the afterAll that closes the host, stops redis and removes the dir.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import type { RouteHarness } from "../app/routes.case.ts";
import { readEventLog } from "../node/file-event-log.ts";
import { FsConfigStore, writeFileAtomic } from "../node/fs-stores.ts";
import { RedisEmbeddingCache } from "../node/redis-stores.ts";
import { type RedisProcess, startRedis } from "../node/redis-process.ts";
import { createNodeHost, type NodeHost, type NodeHostOptions } from "../node/server.ts";
import { artifactPath } from "../node/state-layout.ts";
import { hnswModuleNode } from "../node/hnsw.ts";

/** `tmpPrefix` names the state dir (e.g. "edgerec-node-"); `options` are added to the host's (stateDir, redisUrl, configTtlMs: 0). */
export function nodeHostHarness(
  tmpPrefix: string,
  options: Partial<Omit<NodeHostOptions, "stateDir" | "redisUrl">> = {},
): () => Promise<RouteHarness> {
  let redis: RedisProcess | null = null;
  let host: NodeHost | null = null;
  let state = "";

  afterAll(async () => {
    await host?.close();
    await redis?.stop();
    if (state) await rm(state, { recursive: true, force: true });
  });

  return async () => {
    redis = await startRedis();
    state = await mkdtemp(path.join(tmpdir(), tmpPrefix));
    const start = () => createNodeHost({ stateDir: state, redisUrl: redis!.url, configTtlMs: 0, ...options });
    host = start();
    const dir = state;
    return {
      hnsw: hnswModuleNode,
      fetch: async (p, init) => host!.app.fetch(new Request(`http://edge.test${p}`, init)),
      reload: async () => {
        await host?.close();
        host = start();
      },
      putArtifact: async (tenant, version, files) => {
        for (const [name, bytes] of files) await writeFileAtomic(artifactPath(dir, tenant, version, name), bytes);
      },
      putConfig: (config) => new FsConfigStore(dir).put(config),
      putUserVectors: (entries) => new RedisEmbeddingCache(host!.redis!).setMany(entries),
      readEvents: (tenant) => readEventLog(dir, tenant),
    };
  };
}
