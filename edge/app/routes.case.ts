// The route suite of the edge API, run by every host: inside workerd (edge/worker/routes.workerd.test.ts) and on
// the Node host with a real redis-server (edge/node/routes.test.ts). A harness seeds the host's own stores.

import { beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { type Fixture, buildFixture, categoryName, replaced, truncated, withMaxElements } from "../testing/fixtures.ts";
import { generateKey, keyRecord } from "./auth.ts";
import { userVectorKey } from "./embedding-cache.ts";
import type { EventLine } from "./ports.ts";
import type { HnswWasmSource } from "../../shared/ann/wasm/loader.ts";
import { type TenantConfig, emptyTenantConfig } from "./tenant-config.ts";

export interface RouteHarness {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  putArtifact(tenant: string, version: string, files: Map<string, Uint8Array>): Promise<void>;
  putConfig(config: TenantConfig): Promise<void>;
  /** Publishes user vectors into the host's remote cache tier (KV / Redis). */
  putUserVectors(entries: [string, Float32Array][]): Promise<void>;
  readEvents(tenant: string): Promise<EventLine[]>;
  /** hnsw.wasm for this runtime: acme's versions carry index.hnsw (served by HNSW), globex's do not (exact). */
  hnsw: () => HnswWasmSource;
  /** Starts the host afresh over the same stores (a restart, a new isolate): nothing in memory survives. */
  reload?(): Promise<void>;
}

interface Keys {
  read: string;
  write: string;
  admin: string;
}

async function tenantWithKeys(tenant: string, active: string): Promise<{ config: TenantConfig; keys: Keys }> {
  const keys = { read: generateKey(), write: generateKey(), admin: generateKey() };
  const config = emptyTenantConfig(tenant);
  config.active = active;
  config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write"), await keyRecord(keys.admin, "admin")];
  return { config, keys };
}

export function routeSuite(host: string, makeHarness: () => Promise<RouteHarness>): void {
  describe(`edge routes on ${host}`, () => {
    let h: RouteHarness;
    let fx: Fixture;
    let acme: Keys;
    let globex: Keys;
    const auth = (key: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${key}`, ...extra });
    const post = (path: string, key: string, body: unknown) =>
      h.fetch(path, { method: "POST", headers: auth(key, { "Content-Type": "application/json" }), body: typeof body === "string" ? body : JSON.stringify(body) });
    const recs = async (body: unknown, key = acme.read) => {
      const res = await post("/v1/tenants/acme/recommendations", key, body);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { items: { id: string; score: number }[]; source: string; cacheHit: boolean; modelVersion: string; variant: string; latencyMs: number };
    };
    const cluster = (id: string) => fx.itemCluster[fx.itemIds.indexOf(id)];
    const expectError = async (res: Response, status: number, code?: string) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(typeof body.error.message).toBe("string");
      if (code) expect(body.error.code).toBe(code);
    };

    beforeAll(async () => {
      h = await makeHarness();
      fx = await buildFixture({ tenant: "acme", version: "v1", hnsw: h.hnsw() });
      await h.putArtifact("acme", "v1", fx.files);
      await h.putArtifact("acme", "v2", (await buildFixture({ tenant: "acme", version: "v2", seed: 11, hnsw: h.hnsw() })).files);
      const bad = await buildFixture({ tenant: "acme", version: "v3-truncated", seed: 12 });
      await h.putArtifact("acme", "v3-truncated", truncated(bad.files));
      const a = await tenantWithKeys("acme", "v1");
      acme = a.keys;
      await h.putConfig(a.config);
      const g = await tenantWithKeys("globex", "v1");
      globex = g.keys;
      await h.putConfig(g.config);
      await h.putArtifact("globex", "v1", (await buildFixture({ tenant: "globex", version: "v1", seed: 99 })).files);
      // user-0 … user-9 are in the remote cache; the rest only in the artifact's users.bin.
      await h.putUserVectors(
        fx.userIds.slice(0, 10).map((id, u) => [userVectorKey("acme", "v1", id), fx.userVectors.slice(u * fx.dim, (u + 1) * fx.dim)]),
      );
    });

    it("answers /healthz with the loaded models and their index", async () => {
      await recs({ userId: "user-1" });
      expect((await post("/v1/tenants/globex/recommendations", globex.read, { userId: "user-1" })).status).toBe(200);
      const res = await h.fetch("/healthz");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { ok: boolean; status: string; models: { loaded: number; indexes: Record<string, number> } };
      expect(body.ok).toBe(true);
      expect(body.status).toBe("ok");
      expect(body.models.loaded).toBeGreaterThanOrEqual(2);
      expect(body.models.indexes.hnsw).toBeGreaterThanOrEqual(1);
      expect(body.models.indexes.exact).toBeGreaterThanOrEqual(1);
    });

    it("personalizes a cached user: cache hit, count met, best first, the user's cluster on top", async () => {
      const r = await recs({ userId: "user-1", count: 10 });
      expect(r.source).toBe("personalized");
      expect(r.cacheHit).toBe(true);
      expect(r.modelVersion).toBe("v1");
      expect(r.items).toHaveLength(10);
      for (let i = 1; i < r.items.length; i++) expect(r.items[i - 1]!.score).toBeGreaterThanOrEqual(r.items[i]!.score);
      for (const it of r.items) expect(cluster(it.id)).toBe(fx.userCluster[1]);
    });

    it("personalizes a user found only in the artifact (no cache hit)", async () => {
      const r = await recs({ userId: "user-22", count: 5 });
      expect(r.source).toBe("personalized");
      expect(r.cacheHit).toBe(false);
      for (const it of r.items) expect(cluster(it.id)).toBe(fx.userCluster[22]);
    });

    it("gives an unknown user popular items, per category when filtered", async () => {
      const r = await recs({ userId: "stranger", count: 5 });
      expect(r.source).toBe("popular");
      expect(r.items.map((i) => i.id)).toEqual(fx.popular.slice(0, 5));
      const f = await recs({ count: 7, filters: { includeCategories: [categoryName(2)] } });
      expect(f.items).toHaveLength(7);
      for (const it of f.items) expect(cluster(it.id)).toBe(2);
    });

    it("takes events (202 after a durable write) and folds them in on the very next request", async () => {
      const seen = fx.itemIds.filter((_, r) => fx.itemCluster[r] === 3).slice(0, 3);
      const res = await post("/v1/tenants/acme/events", acme.write, seen.map((itemId, i) => ({ userId: "newbie", itemId, type: "view", ts: 1_700_000_000_000 + i })));
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: 3 });
      const log = (await h.readEvents("acme")).filter((e) => e.user_id === "newbie");
      expect(log.map((e) => e.item_id)).toEqual(seen);
      expect(log[0]).toEqual({ user_id: "newbie", item_id: seen[0], type: "view", timestamp: 1_700_000_000 });
      const r = await recs({ userId: "newbie", count: 10 });
      expect(r.source).toBe("fold-in");
      expect(r.cacheHit).toBe(false);
      expect(r.items).toHaveLength(10);
      for (const it of r.items) {
        expect(cluster(it.id)).toBe(3);
        expect(seen).not.toContain(it.id);
      }
      const withSeen = await recs({ userId: "newbie", count: 30, excludeSeen: false });
      expect(withSeen.items.map((i) => i.id)).toEqual(expect.arrayContaining(seen));
    });

    it("folds in recentItems sent in the body", async () => {
      const recent = fx.itemIds.filter((_, r) => fx.itemCluster[r] === 0).slice(0, 2);
      const r = await recs({ recentItems: [...recent, "no-such-item"], count: 6 });
      expect(r.source).toBe("fold-in");
      for (const it of r.items) expect(cluster(it.id)).toBe(0);
    });

    it("applies filters inside the search and still meets count", async () => {
      const r = await recs({ userId: "user-1", count: 20, filters: { excludeCategories: [categoryName(fx.userCluster[1]!)] } });
      expect(r.items).toHaveLength(20);
      for (const it of r.items) expect(cluster(it.id)).not.toBe(fx.userCluster[1]);
      const base = await recs({ userId: "user-1", count: 5 });
      const without = await recs({ userId: "user-1", count: 5, filters: { excludeIds: base.items.slice(0, 3).map((i) => i.id) } });
      expect(without.items).toHaveLength(5);
      expect(without.items.map((i) => i.id)).not.toContain(base.items[0]!.id);
      const only = await recs({ userId: "user-1", count: 5, filters: { includeCategories: [categoryName(0), categoryName(2)] } });
      for (const it of only.items) expect([0, 2]).toContain(cluster(it.id));
    });

    it("finds similar items from the index; unknown items are 404", async () => {
      const res = await h.fetch("/v1/tenants/acme/items/item-5/similar?count=4", { headers: auth(acme.read) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: { id: string }[] };
      expect(body.items).toHaveLength(4);
      for (const it of body.items) {
        expect(it.id).not.toBe("item-5");
        expect(cluster(it.id)).toBe(cluster("item-5"));
      }
      await expectError(await h.fetch("/v1/tenants/acme/items/nope/similar", { headers: auth(acme.read) }), 404, "unknown_item");
      await expectError(await h.fetch("/v1/tenants/acme/items/item-5/similar?count=1000", { headers: auth(acme.read) }), 400);
      await expectError(await h.fetch("/v1/tenants/acme/items/item-5/similar?count=abc", { headers: auth(acme.read) }), 400);
    });

    it("serves artifact files: immutable with ETag, the active manifest uncached, user files never", async () => {
      const res = await h.fetch("/v1/tenants/acme/artifacts/v1/items.bin", { headers: auth(acme.read) });
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes).toEqual(fx.files.get(ARTIFACT_FILES.items));
      const etag = res.headers.get("ETag")!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const again = await h.fetch("/v1/tenants/acme/artifacts/v1/items.bin", { headers: auth(acme.read, { "If-None-Match": etag }) });
      expect(again.status).toBe(304);
      const active = await h.fetch("/v1/tenants/acme/artifacts/active/manifest.json", { headers: auth(acme.read) });
      expect(active.status).toBe(200);
      expect(active.headers.get("Cache-Control")).toBe("no-cache");
      expect(((await active.json()) as { version: string }).version).toBe("v1");
      await expectError(await h.fetch("/v1/tenants/acme/artifacts/v1/users.bin", { headers: auth(acme.read) }), 403);
      await expectError(await h.fetch("/v1/tenants/acme/artifacts/v1/nothing.bin", { headers: auth(acme.read) }), 404);
      await expectError(await h.fetch("/v1/tenants/acme/artifacts/v9/items.bin", { headers: auth(acme.read) }), 404);
      await expectError(await h.fetch("/v1/tenants/acme/artifacts/v1/..%2Fsecret", { headers: auth(acme.read) }), 400);
      const pre = await h.fetch("/v1/tenants/acme/artifacts/v1/items.bin", { method: "OPTIONS", headers: { Origin: "http://shop.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } });
      expect(pre.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(pre.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
    });

    it("answers the seed contract POST /internal/ml/recommendations", async () => {
      const res = await post("/internal/ml/recommendations", acme.read, { tenant_id: "acme", user_id: "user-2", count: 3, filters: { exclude_ids: ["item-2"] } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { recommendations: { item_id: string }[]; model_version: string; latency_ms: number; cache_hit: boolean };
      expect(body.recommendations).toHaveLength(3);
      expect(body.model_version).toBe("v1");
      expect(body.cache_hit).toBe(true);
      expect(body.recommendations.map((r) => r.item_id)).not.toContain("item-2");
      await expectError(await post("/internal/ml/recommendations", globex.read, { tenant_id: "acme", count: 3 }), 403);
    });

    it("refuses bad input with 4xx JSON, never 5xx", async () => {
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, "{not json"), 400, "bad_json");
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, { userId: 42 }), 400, "bad_request");
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, { count: 1_000_000 }), 400);
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, { count: 0 }), 400);
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, { count: 2.5 }), 400);
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, { filters: { excludeIds: "x" } }), 400);
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, { variant: "nope" }), 400, "unknown_variant");
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, []), 400);
      await expectError(await post("/v1/tenants/nobody/recommendations", acme.read, {}), 403, "forbidden");
      await expectError(await post("/v1/tenants/bad%20tenant/recommendations", acme.read, {}), 400, "bad_tenant");
      await expectError(await post("/v1/tenants/acme/recommendations", acme.read, { userId: "x".repeat(300_000) }), 413, "body_too_large");
      await expectError(await post("/v1/tenants/acme/events", acme.write, []), 400);
      await expectError(await post("/v1/tenants/acme/events", acme.write, [{ userId: "u", itemId: "i" }]), 400);
      await expectError(await post("/v1/tenants/acme/events", acme.write, [{ userId: "u", itemId: "i", type: "view", ts: "yesterday" }]), 400);
      const many = Array.from({ length: 501 }, () => ({ userId: "u", itemId: "i", type: "view" }));
      await expectError(await post("/v1/tenants/acme/events", acme.write, many), 400);
      await expectError(await h.fetch("/v1/nothing-here"), 404, "not_found");
      await expectError(await post("/internal/ml/recommendations", acme.read, { tenant_id: "acme", count: "ten" }), 400);
    });

    it("checks keys: 401 without one, 403 with another tenant's key on every route, roles enforced", async () => {
      await expectError(await h.fetch("/v1/tenants/acme/recommendations", { method: "POST", body: "{}" }), 401);
      await expectError(await post("/v1/tenants/acme/recommendations", "erk_made_up", {}), 403);
      const before = (await h.readEvents("acme")).length;
      const probes: [string, string, unknown?][] = [
        ["POST", "/v1/tenants/acme/recommendations", { userId: "user-1" }],
        ["GET", "/v1/tenants/acme/items/item-1/similar"],
        ["POST", "/v1/tenants/acme/events", [{ userId: "spy", itemId: "item-1", type: "view" }]],
        ["GET", "/v1/tenants/acme/artifacts/v1/items.bin"],
        ["GET", "/v1/tenants/acme/artifacts/active/manifest.json"],
        ["POST", "/v1/tenants/acme/versions/v2/activate"],
        ["POST", "/internal/ml/recommendations", { tenant_id: "acme", user_id: "user-1" }],
      ];
      for (const key of [globex.read, globex.write, globex.admin]) {
        for (const [method, path, body] of probes) {
          const res = await h.fetch(path, { method, headers: auth(key), body: body === undefined ? undefined : JSON.stringify(body) });
          expect(res.status, `${method} ${path}`).toBe(403);
        }
      }
      expect((await h.readEvents("acme")).length).toBe(before);
      expect((await recs({ userId: "spy", count: 3 })).source).toBe("popular");
      // globex's own key works on globex.
      const own = await post("/v1/tenants/globex/recommendations", globex.read, { userId: "user-1" });
      expect(own.status).toBe(200);
      // A publishable (read) key sends one visitor's events; bulk (several users, or more than 50) needs a write key.
      const visitor = "v:" + "ab".repeat(16);
      expect((await post("/v1/tenants/acme/events", acme.read, [{ userId: visitor, itemId: "item-1", type: "view" }])).status).toBe(202);
      await expectError(await post("/v1/tenants/acme/events", acme.read, [{ userId: "a", itemId: "item-1", type: "view" }, { userId: "b", itemId: "item-1", type: "view" }]), 403);
      const burst = Array.from({ length: 51 }, () => ({ userId: visitor, itemId: "item-1", type: "view" }));
      await expectError(await post("/v1/tenants/acme/events", acme.read, burst), 403);
      await expectError(await post("/v1/tenants/acme/versions/v2/activate", acme.write, {}), 403);
    });

    it("activates a new version without a restart, refuses a truncated one, and rolls back", async () => {
      const act = await post("/v1/tenants/acme/versions/v2/activate", acme.admin, {});
      expect(act.status, await act.clone().text()).toBe(200);
      expect(await act.json()).toMatchObject({ active: "v2", previous: "v1" });
      expect((await recs({ userId: "stranger" })).modelVersion).toBe("v2");
      const bad = await post("/v1/tenants/acme/versions/v3-truncated/activate", acme.admin, {});
      await expectError(bad, 422, "bad_artifact");
      const still = await recs({ userId: "user-1", count: 5 });
      expect(still.modelVersion).toBe("v2");
      expect(still.items).toHaveLength(5);
      await expectError(await post("/v1/tenants/acme/versions/v404/activate", acme.admin, {}), 404, "unknown_version");
      // A config pointed at the corrupt version behind the API's back: the last good version keeps answering.
      await h.putConfig({ ...(await currentKeys()), active: "v3-truncated", previous: "v2" });
      const after = await recs({ userId: "user-3", count: 4 });
      expect(after.modelVersion).toBe("v2");
      const back = await post("/v1/tenants/acme/versions/v1/activate", acme.admin, {});
      expect(back.status).toBe(200);
      expect((await recs({ userId: "user-1" })).modelVersion).toBe("v1");
    });

    it("takes an admin's upload file by file, seals it with the manifest, and activates it after verification", async () => {
      const up = await buildFixture({ tenant: "acme", version: "v9-upload", seed: 21 });
      const put = (key: string, version: string, name: string, bytes: Uint8Array) =>
        h.fetch(`/v1/tenants/acme/artifacts/${version}/${name}`, { method: "PUT", headers: auth(key, { "Content-Type": "application/octet-stream" }), body: bytes as Uint8Array<ArrayBuffer> });
      const items = up.files.get(ARTIFACT_FILES.items)!;
      await expectError(await put(acme.write, "v9-upload", ARTIFACT_FILES.items, items), 403);
      await expectError(await put(globex.admin, "v9-upload", ARTIFACT_FILES.items, items), 403);
      await expectError(await put(acme.admin, "v9-upload", ".hidden", items), 400, "bad_file");
      const wrong = new TextEncoder().encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(up.files.get(ARTIFACT_FILES.manifest)!)), version: "v8" }));
      await expectError(await put(acme.admin, "v9-upload", ARTIFACT_FILES.manifest, wrong), 400, "bad_manifest");
      const order = [...up.files.keys()].filter((n) => n !== ARTIFACT_FILES.manifest);
      for (const name of [...order, ARTIFACT_FILES.manifest]) {
        const res = await put(acme.admin, "v9-upload", name, up.files.get(name)!);
        expect(res.status, `${name}: ${await res.clone().text()}`).toBe(201);
      }
      await expectError(await put(acme.admin, "v9-upload", ARTIFACT_FILES.items, items), 409, "version_sealed");
      await expectError(await put(acme.admin, "v1", ARTIFACT_FILES.items, items), 409, "version_sealed");
      const act = await post("/v1/tenants/acme/versions/v9-upload/activate", acme.admin, {});
      expect(act.status, await act.clone().text()).toBe(200);
      expect((await recs({ userId: "stranger" })).modelVersion).toBe("v9-upload");
      // An upload with a corrupt file is refused at activation; the active version keeps answering.
      const bad = await buildFixture({ tenant: "acme", version: "v9-bad", seed: 22 });
      for (const [name, bytes] of truncated(bad.files)) if (name !== ARTIFACT_FILES.manifest) await put(acme.admin, "v9-bad", name, bytes);
      await put(acme.admin, "v9-bad", ARTIFACT_FILES.manifest, bad.files.get(ARTIFACT_FILES.manifest)!);
      await expectError(await post("/v1/tenants/acme/versions/v9-bad/activate", acme.admin, {}), 422, "bad_artifact");
      expect((await recs({ userId: "stranger" })).modelVersion).toBe("v9-upload");
      await h.putConfig({ ...(await currentKeys()), active: "v1", previous: null });
    });

    it("assigns A/B variants by a stable hash, or as requested", async () => {
      const keys = await currentKeys();
      await h.putConfig({ ...keys, active: "v1", previous: null, variants: [{ name: "b", version: "v2", weight: 1 }, { name: "a", version: "v1", weight: 1 }] });
      const seen = new Map<string, string>();
      for (let u = 0; u < 20; u++) {
        const r = await recs({ userId: `ab-${u}` });
        seen.set(r.variant, r.modelVersion);
        expect((await recs({ userId: `ab-${u}` })).variant).toBe(r.variant);
      }
      expect(seen.get("a")).toBe("v1");
      expect(seen.get("b")).toBe("v2");
      expect((await recs({ userId: "ab-0", variant: "b" })).modelVersion).toBe("v2");
      await h.putConfig({ ...keys, active: "v1", previous: null, variants: [] });
    });

    it("never gives a known user a training item (seen.bin), with or without excludeSeen; excludeSeen:false opts out", async () => {
      await h.putConfig({ ...(await currentKeys()), active: "v1", previous: null });
      for (let u = 0; u < fx.userIds.length; u++) {
        const userId = fx.userIds[u]!;
        const seen = new Set(fx.seen[u]);
        for (const body of [{ userId, count: 10 }, { userId, count: 10, excludeSeen: true }]) {
          const r = await recs(body);
          expect(r.source).toBe("personalized");
          expect(r.items).toHaveLength(10);
          expect(r.items.filter((i) => seen.has(i.id)), `${userId}`).toEqual([]);
        }
        const seed = await post("/internal/ml/recommendations", acme.read, { tenant_id: "acme", user_id: userId, count: 10 });
        expect(seed.status).toBe(200);
        const items = ((await seed.json()) as { recommendations: { item_id: string }[] }).recommendations.map((x) => x.item_id);
        expect(items).toHaveLength(10);
        expect(items.filter((id) => seen.has(id)), `seed route, ${userId}`).toEqual([]);
      }
      // The fixture's training items are each user's best-scoring ones: opting out gives them back first.
      const optOut = await recs({ userId: "user-5", count: 6, excludeSeen: false });
      expect(optOut.items.every((i) => fx.seen[5]!.includes(i.id))).toBe(true);
      // Recent events merge in: an item viewed now is left out too (on top of the training items).
      const top = (await recs({ userId: "user-6", count: 1 })).items[0]!.id;
      const after = await recs({ userId: "user-6", count: 10, recentItems: [top] });
      expect(after.items.map((i) => i.id)).not.toContain(top);
      expect(after.items.filter((i) => fx.seen[6]!.includes(i.id))).toEqual([]);
    });

    it("does not serve seen.bin to clients", async () => {
      await expectError(await h.fetch("/v1/tenants/acme/artifacts/v1/seen.bin", { headers: auth(acme.read) }), 403);
      await expectError(await h.fetch("/v1/tenants/acme/artifacts/v1/seen.bin", { headers: auth(acme.admin) }), 403);
    });

    it("refuses a crafted index.hnsw (max_elements 2^62+1) at activation and keeps serving; bounds one claiming 9,000,000", async () => {
      await h.putConfig({ ...(await currentKeys()), active: "v1", previous: null });
      const small = await buildFixture({ tenant: "acme", version: "v-huge", items: 20, seed: 31, hnsw: h.hnsw() });
      await h.putArtifact("acme", "v-huge", await replaced(small.files, ARTIFACT_FILES.index, withMaxElements(small.files, 2n ** 62n + 1n)));
      const bad = await post("/v1/tenants/acme/versions/v-huge/activate", acme.admin, {});
      await expectError(bad, 422, "bad_artifact");
      for (let i = 0; i < 5; i++) {
        const r = await recs({ userId: `user-${i}`, count: 5 });
        expect(r.modelVersion).toBe("v1");
        expect(r.items).toHaveLength(5);
      }
      const roomy = await buildFixture({ tenant: "acme", version: "v-roomy", items: 20, seed: 32, hnsw: h.hnsw() });
      await h.putArtifact("acme", "v-roomy", await replaced(roomy.files, ARTIFACT_FILES.index, withMaxElements(roomy.files, 9_000_000n)));
      const act = await post("/v1/tenants/acme/versions/v-roomy/activate", acme.admin, {});
      expect(act.status, await act.clone().text()).toBe(200);
      const served = await recs({ userId: "user-1", count: 5 });
      expect(served.modelVersion).toBe("v-roomy");
      expect(served.items).toHaveLength(5);
      // Counted by what it allocates, and bounded: 20 items get at most 20 + 5 + 1024 slots, not 9,000,000.
      const health = (await (await h.fetch("/healthz")).json()) as { models: { list: { version: string; bytes: number }[] } };
      const model = health.models.list.find((m) => m.version === "v-roomy")!;
      const record = 2 * 16 * 4 + 4 + 8 * 4 + 8;
      expect(model.bytes).toBeGreaterThanOrEqual(1049 * record);
      expect(model.bytes).toBeLessThan(2 * 2 ** 20);
      await h.putConfig({ ...(await currentKeys()), active: "v1", previous: null });
    });

    // The stored config of acme with the suite's keys (tests that rewrite config keep the keys).
    let acmeConfig: TenantConfig | null = null;
    async function currentKeys(): Promise<TenantConfig> {
      if (!acmeConfig) {
        const cfg = emptyTenantConfig("acme");
        cfg.keys = [await keyRecord(acme.read, "read"), await keyRecord(acme.write, "write"), await keyRecord(acme.admin, "admin")];
        acmeConfig = cfg;
      }
      return { ...acmeConfig, active: "v1" };
    }
  });
}
