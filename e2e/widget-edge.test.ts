// The widget in headless Chromium against the REAL edge: the Hono app on its Node host (edge/node/server.ts) over a
// file-system state dir, memory caches (no Redis needed here), and the JSONL event log. The artifact is the
// synthetic shop, written into the state dir the way `edgerec publish --target node` lays it out. A graph tenant
// with the item–item term (neighbours.bin) checks that the device ranks a visitor as the edge does.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey, keyRecord } from "../edge/app/auth.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { readEventLog } from "../edge/node/file-event-log.ts";
import { FsConfigStore, writeFileAtomic } from "../edge/node/fs-stores.ts";
import { type NodeHost, createNodeHost } from "../edge/node/server.ts";
import { artifactPath } from "../edge/node/state-layout.ts";
import { type Fixture, buildFixture, categoryName } from "../edge/testing/fixtures.ts";
import { type GraphFixture, buildGraphFixture } from "../edge/testing/graph-fixture.ts";
import { SEGMENT, buildTwoTowerFixture } from "../edge/testing/two-tower-fixture.ts";
import { launchChromium } from "./browser.ts";
import { type ShopArtifact, makeShopArtifact } from "./fixtures/widget/make-artifact.ts";
import { buildWidget, clickCardSync, readCards, startShopServer, storedFileKeys, waitForRender } from "./fixtures/widget/shop-harness.ts";

const READ_KEY = generateKey();
const WRITE_KEY = generateKey();
let state = "";
let host: NodeHost;
let server: ServerType;
let edgeUrl = "";
let shop: { url: string; close(): Promise<void> };
let browser: Browser;
let artifact: ShopArtifact;
/** A tenant whose artifact knows its users and their training items (seen.bin). */
let known: Fixture;
/** A two-tower tenant with the cold-user head: the attribute segment = cat c ranks cluster c's items first. */
let cold: Fixture;
/** A graph-model tenant whose artifact carries the item–item term (neighbours.bin). */
let graph: GraphFixture;
const categoryOf = (id: string): string => artifact.items.find((i) => i.id === id)?.categories?.[0] ?? "?";
const page = (key: string): string => `${shop.url}/widget.html?endpoint=${encodeURIComponent(edgeUrl)}&tenant=demo&key=${key}`;

beforeAll(async () => {
  await buildWidget();
  state = await mkdtemp(path.join(tmpdir(), "edgerec-widget-edge-"));
  artifact = await makeShopArtifact({ items: 240, dim: 16, images: true, version: "shop-v1" });
  for (const [name, bytes] of artifact.files) await writeFileAtomic(artifactPath(state, "demo", artifact.version, name), bytes);
  const config = emptyTenantConfig("demo");
  config.active = artifact.version;
  config.keys = [await keyRecord(READ_KEY, "read"), await keyRecord(WRITE_KEY, "write")];
  await new FsConfigStore(state).put(config);
  known = await buildFixture({ tenant: "known", version: "k1" });
  for (const [name, bytes] of known.files) await writeFileAtomic(artifactPath(state, "known", "k1", name), bytes);
  const knownConfig = emptyTenantConfig("known");
  knownConfig.active = "k1";
  knownConfig.keys = [await keyRecord(READ_KEY, "read")];
  await new FsConfigStore(state).put(knownConfig);
  cold = await buildTwoTowerFixture({ tenant: "coldshop", version: "c1", coldUserHead: true });
  for (const [name, bytes] of cold.files) await writeFileAtomic(artifactPath(state, "coldshop", "c1", name), bytes);
  await new FsConfigStore(state).put({ ...knownConfig, tenant: "coldshop", active: "c1" });
  graph = await buildGraphFixture({ tenant: "graphshop", version: "n1" });
  for (const [name, bytes] of graph.files) await writeFileAtomic(artifactPath(state, "graphshop", "n1", name), bytes);
  await new FsConfigStore(state).put({ ...knownConfig, tenant: "graphshop", active: "n1" });
  host = createNodeHost({ stateDir: state, configTtlMs: 0 });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: host.app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
      edgeUrl = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
  shop = await startShopServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await host?.close();
  if (state) await rm(state, { recursive: true, force: true });
});

