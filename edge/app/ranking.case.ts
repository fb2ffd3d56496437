// The re-ranking and experiment suite of the edge API, run by every host (Node + Redis, workerd): ranking options
// per request and as tenant defaults, impressions feeding rotation (and never the user's history), experiments
// created, split and stopped through the admin routes, recommId on every list and on the logged events.

import { beforeAll, describe, expect, it } from "vitest";
import { type Fixture, buildFixture, categoryName } from "../testing/fixtures.ts";
import { generateKey, keyRecord } from "./auth.ts";
import { bucketOf, pickWeighted } from "../../shared/experiments/bucket.ts";
import type { Experiment } from "./experiments.ts";
import type { RouteHarness } from "./routes.case.ts";
import { type TenantConfig, emptyTenantConfig } from "./tenant-config.ts";

interface Recs {
  items: { id: string; score: number }[];
  source: string;
  variant: string;
  recommId: string;
  experiment?: string;
  modelVersion: string;
}

export function rankingSuite(host: string, makeHarness: () => Promise<RouteHarness>): void {
  describe(`ranking and experiments on ${host}`, () => {
    const T = "rankshop";
    let h: RouteHarness;
    let fx: Fixture;
    let config: TenantConfig;
    const keys = { read: generateKey(), write: generateKey(), admin: generateKey() };
    const send = (method: string, path: string, key: string, body?: unknown) =>
      h.fetch(path, { method, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const recs = async (body: unknown): Promise<Recs> => {
      const res = await send("POST", `/v1/tenants/${T}/recommendations`, keys.read, body);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Recs;
    };
    const cat = (id: string) => fx.itemCluster[fx.itemIds.indexOf(id)]!;
    const badField = async (body: unknown, field: string) => {
      const res = await send("POST", `/v1/tenants/${T}/recommendations`, keys.read, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(field);
    };

    beforeAll(async () => {
      h = await makeHarness();
      fx = await buildFixture({ tenant: T, version: "v1", hnsw: h.hnsw() });
      await h.putArtifact(T, "v1", fx.files);
      await h.putArtifact(T, "v2", (await buildFixture({ tenant: T, version: "v2", seed: 11, hnsw: h.hnsw() })).files);
      config = emptyTenantConfig(T);
      config.active = "v1";
      config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write"), await keyRecord(keys.admin, "admin")];
      await h.putConfig(config);
    });

    it("every list carries a recommId naming its experiment and variant", async () => {
      const r = await recs({ userId: "user-1", count: 5 });
      expect(r.recommId).toMatch(/^none\.default\.[0-9a-z]{16}$/);
      expect((await recs({ userId: "user-1", count: 5 })).recommId).not.toBe(r.recommId);
    });

    it("re-ranks per request: caps, boosts, diversity, minScore; count still met", async () => {
      const plain = await recs({ userId: "user-1", count: 8 });
      for (const it of plain.items) expect(cat(it.id)).toBe(fx.userCluster[1]);
      const capped = await recs({ userId: "user-1", count: 8, ranking: { maxPerCategory: 2 } });
      expect(capped.items).toHaveLength(8);
      const per = new Map<number, number>();
      for (const it of capped.items) per.set(cat(it.id), (per.get(cat(it.id)) ?? 0) + 1);
      expect([...per.values()].every((n) => n <= 2)).toBe(true);
      const other = (fx.userCluster[1]! + 1) % 4;
      const boosted = await recs({ userId: "user-1", count: 4, ranking: { boost: [{ if: { category: categoryName(other) }, by: 1 }] } });
      for (const it of boosted.items) expect(cat(it.id)).toBe(other);
      const diverse = await recs({ userId: "user-1", count: 8, ranking: { diversity: 0.9 } });
      expect(new Set(diverse.items.map((it) => cat(it.id))).size).toBeGreaterThan(1);
      const gated = await recs({ userId: "user-1", count: 8, ranking: { minScore: plain.items[2]!.score } });
      expect(gated.items.length).toBeLessThanOrEqual(3);
      const popular = await recs({ userId: "stranger", count: 6, ranking: { maxPerCategory: 1 } });
      expect(popular.source).toBe("popular");
      expect(new Set(popular.items.map((it) => cat(it.id))).size).toBe(popular.items.length);
    });

    it("applies tenant defaults, which a request overrides key by key", async () => {
      await h.putConfig({ ...config, ranking: { maxPerCategory: 1 } });
      try {
        const r = await recs({ userId: "user-1", count: 4 });
        expect(new Set(r.items.map((it) => cat(it.id))).size).toBe(4);
        const over = await recs({ userId: "user-1", count: 4, ranking: { maxPerCategory: 4 } });
        for (const it of over.items) expect(cat(it.id)).toBe(fx.userCluster[1]);
      } finally {
        await h.putConfig(config);
      }
    });

    it("refuses bad ranking values and unknown fields with 400 naming the field", async () => {
      await badField({ ranking: { diversity: 1.5 } }, "ranking.diversity");
      await badField({ ranking: { maxPerCategory: 0 } }, "ranking.maxPerCategory");
      await badField({ ranking: { boost: [{ if: { category: "sale" }, by: 3 }] } }, "ranking.boost.0.by");
      await badField({ ranking: { diversty: 0.5 } }, "diversty");
      await badField({ userId: "u", colour: "red" }, "colour");
      await badField({ filters: { includeCategory: ["x"] } }, "includeCategory");
      const ev = await send("POST", `/v1/tenants/${T}/events`, keys.write, [{ userId: "u", itemId: "item-1", type: "view", extra: 1 }]);
      expect(ev.status).toBe(400);
      expect(await ev.text()).toContain("extra");
    });

    it("impressions demote what a user was shown (rotation) and never count as the user's history", async () => {
      const first = await recs({ userId: "user-3", count: 4 });
      const shown = first.items.map((it) => ({ userId: "user-3", itemId: it.id, type: "impression", recommId: first.recommId }));
      // A known user's events come from the server (write key); a publishable key posts only for anonymous visitor ids.
      expect((await send("POST", `/v1/tenants/${T}/events`, keys.write, shown)).status).toBe(202);
      const log = (await h.readEvents(T)).filter((e) => e.user_id === "user-3");
      expect(log.map((e) => e.recomm_id)).toEqual(first.items.map(() => first.recommId));
      const rotated = await recs({ userId: "user-3", count: 4, ranking: { rotation: 1 } });
      for (const it of rotated.items) expect(first.items.map((x) => x.id)).not.toContain(it.id);
      // Without rotation, shown items are still recommendable: impressions are not interactions.
      expect((await recs({ userId: "user-3", count: 4 })).items.map((x) => x.id)).toEqual(first.items.map((x) => x.id));
      const shopper = "v:" + "5".repeat(32);
      const onlySeen = [{ userId: shopper, itemId: "item-1", type: "impression" }];
      expect((await send("POST", `/v1/tenants/${T}/events`, keys.read, onlySeen)).status).toBe(202);
      expect((await recs({ userId: shopper, count: 3 })).source).toBe("popular");
    });

    it("runs an experiment: admin-only, deterministic salted buckets, variant versions and ranking, stop", async () => {
      const body = { id: "exp1", variants: [{ name: "control", weight: 1 }, { name: "diverse", weight: 1, version: "v2", ranking: { diversity: 0.5 } }] };
      expect((await send("POST", `/v1/tenants/${T}/experiments`, keys.write, body)).status).toBe(403);
      const bad = await send("POST", `/v1/tenants/${T}/experiments`, keys.admin, { ...body, variants: [{ name: "a", weight: 1, version: "v9" }, { name: "b", weight: 1 }] });
      expect(bad.status).toBe(404);
      const created = await send("POST", `/v1/tenants/${T}/experiments`, keys.admin, body);
      expect(created.status).toBe(201);
      const exp = (await created.json()) as Experiment;
      expect(exp.status).toBe("running");
      expect((await send("POST", `/v1/tenants/${T}/experiments`, keys.admin, { ...body, id: "exp2" })).status).toBe(409);
      const seen = new Map<string, number>();
      for (let u = 0; u < 30; u++) {
        const userId = `user-${u}`;
        const r = await recs({ userId, count: 3 });
        const want = body.variants[pickWeighted(bucketOf(exp.salt, userId), [1, 1])]!.name;
        expect(r.variant).toBe(want);
        expect(r.experiment).toBe("exp1");
        expect(r.recommId.startsWith(`exp1.${want}.`)).toBe(true);
        expect(r.modelVersion).toBe(want === "diverse" ? "v2" : "v1");
        expect((await recs({ userId, count: 3 })).variant).toBe(want);
        seen.set(want, (seen.get(want) ?? 0) + 1);
      }
      expect(seen.size).toBe(2);
      const list = await send("GET", `/v1/tenants/${T}/experiments`, keys.admin);
      expect(((await list.json()) as { experiments: Experiment[] }).experiments.map((e) => e.id)).toEqual(["exp1"]);
      const stopped = await send("POST", `/v1/tenants/${T}/experiments/exp1/stop`, keys.admin);
      expect(stopped.status).toBe(200);
      expect(((await stopped.json()) as Experiment).status).toBe("stopped");
      expect((await send("POST", `/v1/tenants/${T}/experiments/exp1/stop`, keys.admin)).status).toBe(409);
      expect((await send("POST", `/v1/tenants/${T}/experiments/nope/stop`, keys.admin)).status).toBe(404);
      const after = await recs({ userId: "user-1", count: 3 });
      expect(after.variant).toBe("default");
      expect(after.experiment).toBeUndefined();
    });
  });
}
