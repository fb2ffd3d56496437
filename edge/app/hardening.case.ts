// Hostile-client cases of issue 13, run by every host (workerd: edge/worker/hardening.workerd.test.ts; Node:
// edge/node/hardening.test.ts). Each case failed before its fix.

import { beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { sha256Hex } from "../../shared/artifact/sha256.ts";
import { buildFixture } from "../testing/fixtures.ts";
import { generateKey, keyRecord } from "./auth.ts";
import type { RouteHarness } from "./routes.case.ts";
import { type TenantConfig, emptyTenantConfig } from "./tenant-config.ts";

/** A body of `total` bytes made on demand; `pulled()` says how much of it the server asked for. */
export function lazyBody(total: number, chunk = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent >= total) return ctrl.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      ctrl.enqueue(new Uint8Array(n).fill(120));
    },
  });
  return { stream, pulled: () => sent };
}

const MiB = 1024 * 1024;

export function hardeningSuite(host: string, makeHarness: () => Promise<RouteHarness>): void {
  describe(`edge hardening on ${host}`, () => {
    let h: RouteHarness;
    let stored: TenantConfig;
    const keys = { read: generateKey(), write: generateKey(), admin: generateKey() };
    const auth = (key: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${key}`, ...extra });
    const streamed = (path: string, method: string, headers: Record<string, string>, total: number) => {
      const body = lazyBody(total);
      const init = { method, headers, body: body.stream, duplex: "half" } as RequestInit;
      return { res: h.fetch(path, init), pulled: body.pulled };
    };

    beforeAll(async () => {
      h = await makeHarness();
      const fx = await buildFixture({ tenant: "hard", version: "v1", hnsw: h.hnsw() });
      await h.putArtifact("hard", "v1", fx.files);
      const config = emptyTenantConfig("hard");
      config.active = "v1";
      config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write"), await keyRecord(keys.admin, "admin")];
      await h.putConfig(config);
      stored = config;
    });

    it("reads no body before the key is checked: chunked 64 MiB PUT/POST without a valid key", async () => {
      const cases: [string, string, Record<string, string>][] = [
        ["PUT", "/v1/tenants/nobody/artifacts/v1/items.bin", {}],
        ["PUT", "/v1/tenants/hard/artifacts/v7/items.bin", auth("erk_wrong")],
        ["PUT", "/v1/tenants/hard/artifacts/v7/items.bin", auth(keys.write)],
        ["POST", "/v1/tenants/hard/events", {}],
        ["POST", "/v1/tenants/hard/recommendations", auth("erk_wrong")],
        ["POST", "/internal/ml/recommendations", {}],
      ];
      for (const [method, path, headers] of cases) {
        const { res, pulled } = streamed(path, method, headers, 64 * MiB);
        const r = await res;
        expect([401, 403], `${method} ${path}`).toContain(r.status);
        await r.body?.cancel();
        expect(pulled(), `${method} ${path} read ${pulled()} bytes`).toBeLessThan(2 * MiB);
      }
    });

    it("stops reading an oversized body at the limit, with 413, also with a valid key", async () => {
      const { res, pulled } = streamed("/v1/tenants/hard/recommendations", "POST", auth(keys.read, { "Content-Type": "application/json" }), 8 * MiB);
      const r = await res;
      expect(r.status).toBe(413);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
      expect(pulled()).toBeLessThan(2 * MiB);
      const up = streamed("/v1/tenants/hard/artifacts/v8/items.bin", "PUT", auth(keys.admin), 40 * MiB);
      const u = await up.res;
      // The Worker needs a Content-Length to stream into R2 (411 without); the Node host counts and stops at 32 MiB.
      expect([411, 413]).toContain(u.status);
      await u.body?.cancel();
      expect(up.pulled()).toBeLessThan(34 * MiB);
      // Nothing of the refused upload was kept.
      const get = await h.fetch("/v1/tenants/hard/artifacts/v8/items.bin", { headers: auth(keys.read) });
      expect(get.status).toBe(404);
    });

    it("streams an upload to the store and answers its size and SHA-256", async () => {
      const fx = await buildFixture({ tenant: "hard", version: "v2", seed: 5 });
      const bytes = fx.files.get(ARTIFACT_FILES.items)!;
      const res = await h.fetch("/v1/tenants/hard/artifacts/v2/items.bin", { method: "PUT", headers: auth(keys.admin), body: bytes as Uint8Array<ArrayBuffer> });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(await res.json()).toMatchObject({ bytes: bytes.byteLength, sha256: await sha256Hex(bytes) });
    });

    it("does not tell unknown tenants from known ones (403 for both with a key, 401 without)", async () => {
      const known = await h.fetch("/v1/tenants/hard/recommendations", { method: "POST", headers: auth("erk_guess"), body: "{}" });
      const unknown = await h.fetch("/v1/tenants/no-such-tenant/recommendations", { method: "POST", headers: auth("erk_guess"), body: "{}" });
      expect(known.status).toBe(403);
      expect(unknown.status).toBe(403);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe(((await known.json()) as { error: { code: string } }).error.code);
      expect((await h.fetch("/v1/tenants/no-such-tenant/recommendations", { method: "POST", body: "{}" })).status).toBe(401);
    });

    it("answers a 300-character file name with 400, not 500", async () => {
      const name = "a".repeat(300) + ".bin";
      const put = await h.fetch(`/v1/tenants/hard/artifacts/v3/${name}`, { method: "PUT", headers: auth(keys.admin), body: new Uint8Array(4) });
      expect(put.status).toBe(400);
      const get = await h.fetch(`/v1/tenants/hard/artifacts/v1/${name}`, { headers: auth(keys.read) });
      expect(get.status).toBe(400);
    });

    it("refuses a version named 'active' (the name of the active manifest route)", async () => {
      const put = await h.fetch("/v1/tenants/hard/artifacts/active/items.bin", { method: "PUT", headers: auth(keys.admin), body: new Uint8Array(4) });
      expect(put.status).toBe(400);
    });

    it("does not serve a paused (weight 0) variant by name", async () => {
      await h.putConfig({ ...stored, variants: [{ name: "paused", version: "v1", weight: 0 }] });
      const res = await h.fetch("/v1/tenants/hard/recommendations", { method: "POST", headers: auth(keys.read, { "Content-Type": "application/json" }), body: JSON.stringify({ variant: "paused" }) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unknown_variant");
      await h.putConfig(stored);
    });

    it("/healthz names no tenant", async () => {
      await h.fetch("/v1/tenants/hard/recommendations", { method: "POST", headers: auth(keys.read, { "Content-Type": "application/json" }), body: "{}" });
      const text = await (await h.fetch("/healthz")).text();
      expect(text).not.toContain("hard");
    });
    const visitor = "v:" + "0123456789abcdef".repeat(2);
    const postEvents = (key: string, body: unknown) =>
      h.fetch("/v1/tenants/hard/events", { method: "POST", headers: auth(key, { "Content-Type": "application/json" }), body: JSON.stringify(body) });

    it("takes each eventId once: a retried batch is acknowledged again but logged once", async () => {
      const batch = [0, 1, 2].map((i) => ({ userId: "dedupe-user", itemId: `item-${i}`, type: "view", ts: 1_700_000_000_000 + i, eventId: `dd-${i}` }));
      const first = await postEvents(keys.write, [...batch, batch[0]]);
      expect(first.status).toBe(202);
      expect(await first.json()).toMatchObject({ accepted: 3, duplicates: 1 });
      const retry = await postEvents(keys.write, batch);
      expect(retry.status).toBe(202);
      expect(await retry.json()).toMatchObject({ accepted: 0, duplicates: 3 });
      const logged = (await h.readEvents("hard")).filter((e) => e.user_id === "dedupe-user");
      expect(logged.map((e) => e.event_id)).toEqual(["dd-0", "dd-1", "dd-2"]);
    });

    it("takes ts in epoch milliseconds only within sane bounds; a 400 names the field", async () => {
      const one = (ts: unknown) => postEvents(keys.write, [{ userId: "ts-user", itemId: "item-1", type: "view" }, { userId: "ts-user", itemId: "item-2", type: "view", ts }]);
      for (const ts of [1_700_000_000, 1e20, "1970-01-02T00:00:00Z", Date.now() + 7 * 86_400_000]) {
        const res = await one(ts);
        expect(res.status, String(ts)).toBe(400);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^1\.ts: /);
      }
      const ok = await one(1_700_000_000_000);
      expect(ok.status).toBe(202);
    });

    it("binds publishable-key events to anonymous visitor ids, never a known user's id", async () => {
      const forUser = await postEvents(keys.read, [{ userId: "user-3", itemId: "item-1", type: "view" }]);
      expect(forUser.status).toBe(403);
      expect(((await forUser.json()) as { error: { message: string } }).error.message).toContain("visitor");
      const ok = await postEvents(keys.read, [{ userId: visitor, itemId: "item-1", type: "view", eventId: "vis-1" }]);
      expect(ok.status).toBe(202);
      const line = (await h.readEvents("hard")).find((e) => e.event_id === "vis-1");
      expect(line).toMatchObject({ user_id: visitor, origin: "publishable" });
      // A write key may post for known users (server-side ingestion).
      expect((await postEvents(keys.write, [{ userId: "user-3", itemId: "item-1", type: "view" }])).status).toBe(202);
    });

    it("rate-limits a publishable key's events (429 with Retry-After)", async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 40; i++) {
        const res = await postEvents(keys.read, [{ userId: visitor, itemId: "item-2", type: "view" }]);
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = res.headers.get("Retry-After");
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
        } else await res.body?.cancel();
      }
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    });
  });
}
