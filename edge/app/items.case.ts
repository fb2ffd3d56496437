// The live catalogue suite (PUT / DELETE /v1/tenants/{t}/items/{id}), run by every host: inside workerd
// (edge/worker/items.workerd.test.ts, overlay in R2) and on the Node host (edge/node/items.test.ts, overlay in the
// state dir). On the synthetic fixture a user of cluster c ranks an item with vector 3·e_c above every trained item,
// so "the next request returns it" has one right answer.

import { beforeAll, describe, expect, it } from "vitest";
import { type Fixture, buildFixture, categoryName } from "../testing/fixtures.ts";
import { generateKey, keyRecord } from "./auth.ts";
import type { RouteHarness } from "./routes.case.ts";
import { type TenantConfig, emptyTenantConfig } from "./tenant-config.ts";
import { buildTwoTowerFixture } from "../testing/two-tower-fixture.ts";
import { loadTowers } from "../../shared/features/towers.ts";

interface Recs {
  items: { id: string; score: number }[];
  source: string;
  modelVersion: string;
}

export function itemsSuite(host: string, makeHarness: () => Promise<RouteHarness>): void {
  describe(`live catalogue (item PUT / DELETE) on ${host}`, () => {
    const T = "itemshop";
    let h: RouteHarness;
    let fx: Fixture;
    let config: TenantConfig;
    let towerFx: Awaited<ReturnType<typeof buildTwoTowerFixture>>;
    const keys = { read: generateKey(), write: generateKey(), admin: generateKey() };
    const send = (method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) =>
      h.fetch(path, {
        method,
        headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
    const put = (id: string, body: unknown, key = keys.write) => send("PUT", `/v1/tenants/${T}/items/${encodeURIComponent(id)}`, key, body);
    const del = (id: string, key = keys.write) => send("DELETE", `/v1/tenants/${T}/items/${encodeURIComponent(id)}`, key);
    const recs = async (body: unknown): Promise<Recs> => {
      const res = await send("POST", `/v1/tenants/${T}/recommendations`, keys.read, body);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Recs;
    };
    const ids = (r: Recs) => r.items.map((i) => i.id);
    const similar = (id: string) => send("GET", `/v1/tenants/${T}/items/${encodeURIComponent(id)}/similar?count=10`, keys.read);
    const expectError = async (res: Response, status: number, code: string) => {
      const text = await res.text();
      expect(res.status, text).toBe(status);
      expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
    };
    /** 3·e_c: for a user of cluster c, above every trained item (whose cluster coordinate is at most 1). */
    const strong = (c: number, scale = 3) => Array.from({ length: fx.dim }, (_, d) => (d === c ? scale : 0));

    beforeAll(async () => {
      h = await makeHarness();
      fx = await buildFixture({ tenant: T, version: "v1", hnsw: h.hnsw() });
      await h.putArtifact(T, "v1", fx.files);
      await h.putArtifact(T, "v2", (await buildFixture({ tenant: T, version: "v2", seed: 11, hnsw: h.hnsw() })).files);
      config = emptyTenantConfig(T);
      config.active = "v1";
      config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write"), await keyRecord(keys.admin, "admin")];
      await h.putConfig(config);
      towerFx = await buildTwoTowerFixture({ tenant: "towershop", version: "t1", hnsw: h.hnsw() });
      await h.putArtifact("towershop", "t1", towerFx.files);
      await h.putConfig({ ...config, tenant: "towershop", active: "t1" });
    }, 120_000);

    it("a PUT item with an explicit vector is returned by the next matching request, and by similar items", async () => {
      const before = await recs({ userId: "user-1", count: 5 });
      expect(ids(before)).not.toContain("new-1");
      const res = await put("new-1", { title: "New one", categories: [categoryName(1)], price: 12.5, image: "https://cdn.example/n1.jpg", vector: strong(1) });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(await res.json()).toMatchObject({ id: "new-1", created: true, method: "explicit", modelVersion: "v1", dim: fx.dim });
      const after = await recs({ userId: "user-1", count: 5 });
      expect(after.source).toBe("personalized");
      expect(ids(after)[0]).toBe("new-1");
      // A user of another cluster is not handed it first.
      expect(ids(await recs({ userId: "user-2", count: 3 }))).not.toContain("new-1");
      const sim = await similar("new-1");
      expect(sim.status).toBe(200);
      const simIds = ((await sim.json()) as { items: { id: string }[] }).items.map((i) => i.id);
      expect(simIds.every((id) => fx.itemCluster[fx.itemIds.indexOf(id)] === 1)).toBe(true);
    });

    it("a PUT without a vector gets a content vector from its categories; a filter on a new category finds it", async () => {
      const res = await put("fresh-1", { title: "Fresh", categories: [categoryName(2), "fresh"] });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(((await res.json()) as { method: string }).method).toBe("content");
      const personal = await recs({ userId: "user-2", count: 5, filters: { includeCategories: ["fresh"] } });
      expect(ids(personal)).toEqual(["fresh-1"]);
      const cold = await recs({ count: 5, filters: { includeCategories: ["fresh"] } });
      expect(cold.source).toBe("popular");
      expect(ids(cold)).toEqual(["fresh-1"]);
      // Popular lists without filters still fill `count` with known items.
      expect((await recs({ count: 20 })).items).toHaveLength(20);
    });

    it("a two-tower model embeds a PUT item with its item tower (the kernel equal to tfjs), and serves it", async () => {
      const meta = { title: "Trail runner shoe", categories: ["shoes", "outdoor"], price: 35, numbers: { weight: 300 } };
      const res = await send("PUT", "/v1/tenants/towershop/items/tt-1", keys.write, meta);
      expect(res.status, await res.clone().text()).toBe(201);
      expect(await res.json()).toMatchObject({ method: "tower", ignoredNumbers: ["weight"] });
      const want = loadTowers((n) => towerFx.modelFiles.get(n)).itemVector({ title: meta.title, categories: meta.categories, numbers: { weight: 300, price: 35 } });
      // The item nearest to its own vector is itself: the edge stored exactly the tower's vector.
      const r = await send("POST", "/v1/tenants/towershop/recommendations", keys.read, { count: 1, filters: { includeCategories: ["shoes"] } });
      expect(((await r.json()) as Recs).items.map((i) => i.id)).toEqual(["tt-1"]);
      const sim = (await (await send("GET", "/v1/tenants/towershop/items/tt-1/similar?count=3", keys.read)).json()) as { items: { id: string; score: number }[] };
      const best = towerFx.itemIds
        .map((id, row) => ({ id, score: towerFx.itemVector(row).reduce((s, x, d) => s + x * want[d]!, 0) }))
        .sort((a, b) => b.score - a.score);
      expect(sim.items[0]!.id).toBe(best[0]!.id);
      expect(sim.items[0]!.score).toBeCloseTo(best[0]!.score, 4);
    });

    it("a PUT of an id the edge cannot embed (no tower, no known category) asks for a vector", async () => {
      await expectError(await put("orphan", { title: "Orphan", categories: ["nowhere"] }), 422, "cannot_embed");
    });

    it("a PUT of a known id replaces its metadata, and its vector when one is given", async () => {
      const known = fx.itemIds[5]!;
      const res = await put(known, { title: "Renamed", categories: [categoryName(fx.itemCluster[5]!), "promo"] });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ created: false, method: "kept" });
      expect(ids(await recs({ count: 5, filters: { includeCategories: ["promo"] } }))).toEqual([known]);
      const moved = await put("new-1", { title: "New one", categories: [categoryName(1)], vector: strong(3) });
      expect(moved.status).toBe(200);
      expect(ids(await recs({ userId: "user-1", count: 5 }))).not.toContain("new-1");
      expect(ids(await recs({ userId: "user-3", count: 5 }))[0]).toBe("new-1");
    });

    it("DELETE hides an item from ranked, popular, filtered and similar lists; it is idempotent", async () => {
      const top = ids(await recs({ userId: "user-3", count: 3 }));
      expect(top[0]).toBe("new-1");
      const victim = top[1]!;
      expect((await del("new-1")).status).toBe(200);
      expect((await del(victim)).status).toBe(200);
      const again = await del(victim);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ id: victim, deleted: true });
      const after = ids(await recs({ userId: "user-3", count: 20 }));
      expect(after).not.toContain("new-1");
      expect(after).not.toContain(victim);
      expect(ids(await recs({ count: 100 }))).not.toContain(victim);
      expect(ids(await recs({ userId: "user-3", count: 40, filters: { includeCategories: [categoryName(3)] } }))).not.toContain(victim);
      await expectError(await similar("new-1"), 404, "unknown_item");
      for (const id of fx.itemIds.filter((_, r) => fx.itemCluster[r] === 3).slice(0, 3)) {
        const sim = (await (await similar(id)).json()) as { items: { id: string }[] };
        expect(sim.items.map((i) => i.id)).not.toContain(victim);
      }
      await expectError(await del("never-was"), 404, "unknown_item");
      // A PUT brings a deleted item back.
      expect((await put("new-1", { title: "New one", categories: [categoryName(3)], vector: strong(3) })).status).toBe(200);
      expect(ids(await recs({ userId: "user-3", count: 5 }))[0]).toBe("new-1");
    });

    it("refuses bad input with 4xx JSON: key, tenant, vector, body, id", async () => {
      const long = "x".repeat(300);
      await expectError(await put("a", { vector: strong(1) }, keys.read), 403, "forbidden");
      await expectError(await del("new-1", keys.read), 403, "forbidden");
      await expectError(await send("PUT", `/v1/tenants/${T}/items/a`, null, { vector: strong(1) }), 401, "unauthorized");
      await expectError(await send("PUT", `/v1/tenants/nosuchshop/items/a`, keys.write, { vector: strong(1) }), 403, "forbidden");
      await expectError(await put("a", { vector: [1, 2, 3] }), 400, "bad_vector");
      await expectError(await put("a", `{"vector":[${strong(1).slice(1).join(",")},NaN]}`), 400, "bad_json");
      await expectError(await put("a", { vector: strong(1, 1e39) }), 400, "bad_vector");
      await expectError(await put("a", { vector: [...strong(1).slice(1), "x"] }), 400, "bad_request");
      await expectError(await put("a", { title: "A", colour: "red" }), 400, "bad_request");
      await expectError(await put("a", { title: "A", image: "javascript:alert(1)", vector: strong(1) }), 400, "bad_request");
      await expectError(await put(long, { vector: strong(1) }), 400, "bad_item_id");
      const huge = JSON.stringify({ title: "x".repeat(70_000) });
      await expectError(await put("a", huge), 413, "body_too_large");
      // The key is checked before the body is read: a read key with a huge body is 403, not 413.
      await expectError(await put("a", huge, keys.read), 403, "forbidden");
      expect(ids(await recs({ count: 100 }))).not.toContain("a");
    });

    it("a restart (new isolate / process) re-applies the stored changes", async () => {
      if (!h.reload) return;
      const deletedBefore = ids(await recs({ userId: "user-3", count: 20 }));
      await h.reload();
      const r = await recs({ userId: "user-3", count: 20 });
      expect(ids(r)).toEqual(deletedBefore);
      expect(ids(r)[0]).toBe("new-1");
      expect(ids(await recs({ count: 5, filters: { includeCategories: ["fresh"] } }))).toEqual(["fresh-1"]);
      expect(ids(await recs({ count: 5, filters: { includeCategories: ["promo"] } }))).toEqual([fx.itemIds[5]]);
    });

    it("another model version applies the overlay too: deletes and metadata as stored, new items embedded again", async () => {
      const victim = ids(await recs({ userId: "user-3", count: 3 }))[1]!;
      expect((await del(victim)).status).toBe(200);
      await h.putConfig({ ...config, active: "v2", previous: "v1" });
      const v2 = await recs({ userId: "user-3", count: 100 });
      expect(v2.modelVersion).toBe("v2");
      expect(ids(v2)).not.toContain(victim);
      // fresh-1 had a content vector: v2 computes its own from the same categories.
      expect(ids(await recs({ count: 5, filters: { includeCategories: ["fresh"] } }))).toEqual(["fresh-1"]);
      // new-1's explicit vector was for v1's space: v2 embeds it from its categories (cluster 3) instead.
      expect(ids(v2)).toContain("new-1");
      await h.putConfig(config);
    });
  });
}
