// The live catalogue suite on the Node host: item overlay in the state dir, restart = a new host on the same dir.
// Plus two hosts on one state dir (two processes): a change made on one is served by the other after its overlay
// check, and concurrent PUTs on both never lose an acknowledged change (compare-and-swap on the overlay file).

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { itemsSuite } from "../app/items.case.ts";
import { generateKey, keyRecord } from "../app/auth.ts";
import { emptyTenantConfig } from "../app/tenant-config.ts";
import { buildFixture } from "../testing/fixtures.ts";
import { nodeHostHarness } from "../testing/node-host-harness.ts";
import { FsConfigStore, writeFileAtomic } from "./fs-stores.ts";
import { hnswModuleNode } from "./hnsw.ts";
import { createNodeHost } from "./server.ts";
import { artifactPath } from "./state-layout.ts";
import { FsItemOverlayStore } from "./fs-item-overlay.ts";
import { decodeOverlay } from "../app/item-overlay.ts";

itemsSuite("node + redis", nodeHostHarness("edgerec-items-"));

describe("item changes across two Node hosts on one state dir", () => {
  let dir = "";
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a PUT on one host is served by the other after its check; concurrent PUTs on both all land", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "edgerec-items2-"));
    const fx = await buildFixture({ tenant: "duo", version: "v1", hnsw: hnswModuleNode() });
    for (const [name, bytes] of fx.files) await writeFileAtomic(artifactPath(dir, "duo", "v1", name), bytes);
    const keys = { read: generateKey(), write: generateKey() };
    const config = emptyTenantConfig("duo");
    config.active = "v1";
    config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.write, "write")];
    await new FsConfigStore(dir).put(config);
    const [a, b] = [0, 1].map(() => createNodeHost({ stateDir: dir, configTtlMs: 0, itemOverlayTtlMs: 0 }));
    const call = (host: typeof a, method: string, p: string, key: string, body: unknown) =>
      host!.app.fetch(new Request(`http://edge.test${p}`, { method, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) }));
    const top = async (host: typeof a) =>
      ((await (await call(host, "POST", "/v1/tenants/duo/recommendations", keys.read, { userId: "user-1", count: 3 })).json()) as { items: { id: string }[] }).items.map((i) => i.id);
    expect(await top(b)).not.toContain("n-a");
    const vector = Array.from({ length: fx.dim }, (_, d) => (d === 1 ? 3 : 0));
    expect((await call(a, "PUT", "/v1/tenants/duo/items/n-a", keys.write, { vector })).status).toBe(201);
    expect((await top(b))[0]).toBe("n-a");
    expect((await call(b, "DELETE", "/v1/tenants/duo/items/n-a", keys.write, {})).status).toBe(200);
    expect(await top(a)).not.toContain("n-a");

    // Every acknowledged PUT is stored and served by both; one that loses too many races says so (409), never 5xx.
    const puts = Array.from({ length: 16 }, (_, i) => call(i % 2 ? a : b, "PUT", `/v1/tenants/duo/items/c-${i}`, keys.write, { vector, categories: ["duo"] }));
    const statuses = (await Promise.all(puts)).map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const acked = statuses.map((s, i) => (s === 201 ? `c-${i}` : null)).filter((x) => x !== null).sort();
    expect(acked.length).toBeGreaterThan(8);
    const stored = decodeOverlay((await new FsItemOverlayStore(dir).get("duo"))!.bytes, "duo");
    expect(stored.records.filter((r) => r.id.startsWith("c-")).map((r) => r.id).sort()).toEqual(acked);
    for (const host of [a, b]) {
      const r = await call(host, "POST", "/v1/tenants/duo/recommendations", keys.read, { count: 20, filters: { includeCategories: ["duo"] } });
      expect(((await r.json()) as { items: { id: string }[] }).items.map((i) => i.id).sort()).toEqual(acked);
    }
  });
});
