// Redis SIGKILLed under a running Node host (issue 13 finding 4): requests naming users are still answered from the
// artifact and memory, events that were durably logged get 202, /healthz says degraded, and after Redis is back it
// says ok again. A real redis-server on a free port.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey, keyRecord } from "../app/auth.ts";
import { emptyTenantConfig } from "../app/tenant-config.ts";
import { buildFixture } from "../testing/fixtures.ts";
import { readEventLog } from "./file-event-log.ts";
import { FsConfigStore, writeFileAtomic } from "./fs-stores.ts";
import { type RedisProcess, startRedis } from "./redis-process.ts";
import { createNodeHost, type NodeHost } from "./server.ts";
import { artifactPath } from "./state-layout.ts";

let redis: RedisProcess;
let host: NodeHost;
let state = "";
const key = generateKey();

beforeAll(async () => {
  redis = await startRedis();
  state = await mkdtemp(path.join(tmpdir(), "edgerec-redis-down-"));
  const fx = await buildFixture({ tenant: "t", version: "v1" });
  for (const [name, bytes] of fx.files) await writeFileAtomic(artifactPath(state, "t", "v1", name), bytes);
  await new FsConfigStore(state).put({ ...emptyTenantConfig("t"), active: "v1", keys: [await keyRecord(key, "write")] });
  host = createNodeHost({ stateDir: state, redisUrl: redis.url, configTtlMs: 0 });
});

afterAll(async () => {
  await host?.close();
  await redis?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

const call = (p: string, body?: unknown) =>
  host.app.fetch(
    new Request(`http://edge.test${p}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
const health = async () => (await (await call("/healthz")).json()) as { ok: boolean; status: string; dependencies: Record<string, { state: string }> };

describe("Node host with Redis killed mid-test", () => {
  it("serves from the artifact and memory, logs events with 202, reports degraded, then recovers", async () => {
    expect((await call("/v1/tenants/t/recommendations", { userId: "user-3" })).status).toBe(200);
    expect((await health()).status).toBe("ok");
    await redis.kill();
    const t0 = Date.now();
    let failed = 0;
    for (let i = 0; i < 40; i++) {
      const rec = await call("/v1/tenants/t/recommendations", { userId: `user-${i % 40}`, count: 5 });
      if (rec.status !== 200) failed++;
      else expect(((await rec.json()) as { items: unknown[] }).items).toHaveLength(5);
      const ev = await call("/v1/tenants/t/events", [{ userId: `down-${i}`, itemId: "item-1", type: "view", eventId: `e-${i}` }]);
      if (ev.status !== 202) failed++;
    }
    expect(failed).toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const logged = (await readEventLog(state, "t")).filter((e) => e.user_id.startsWith("down-"));
    expect(logged).toHaveLength(40);
    const h = await health();
    expect(h.ok).toBe(true);
    expect(h.status).toBe("degraded");
    expect(h.dependencies.redis!.state).not.toBe("ok");
    // A fresh request for a user who just posted events still folds them in from memory.
    const again = await call("/v1/tenants/t/recommendations", { userId: "down-1" });
    expect(((await again.json()) as { source: string }).source).toBe("fold-in");

    redis = await startRedis(redis.port);
    const until = Date.now() + 15_000;
    let status = "";
    while (Date.now() < until) {
      await call("/v1/tenants/t/recommendations", { userId: "user-1" });
      status = (await health()).status;
      if (status === "ok") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe("ok");
  });
});
