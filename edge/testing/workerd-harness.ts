// The route-suite harness inside workerd: the real Worker entry (SELF) with Miniflare's local R2 and KV.
// Shared by the edge/worker/*.workerd.test.ts route suites; importable only from the `workers` test project.
/// <reference types="@cloudflare/vitest-pool-workers/types" />
import { SELF, createExecutionContext, env } from "cloudflare:test";
import type { RouteHarness } from "../app/routes.case.ts";
import type { EventLine } from "../app/ports.ts";
import { r2ArtifactKey, r2EventsPrefix } from "../../shared/store/keys.ts";
import type { Env } from "../worker/bindings.ts";
import { R2ConfigStore } from "../worker/r2-config.ts";
import { KvEmbeddingCache } from "../worker/kv-cache.ts";
import hnswModule from "../../shared/ann/wasm/hnsw.wasm";
import { buildWorkerApp } from "../worker/build-app.ts";

export async function workerdHarness(): Promise<RouteHarness> {
  const e = env as unknown as Env;
  // After reload(), requests go to a freshly built app (a new isolate's registry and caches) over the same bindings.
  let fresh: ReturnType<typeof buildWorkerApp> | null = null;
  return {
    hnsw: () => hnswModule,
    fetch: async (path, init) =>
      fresh ? fresh.fetch(new Request(`http://edge.test${path}`, init), e, createExecutionContext()) : SELF.fetch(`http://edge.test${path}`, init),
    reload: async () => {
      fresh = buildWorkerApp(e);
    },
    putArtifact: async (tenant, version, files) => {
      for (const [name, bytes] of files) await e.ARTIFACTS.put(r2ArtifactKey(tenant, version, name), bytes);
    },
    putConfig: (config) => new R2ConfigStore(e.ARTIFACTS).put(config),
    putUserVectors: (entries) => new KvEmbeddingCache(e.EMBEDDINGS).setMany(entries),
    readEvents: async (tenant) => {
      const out: EventLine[] = [];
      const listed = await e.ARTIFACTS.list({ prefix: r2EventsPrefix(tenant) });
      for (const obj of listed.objects.sort((a, b) => a.key.localeCompare(b.key))) {
        const text = await (await e.ARTIFACTS.get(obj.key))!.text();
        for (const line of text.split("\n")) if (line) out.push(JSON.parse(line) as EventLine);
      }
      return out;
    },
  };
}