describe("<edgerec-recs> against the real edge (Node host)", () => {
  it("loads the active version with the publishable read key and ranks on the device", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(page(READ_KEY));
    await waitForRender(p, 8);
    expect(await p.evaluate(() => document.querySelector("edgerec-recs")!.state)).toMatchObject({ mode: "local", modelVersion: "shop-v1" });
    const cards = await readCards(p);
    const target = cards.find((c) => categoryOf(c.id) === "Watches") ?? cards[0]!;
    const category = categoryOf(target.id);
    let id = target.id;
    for (let k = 0; k < 3; k++) {
      const { after } = await clickCardSync(p, id);
      expect(after).not.toContain(id);
      id = (await readCards(p)).find((c) => categoryOf(c.id) === category)!.id;
    }
    expect((await readCards(p)).filter((c) => categoryOf(c.id) === category).length).toBeGreaterThanOrEqual(7);
    // The publishable key may send the visitor's own events (edge/app/routes-events.ts): the clicks reach the log.
    const visitor = await p.evaluate(() => document.querySelector("edgerec-recs")!.state.visitorId);
    await expect.poll(async () => (await readEventLog(state, "demo")).length, { timeout: 10_000 }).toBe(3);
    const log = await readEventLog(state, "demo");
    expect(log.every((e) => e.user_id === visitor && e.type === "click" && Math.abs(e.timestamp - Date.now() / 1000) < 120)).toBe(true);
    expect(await p.evaluate(() => document.querySelector("edgerec-recs")!.state.problems)).toEqual([]);
    await ctx.close();
  });

  it("for a known user (user attribute) shows none of their training items, nor what they click here", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${shop.url}/widget.html?endpoint=${encodeURIComponent(edgeUrl)}&tenant=known&key=${READ_KEY}&user=user-3`);
    await waitForRender(p, 8);
    const state = () => p.evaluate(() => document.querySelector("edgerec-recs")!.state);
    expect(await state()).toMatchObject({ mode: "edge", modelVersion: "k1", personalised: true });
    const seen = new Set(known.seen[3]);
    const first = (await state()).items;
    expect(first).toHaveLength(8);
    expect(first.filter((id) => seen.has(id))).toEqual([]);
    // seen.bin itself is never downloadable with the publishable key.
    expect((await fetch(`${edgeUrl}/v1/tenants/known/artifacts/k1/seen.bin`, { headers: { authorization: `Bearer ${READ_KEY}` } })).status).toBe(403);
    const clicked = first[0]!;
    await p.evaluate((id) => document.querySelector("edgerec-recs")!.track(id, "click"), clicked);
    await p.waitForFunction((id) => !document.querySelector("edgerec-recs")!.state.items.includes(id), clicked, { timeout: 10_000 });
    const after = (await state()).items;
    expect(after).toHaveLength(8);
    expect(after.filter((id) => seen.has(id) || id === clicked)).toEqual([]);
    await ctx.close();
  });

  it("a new visitor the page describes (visitor-attributes) is ranked by the edge's cold-user head until they have history here", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const attrs = encodeURIComponent(JSON.stringify({ [SEGMENT]: categoryName(2), age: 30 }));
    await p.goto(`${shop.url}/widget.html?endpoint=${encodeURIComponent(edgeUrl)}&tenant=coldshop&key=${READ_KEY}&visitor-attributes=${attrs}`);
    await waitForRender(p, 8);
    const state = () => p.evaluate(() => document.querySelector("edgerec-recs")!.state);
    const clusterOf = (id: string) => cold.itemCluster[cold.itemIds.indexOf(id)];
    // The device holds the model (fold-in), yet the list for a visitor without history came from the edge.
    expect(await state()).toMatchObject({ mode: "local", modelVersion: "c1", personalised: true });
    expect((await state()).items.map(clusterOf)).toEqual(Array(8).fill(2));
    // The property sets the attribute; the edge ranks the other segment.
    await p.evaluate((seg) => void (document.querySelector("edgerec-recs")!.visitorAttributes = { segment: seg, age: 30 }), categoryName(0));
    await expect.poll(async () => (await state()).items.map(clusterOf).join(), { timeout: 10_000 }).toBe(Array(8).fill(0).join());
    // A click gives the visitor history here: the device ranks again, inside the click's task (fold-in).
    const clicked = (await state()).items[0]!;
    const { after } = await clickCardSync(p, clicked);
    expect(after).toHaveLength(8);
    expect(after).not.toContain(clicked);
    expect(after.map(clusterOf)).toEqual(Array(8).fill(0));
    expect(await p.evaluate(() => document.querySelector("edgerec-recs")!.state.problems)).toEqual([]);
    await ctx.close();
  });

  /** The edge's list for a visitor known only by these recent items (the fold-in path). */
  const edgeList = async (recentItems: string[]): Promise<string[]> => {
    const res = await fetch(`${edgeUrl}/v1/tenants/graphshop/recommendations`, {
      method: "POST",
      headers: { authorization: `Bearer ${READ_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ recentItems, count: 8 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { id: string }[]; source: string };
    expect(body.source).toBe("fold-in");
    return body.items.map((i) => i.id);
  };
  const graphPage = () => `${shop.url}/widget.html?endpoint=${encodeURIComponent(edgeUrl)}&tenant=graphshop&key=${READ_KEY}`;
  const viewed = () => [3, 10, 47, 61].map((r) => graph.data.itemIds.ids[r]!);

  it("with a graph model's item–item term, ranks a visitor on the device exactly as the edge does", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const files: string[] = [];
    p.on("request", (r) => void (/\/artifacts\/n1\//.test(r.url()) && files.push(r.url().split("/").pop()!)));
    await p.goto(graphPage());
    await waitForRender(p, 8);
    const state = () => p.evaluate(() => document.querySelector("edgerec-recs")!.state);
    expect(await state()).toMatchObject({ mode: "local", modelVersion: "n1" });
    expect(files).toContain("neighbours.bin");
    const history: string[] = [];
    for (const id of viewed()) {
      await p.evaluate((item) => document.querySelector("edgerec-recs")!.track(item, "view"), id);
      history.push(id);
      // Re-ranked inside the call: the device's list is already the new one.
      expect((await state()).items).toEqual(await edgeList(history));
    }
    expect(await state()).toMatchObject({ mode: "local", personalised: true, problems: [] });
    await ctx.close();
  });

  it("refuses a neighbours.bin damaged on the way, and falls back to the edge's ranking", async () => {
    const ctx = await browser.newContext();
    // Every copy the browser gets is damaged (the retry that bypasses the HTTP cache too); the edge's own is sound.
    await ctx.route(/\/artifacts\/n1\/neighbours\.bin$/, async (route) => {
      const res = await route.fetch();
      const body = Buffer.from(await res.body());
      body[body.length - 1]! ^= 0x01;
      await route.fulfill({ response: res, body });
    });
    const p = await ctx.newPage();
    await p.goto(graphPage());
    await waitForRender(p, 8);
    const state = () => p.evaluate(() => document.querySelector("edgerec-recs")!.state);
    expect(await state()).toMatchObject({ mode: "edge", modelVersion: "n1", scorer: null });
    expect((await state()).problems.join("\n")).toMatch(/version n1: neighbours\.bin: SHA-256 .* does not match the manifest/);
    // Nothing was kept on the device: the next load downloads again rather than trusting a refused version.
    expect(await storedFileKeys(p)).toEqual([]);
    // The edge ranks the visitor's first view (the device has no model to do it).
    const id = viewed()[0]!;
    await p.evaluate((item) => document.querySelector("edgerec-recs")!.track(item, "view"), id);
    await expect.poll(async () => (await state()).personalised, { timeout: 10_000 }).toBe(true);
    expect((await state()).items).toHaveLength(8);
    expect((await state()).items).not.toContain(id);
    await ctx.close();
  });
});
