// Whole-system runs of publishing: `edgerec publish --target local` puts an artifact into wrangler's local state and
// `wrangler dev` serves it offline (cached user vectors from KV, HNSW from the index); events posted to it land in
// R2 and come back as a JSONL training file the trainer loads. The Node target serves the same through the Node
// host with Redis. A truncated artifact is refused before it reaches any store.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixture, truncated } from "../edge/testing/fixtures.ts";
import { hnswModuleNode } from "../edge/node/hnsw.ts";
import { type RedisProcess, startRedis } from "../edge/node/redis-process.ts";
import { createNodeHost } from "../edge/node/server.ts";
import { startWranglerDev } from "../edge/node/wrangler-dev.ts";
import { writeArtifactDir } from "../trainer/artifact-dir.ts";
import { runKeys } from "../trainer/cli/keys.ts";
import { runPublish } from "../trainer/cli/publish.ts";
import { openEdgeStore } from "../edge/node/index.ts";
import { exportEvents } from "../trainer/io/export-events.ts";
import { loadInteractions } from "../trainer/io/load-data.ts";
import { nodeEdgeHost } from "../edge/node/host.ts";

const repo = path.resolve(import.meta.dirname, "..");
let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "edgerec-publish-"));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function artifactDir(name: string, version: string, broken = false): Promise<string> {
  const fx = await buildFixture({ tenant: "shop", version, hnsw: hnswModuleNode() });
  const dir = path.join(tmp, name);
  await writeArtifactDir(dir, broken ? truncated(fx.files) : fx.files);
  return dir;
}

describe("edgerec publish", () => {
  it("--target local: wrangler dev serves the published version, events come back as training data", async () => {
    const persist = path.join(tmp, "wrangler-state");
    const dir = await artifactDir("v1", "v1");
    const summary = await runPublish(["--artifact", dir, "--tenant", "shop", "--target", "local", "--state", persist, "--activate"], nodeEdgeHost);
    expect(summary).toMatchObject({ tenant: "shop", version: "v1", target: "local", userVectors: 40, active: "v1" });
    const key = await runKeys(["create", "--tenant", "shop", "--role", "write", "--target", "local", "--state", persist], nodeEdgeHost);
    expect(key).toMatch(/^erk_/);
    await expect(runPublish(["--artifact", await artifactDir("bad", "v2", true), "--tenant", "shop", "--target", "local", "--state", persist], nodeEdgeHost)).rejects.toThrow(/items\.bin/);
    await expect(runPublish(["--artifact", dir, "--tenant", "other", "--target", "local", "--state", persist], nodeEdgeHost)).rejects.toThrow(/belongs to tenant 'shop'/);

    // The test asserts a KV cache hit: no read budget, so a loaded machine cannot turn it into an artifact answer.
    const dev = await startWranglerDev({ cwd: repo, persistTo: persist, vars: { KV_READ_BUDGET_MS: "0" } });
    try {
      const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
      const rec = await fetch(`${dev.url}/v1/tenants/shop/recommendations`, { method: "POST", headers, body: JSON.stringify({ userId: "user-1", count: 5 }) });
      expect(rec.status, dev.log().slice(-1500)).toBe(200);
      const body = (await rec.json()) as { source: string; cacheHit: boolean; modelVersion: string; items: unknown[] };
      expect(body).toMatchObject({ source: "personalized", cacheHit: true, modelVersion: "v1" });
      expect(body.items).toHaveLength(5);
      const health = (await (await fetch(`${dev.url}/healthz`)).json()) as { models: { list: { version: string; index: string }[] } };
      expect(health.models.list.find((m) => m.version === "v1")?.index).toBe("hnsw");
      const ev = await fetch(`${dev.url}/v1/tenants/shop/events`, {
        method: "POST",
        headers,
        body: JSON.stringify([
          { userId: "fresh", itemId: "item-3", type: "view", ts: 1_700_000_000_000 },
          { userId: "fresh", itemId: "item-7", type: "purchase", ts: 1_700_000_100_000 },
        ]),
      });
      expect(ev.status).toBe(202);
      const next = await fetch(`${dev.url}/v1/tenants/shop/recommendations`, { method: "POST", headers, body: JSON.stringify({ userId: "fresh" }) });
      expect(((await next.json()) as { source: string }).source).toBe("fold-in");
      // Publishing and activating v2 while the Worker runs: served within the config TTL, without a restart.
      await runPublish(["--artifact", await artifactDir("v2", "v2"), "--tenant", "shop", "--target", "local", "--state", persist, "--activate", "--skip-users"], nodeEdgeHost);
      let version = "";
      for (let i = 0; i < 40 && version !== "v2"; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const r = await fetch(`${dev.url}/v1/tenants/shop/recommendations`, { method: "POST", headers, body: JSON.stringify({ userId: "user-1" }) });
        version = ((await r.json()) as { modelVersion: string }).modelVersion;
      }
      expect(version).toBe("v2");
    } finally {
      await dev.stop();
    }
    const store = await openEdgeStore("local", { stateDir: persist });
    try {
      const out = path.join(tmp, "events.jsonl");
      expect(await exportEvents(store, "shop", out)).toBe(2);
      const loaded = await loadInteractions(out, "jsonl");
      expect(loaded.data.users.length).toBe(2);
      expect(loaded.data.itemIds.ids).toEqual(["item-3", "item-7"]);
    } finally {
      await store.close();
    }
  });

  it("--target node: the Node host with Redis serves the published version", async () => {
    const redis: RedisProcess = await startRedis();
    const state = path.join(tmp, "node-state");
    try {
      const dir = await artifactDir("nv1", "v1");
      const summary = await runPublish(["--artifact", dir, "--tenant", "shop", "--target", "node", "--state", state, "--redis", redis.url, "--activate"], nodeEdgeHost);
      expect(summary).toMatchObject({ target: "node", userVectors: 40, active: "v1" });
      const key = await runKeys(["create", "--tenant", "shop", "--role", "read", "--target", "node", "--state", state], nodeEdgeHost);
      const host = createNodeHost({ stateDir: state, redisUrl: redis.url });
      try {
        const res = await host.app.fetch(
          new Request("http://edge/v1/tenants/shop/recommendations", { method: "POST", headers: { Authorization: `Bearer ${key}` }, body: JSON.stringify({ userId: "user-2" }) }),
        );
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ source: "personalized", cacheHit: true, modelVersion: "v1" });
      } finally {
        await host.close();
      }
      expect(await runKeys(["list", "--tenant", "shop", "--target", "node", "--state", state], nodeEdgeHost)).toMatch(/\tread\t/);
    } finally {
      await redis.stop();
    }
  });
});
