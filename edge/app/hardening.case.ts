// Hostile-client cases of issue 13, run by every host (workerd: edge/worker/hardening.workerd.test.ts; Node:
// edge/node/hardening.test.ts). Each case failed before its fix.

import { beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { sha256Hex } from "../../shared/artifact/sha256.ts";
import { buildFixture } from "../testing/fixtures.ts";
import { generateKey, keyRecord } from "./auth.ts";
import type { RouteHarness } from "./routes.case.ts";
import { emptyTenantConfig } from "./tenant-config.ts";

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

    it("/healthz names no tenant", async () => {
      await h.fetch("/v1/tenants/hard/recommendations", { method: "POST", headers: auth(keys.read, { "Content-Type": "application/json" }), body: "{}" });
      const text = await (await h.fetch("/healthz")).text();
      expect(text).not.toContain("hard");
    });
  });
}
