// The new-user suite (issue #11's cold-start coverage), run by every host: inside workerd
// (edge/worker/cold-users.workerd.test.ts) and on the Node host (edge/node/cold-users.test.ts). A user the model does
// not know who sends attributes is served by the two-tower's cold-user head; on the fixture (two-tower-fixture.ts)
// the attribute `segment` = cat c maps to 4·e_c, so the right list is cluster c's items, best first, and the exact
// order is the brute-force top-k of the towers' own vector.

import { beforeAll, describe, expect, it } from "vitest";
import { type Fixture, buildFixture, categoryName } from "../testing/fixtures.ts";
import { SEGMENT, buildTwoTowerFixture } from "../testing/two-tower-fixture.ts";
import { loadTowers, type Towers } from "../../shared/features/towers.ts";
import { type UserAttributes, userMetaFromAttributes } from "../../shared/features/user-attributes.ts";
import { generateKey, keyRecord } from "./auth.ts";
import type { RouteHarness } from "./routes.case.ts";
import { emptyTenantConfig } from "./tenant-config.ts";

interface Recs {
  items: { id: string; score: number }[];
  source: string;
}

type TowerFixture = Awaited<ReturnType<typeof buildTwoTowerFixture>>;

export function coldUsersSuite(host: string, makeHarness: () => Promise<RouteHarness>): void {
  describe(`new users with attributes (cold-user head) on ${host}`, () => {
    let h: RouteHarness;
    let head: TowerFixture;
    let noFold: TowerFixture;
    let noHead: TowerFixture;
    let plain: Fixture;
    const towers: Record<string, Towers> = {};
    const keys = { read: generateKey(), write: generateKey() };
    const send = (method: string, path: string, body: unknown, key = keys.read) =>
      h.fetch(path, { method, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
    const recs = async (tenant: string, body: unknown): Promise<Recs> => {
      const res = await send("POST", `/v1/tenants/${tenant}/recommendations`, body);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Recs;
    };
    const ids = (r: Recs) => r.items.map((i) => i.id);
    const clusterOf = (fx: Fixture, id: string) => fx.itemCluster[fx.itemIds.indexOf(id)];
    const attrs = (c: number, age = 30): UserAttributes => ({ [SEGMENT]: categoryName(c), age });
    /** Brute force: the towers' vector for these attributes (and history rows), every item scored, best `k` kept. */
    const oracle = (tenant: string, fx: TowerFixture, a: UserAttributes, k: number, history: number[] = [], skip = new Set<string>()) => {
      const t = towers[tenant]!;
      const hist = new Float32Array(history.length * fx.dim);
      history.forEach((r, j) => hist.set(fx.itemVector(r), j * fx.dim));
      const v = t.userVector(hist, history.length, userMetaFromAttributes(a, t.spec));
      return fx.itemIds
        .map((id, r) => ({ id, s: fx.itemVector(r).reduce((acc, x, d) => acc + x * v[d]!, 0) }))
        .filter((x) => !skip.has(x.id))
        .sort((x, y) => y.s - x.s)
        .slice(0, k)
        .map((x) => x.id);
    };
    const expectError = async (res: Response, status: number, code: string) => {
      const text = await res.text();
      expect(res.status, text).toBe(status);
      expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
    };

    beforeAll(async () => {
      h = await makeHarness();
      head = await buildTwoTowerFixture({ tenant: "coldshop", version: "c1", hnsw: h.hnsw(), coldUserHead: true });
      noFold = await buildTwoTowerFixture({ tenant: "coldnofold", version: "c1", hnsw: h.hnsw(), coldUserHead: true, noFoldIn: true });
      noHead = await buildTwoTowerFixture({ tenant: "nohead", version: "c1", hnsw: h.hnsw() });
      plain = await buildFixture({ tenant: "plainshop", version: "c1", hnsw: h.hnsw() });
      const records = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write")];
      for (const [tenant, fx] of [["coldshop", head], ["coldnofold", noFold], ["nohead", noHead], ["plainshop", plain]] as const) {
        await h.putArtifact(tenant, "c1", fx.files);
        await h.putConfig({ ...emptyTenantConfig(tenant), active: "c1", keys: records });
        if ("modelFiles" in fx) towers[tenant] = loadTowers((n) => fx.modelFiles.get(n));
      }
    }, 120_000);

    it("an unknown user with attributes gets the cold-user head's list: the right cluster, in the exact order, different per segment", async () => {
      const lists: string[][] = [];
      for (let c = 0; c < 4; c++) {
        const r = await recs("coldshop", { userId: `visitor-${c}`, attributes: attrs(c), count: 5 });
        expect(r.source).toBe("cold-user");
        expect(ids(r)).toEqual(oracle("coldshop", head, attrs(c), 5));
        expect(ids(r).every((id) => clusterOf(head, id) === c)).toBe(true);
        lists.push(ids(r));
      }
      expect(new Set(lists.flat()).size).toBe(20);
      // Anonymous (no userId), attributes as the client has them: a numeric string for a number column, a list.
      const anon = await recs("coldshop", { attributes: { [SEGMENT]: [categoryName(2)], age: "61", zip: 85711 }, count: 5 });
      expect(anon.source).toBe("cold-user");
      expect(ids(anon)).toEqual(oracle("coldshop", head, { [SEGMENT]: [categoryName(2)], age: 61, zip: 85711 }, 5));
      // The number column moves the list: age changes the vector along the last axis (the fixture's head).
      expect(towers.coldshop!.userVector(new Float32Array(0), 0, userMetaFromAttributes(attrs(2, 61), towers.coldshop!.spec))[7]).not.toBe(
        towers.coldshop!.userVector(new Float32Array(0), 0, userMetaFromAttributes(attrs(2, 20), towers.coldshop!.spec))[7],
      );
    });

    it("never returns excluded items: excludeIds, excluded categories, recent items; count is still met", async () => {
      const top = oracle("coldshop", head, attrs(1), 3);
      const r = await recs("coldshop", { userId: "visitor-x", attributes: attrs(1), count: 10, filters: { excludeIds: top } });
      expect(r.source).toBe("cold-user");
      expect(r.items).toHaveLength(10);
      expect(ids(r).filter((id) => top.includes(id))).toEqual([]);
      expect(ids(r)).toEqual(oracle("coldshop", head, attrs(1), 10, [], new Set(top)));
      const other = await recs("coldshop", { attributes: attrs(1), count: 10, filters: { excludeCategories: [categoryName(1)] } });
      expect(other.source).toBe("cold-user");
      expect(other.items).toHaveLength(10);
      expect(ids(other).some((id) => clusterOf(head, id) === 1)).toBe(false);
      // Recent items on a model without fold-in: the user tower pools them with the attributes; they never come back.
      const recent = noFold.itemIds.filter((_, r) => noFold.itemCluster[r] === 3).slice(0, 4);
      const rows = recent.map((id) => noFold.itemIds.indexOf(id));
      const withHistory = await recs("coldnofold", { userId: "visitor-h", attributes: attrs(3), recentItems: recent, count: 8 });
      expect(withHistory.source).toBe("cold-user");
      expect(ids(withHistory).filter((id) => recent.includes(id))).toEqual([]);
      expect(ids(withHistory)).toEqual(oracle("coldnofold", noFold, attrs(3), 8, rows, new Set(recent)));
      // The same through the event log: an anonymous visitor's events (the widget's id, a publishable key) are
      // history the next request folds in.
      const visitor = `v:${"0123456789abcdef".repeat(2)}`;
      const ev = await send("POST", "/v1/tenants/coldnofold/events", recent.map((itemId) => ({ userId: visitor, itemId, type: "view" })));
      expect(ev.status, await ev.clone().text()).toBe(202);
      const fromEvents = await recs("coldnofold", { userId: visitor, attributes: attrs(3), count: 8 });
      expect(fromEvents.source).toBe("cold-user");
      expect(ids(fromEvents)).toEqual(ids(withHistory));
    });

    it("a known user keeps their trained vector, and a history folds in first where the model can, attributes or not", async () => {
      const known = await recs("coldshop", { userId: "user-1", attributes: attrs(3), count: 5 });
      expect(known.source).toBe("personalized");
      expect(ids(known).every((id) => clusterOf(head, id) === 1)).toBe(true);
      const folded = await recs("coldshop", { userId: "visitor-f", attributes: attrs(3), recentItems: [head.itemIds[2]!], count: 5 });
      expect(folded.source).toBe("fold-in");
      // No attributes (or an empty object): as before.
      expect((await recs("coldshop", { userId: "visitor-n", count: 5 })).source).toBe("popular");
      expect((await recs("coldshop", { userId: "visitor-n", attributes: {}, count: 5 })).source).toBe("popular");
    });

    it("a model without the cold-user head, or without towers, serves new users popular items as before", async () => {
      for (const tenant of ["nohead", "plainshop"]) {
        const before = await recs(tenant, { userId: "visitor-p", count: 10 });
        const withAttrs = await recs(tenant, { userId: "visitor-p", attributes: attrs(2), count: 10 });
        expect(before.source).toBe("popular");
        expect(withAttrs.source).toBe("popular");
        expect(ids(withAttrs)).toEqual(ids(before));
      }
    });

    it("refuses invalid or oversized attributes with 400 JSON", async () => {
      const bad = (attributes: unknown) => send("POST", "/v1/tenants/coldshop/recommendations", { attributes, count: 5 });
      await expectError(await bad([1, 2]), 400, "bad_request");
      await expectError(await bad("segment=cat1"), 400, "bad_request");
      await expectError(await bad({ segment: { nested: 1 } }), 400, "bad_request");
      await expectError(await bad({ segment: null }), 400, "bad_request");
      await expectError(await bad({ segment: "" }), 400, "bad_request");
      await expectError(await bad({ segment: "x".repeat(129) }), 400, "bad_request");
      await expectError(await bad({ segment: Array.from({ length: 17 }, (_, i) => `v${i}`) }), 400, "bad_request");
      await expectError(await bad({ ["k".repeat(65)]: 1 }), 400, "bad_request");
      await expectError(await bad({ "": 1 }), 400, "bad_request");
      await expectError(await bad(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`a${i}`, i]))), 400, "bad_request");
      await expectError(await send("POST", "/v1/tenants/coldshop/recommendations", '{"attributes":{"age":NaN}}'), 400, "bad_json");
      const res = await bad({ segment: { nested: 1 } });
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^attributes\.segment: /);
    });
  });
}
