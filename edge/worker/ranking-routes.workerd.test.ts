// The ranking and experiment route suite inside workerd: the real Worker entry (SELF) with local R2 and KV.
/// <reference types="@cloudflare/vitest-pool-workers/types" />
import { SELF, env } from "cloudflare:test";
import { r2ArtifactKey, r2EventsPrefix } from "./bindings.ts";
import { R2ConfigStore } from "./r2-config.ts";
import { KvEmbeddingCache } from "./kv-cache.ts";
import { rankingSuite } from "../app/ranking.case.ts";
import type { EventLine } from "../app/ports.ts";
import type { Env } from "./bindings.ts";
import hnswModule from "../../shared/ann/wasm/hnsw.wasm";

const e = env as unknown as Env;

rankingSuite("workerd", async () => ({
  hnsw: () => hnswModule,
  fetch: (path, init) => SELF.fetch(`http://edge.test${path}`, init),
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
}));
