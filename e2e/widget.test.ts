// The widget in headless Chromium (Debian chromium via playwright-core), built with its real Vite config and
// embedded in the sample shop page (web/widget.html). The edge is the STAND-IN in e2e/fixtures/widget/standin-edge.ts
// (edge/ is built in parallel): it serves the artifact routes, takes events and records every request.
import { mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { type ShopArtifact, makeShopArtifact } from "./fixtures/widget/make-artifact.ts";
import { REPO, WIDGET_DIST, buildWidget, clickCardSync, readCards, startShopServer, storedFileKeys, waitForRender } from "./fixtures/widget/shop-harness.ts";
import { type StandinEdge, startStandinEdge } from "./fixtures/widget/standin-edge.ts";

const KEY = "pk_demo_read";
let browser: Browser;
let edge: StandinEdge;
let shop: { url: string; close(): Promise<void> };
let artifact: ShopArtifact;
const categoryOf = (id: string): string => artifact.items.find((i) => i.id === id)?.categories?.[0] ?? "?";
const shopUrl = (extra = ""): string => `${shop.url}/widget.html?endpoint=${encodeURIComponent(edge.url)}&tenant=demo&key=${KEY}${extra}`;

beforeAll(async () => {
  await buildWidget();
  artifact = await makeShopArtifact({ items: 240, dim: 16, images: true, version: "shop-v1" });
  edge = await startStandinEdge({ tenant: "demo", key: KEY });
  edge.putVersion("shop-v1", artifact.files);
  edge.activate("shop-v1");
  shop = await startShopServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await edge?.close();
});

/** Clicks three cards of one category, each time the best-ranked card of it, and returns that category. */
async function clickThreeOfOneCategory(page: Page): Promise<{ category: string; clicked: string[]; syncMs: number[] }> {
  const first = await readCards(page);
  // The category least present at first, so the move towards it is unmistakable.
  const counts = new Map<string, number>();
  for (const c of first) counts.set(categoryOf(c.id), (counts.get(categoryOf(c.id)) ?? 0) + 1);
  const category = [...counts].sort((a, b) => a[1] - b[1])[0]![0];
  const clicked: string[] = [];
  const syncMs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const target = (await readCards(page)).find((c) => categoryOf(c.id) === category)!;
    const { before, after, ms } = await clickCardSync(page, target.id);
    // Re-ranked and re-rendered within the click's own task: the clicked (now seen) item is gone at once.
    expect(before).toContain(target.id);
    expect(after).not.toContain(target.id);
    expect(after).toHaveLength(before.length);
    clicked.push(target.id);
    syncMs.push(ms);
  }
  return { category, clicked, syncMs };
}

describe("<edgerec-recs> in Chromium", () => {
  let context: BrowserContext;
  let page: Page;

  it("renders product cards from the local model, accessibly", async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(shopUrl());
    await waitForRender(page, 8);
    const cards = await readCards(page);
    expect(cards).toHaveLength(8);
    for (const c of cards) {
      expect(c.title.length).toBeGreaterThan(3);
      expect(c.chips).toEqual([categoryOf(c.id)]);
      expect(c.reason).toBe("Popular right now");
      expect(c.tag).toBe("button");
    }
    expect(cards.some((c) => c.hasImage)).toBe(true);
    const state = await page.evaluate(() => document.querySelector("edgerec-recs")!.state);
    expect(state).toMatchObject({ mode: "local", modelVersion: "shop-v1", personalised: false, scorer: "wasm-simd" });
    // Accessible: a labelled list of buttons, reachable with the keyboard.
    const a11y = await page.evaluate(() => {
      const root = document.querySelector("edgerec-recs")!.shadowRoot!;
      const list = root.querySelector("ul")!;
      return { label: root.getElementById(list.getAttribute("aria-labelledby")!)?.textContent, live: root.querySelector("[aria-live]") !== null };
    });
    expect(a11y).toEqual({ label: "Picked for you", live: true });
    // The page restyles it through parts and custom properties.
    const styled = await page.evaluate(() => {
      const style = document.createElement("style");
      style.textContent = "edgerec-recs { --edgerec-card-bg: rgb(1, 2, 3); } edgerec-recs::part(title) { letter-spacing: 3px; }";
      document.head.appendChild(style);
      const root = document.querySelector("edgerec-recs")!.shadowRoot!;
      const card = getComputedStyle(root.querySelector(".card")!);
      const title = getComputedStyle(root.querySelector(".title")!);
      const out = { bg: card.backgroundColor, spacing: title.letterSpacing };
      style.remove();
      return out;
    });
    expect(styled).toEqual({ bg: "rgb(1, 2, 3)", spacing: "3px" });
    expect(errors).toEqual([]);
    // The artifact was fetched with the publishable key, each file once.
    const files = edge.requests.filter((r) => r.method === "GET" && r.path.includes("/artifacts/"));
    expect(files.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(files.filter((r) => r.path.endsWith("/items.bin"))).toHaveLength(1);
    // It had a local model, so it never asked the edge to rank.
    expect(edge.requests.filter((r) => r.path.endsWith("/recommendations"))).toEqual([]);
  });

  it("moves towards a category after three clicks on it, re-ranking inside the click, and sends the events", async () => {
    const before = (await readCards(page)).map((c) => categoryOf(c.id));
    const eventsBefore = edge.requests.filter((r) => r.method === "POST" && r.path.endsWith("/events")).length;
    const { category, clicked } = await clickThreeOfOneCategory(page);
    const after = await readCards(page);
    const share = (cats: string[]) => cats.filter((c) => c === category).length;
    expect(share(after.map((c) => categoryOf(c.id)))).toBeGreaterThanOrEqual(7);
    expect(share(after.map((c) => categoryOf(c.id)))).toBeGreaterThan(share(before));
    const reasons = after.filter((c) => categoryOf(c.id) === category).map((c) => c.reason);
    expect(reasons.every((r) => clicked.some((id) => r === `Because you viewed ${artifact.items.find((i) => i.id === id)!.title}`))).toBe(true);

    // Keyboard: focus stays in the list after a re-rank, and Enter on a focused card clicks it.
    await page.evaluate(() => document.querySelector("edgerec-recs")!.shadowRoot!.querySelector<HTMLElement>(".card")!.focus());
    const focusedBefore = await page.evaluate(() => (document.querySelector("edgerec-recs")!.shadowRoot!.activeElement as HTMLElement).dataset.itemId);
    await page.keyboard.press("Enter");
    const focusedAfter = await page.evaluate(() => (document.querySelector("edgerec-recs")!.shadowRoot!.activeElement as HTMLElement | null)?.dataset.itemId);
    expect(focusedAfter).toBeDefined();
    expect(focusedAfter).not.toBe(focusedBefore);
    await page.keyboard.press("ArrowRight");
    const third = (await readCards(page))[1]!.id;
    expect(await page.evaluate(() => (document.querySelector("edgerec-recs")!.shadowRoot!.activeElement as HTMLElement).dataset.itemId)).toBe(third);

    // Not private: the events reach the edge with the visitor id.
    await expect.poll(() => edge.requests.filter((r) => r.method === "POST" && r.path.endsWith("/events")).flatMap((r) => JSON.parse(r.body) as { itemId: string }[]).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    const sent = edge.requests.filter((r) => r.method === "POST" && r.path.endsWith("/events")).slice(eventsBefore).flatMap((r) => JSON.parse(r.body) as { userId: string; itemId: string; type: string; ts: number }[]);
    const visitor = await page.evaluate(() => document.querySelector("edgerec-recs")!.state.visitorId);
    expect(sent.slice(0, 3).map((e) => e.itemId)).toEqual(clicked);
    expect(sent.every((e) => e.userId === visitor && e.type === "click" && e.ts > 1.7e12)).toBe(true);

    mkdirSync(`${REPO}e2e/screenshots`, { recursive: true });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${REPO}e2e/screenshots/widget.png`, fullPage: true });
  });

  it("reloaded with the edge unreachable, still renders the personalised list from IndexedDB", async () => {
    const shown = (await readCards(page)).map((c) => c.id);
    const edgeRequests = edge.requests.length;
    await context.route(`${edge.url}/**`, (route) => route.abort("internetdisconnected"));
    await page.reload();
    await waitForRender(page, 8);
    const state = await page.evaluate(() => document.querySelector("edgerec-recs")!.state);
    expect(state).toMatchObject({ mode: "local", modelVersion: "shop-v1", personalised: true });
    expect((await readCards(page)).map((c) => c.id)).toEqual(shown);
    await page.waitForFunction(() => document.querySelector("edgerec-recs")!.state.problems.some((p) => p.includes("network error")));
    expect(edge.requests.length).toBe(edgeRequests);
    await context.unroute(`${edge.url}/**`);
  });

  it("refuses a corrupt new version and keeps the last good one; a good new version replaces it", async () => {
    const v2 = await makeShopArtifact({ items: 240, dim: 16, images: true, version: "shop-v2", seed: 8 });
    const bad = new Map(v2.files);
    const bin = Uint8Array.from(bad.get("items.bin")!);
    bin[bin.length - 5]! ^= 0x40;
    bad.set("items.bin", bin);
    edge.putVersion("shop-v2", bad);
    edge.activate("shop-v2");
    await page.reload();
    await waitForRender(page, 8);
    // The kept version renders first; then the active one is tried, refused, and the kept one stays.
    await page.waitForFunction(() => document.querySelector("edgerec-recs")!.state.problems.some((p) => p.includes("shop-v2")));
    const refused = await page.evaluate(() => document.querySelector("edgerec-recs")!.state);
    expect(refused.modelVersion).toBe("shop-v1");
    expect(refused.problems.join("\n")).toMatch(/version shop-v2: items\.bin: SHA-256 .* does not match the manifest/);

    // The fixed file is published as a new version (versions are immutable; the browser caches their files).
    const v3 = await makeShopArtifact({ items: 240, dim: 16, images: true, version: "shop-v3", seed: 8 });
    edge.putVersion("shop-v3", v3.files);
    edge.activate("shop-v3");
    await page.reload();
    await page.waitForFunction(() => document.querySelector("edgerec-recs")!.state.modelVersion === "shop-v3", undefined, { timeout: 30_000 });
    expect((await readCards(page)).length).toBe(8);
    const kept = (await storedFileKeys(page)).map((k) => k.split("\u0000")[1]);
    expect(new Set(kept)).toEqual(new Set(["shop-v3"]));
    edge.activate("shop-v1");
    await context.close();
  });

  it("in private mode sends no request carrying events, while the list still changes", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const outgoing: { url: string; method: string; body: string }[] = [];
    await ctx.route("**/*", async (route) => {
      const r = route.request();
      outgoing.push({ url: r.url(), method: r.method(), body: r.postData() ?? "" });
      await route.continue();
    });
    const edgeBefore = edge.requests.length;
    await p.goto(shopUrl("&private=1"));
    await waitForRender(p, 8);
    const before = (await readCards(p)).map((c) => c.id);
    const { category, clicked } = await clickThreeOfOneCategory(p);
    const after = await readCards(p);
    expect(after.map((c) => c.id)).not.toEqual(before);
    expect(after.filter((c) => categoryOf(c.id) === category).length).toBeGreaterThanOrEqual(7);
    await p.waitForTimeout(1500); // give a (wrong) background flush time to happen
    const visitor = await p.evaluate(() => document.querySelector("edgerec-recs")!.state.visitorId);
    const carrying = outgoing.filter((o) => o.method !== "GET" || o.url.includes("/events") || clicked.some((id) => o.url.includes(id)) || o.url.includes(visitor));
    expect(carrying).toEqual([]);
    const atEdge = edge.requests.slice(edgeBefore);
    expect(atEdge.filter((r) => r.method === "POST")).toEqual([]);
    // The events are on the device, marked local.
    const stored = await p.evaluate(async () => {
      const req = indexedDB.open("edgerec-widget");
      const db = await new Promise<IDBDatabase>((res) => (req.onsuccess = () => res(req.result)));
      const all = await new Promise<{ itemId: string; local: number }[]>((res) => {
        const r = db.transaction("events").objectStore("events").getAll();
        r.onsuccess = () => res(r.result);
      });
      db.close();
      return all;
    });
    expect(stored.map((e) => e.itemId)).toEqual(clicked);
    expect(stored.every((e) => e.local === 1)).toBe(true);
    await ctx.close();
  });

  it("asks the edge only when nothing can be ranked locally (a model without fold-in), without events if private", async () => {
    const bpr = await makeShopArtifact({ items: 120, dim: 16, images: true, version: "bpr-v1", foldIn: false });
    const other = await startStandinEdge({ tenant: "demo", key: KEY });
    other.putVersion("bpr-v1", bpr.files);
    other.activate("bpr-v1");
    try {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await p.goto(`${shop.url}/widget.html?endpoint=${encodeURIComponent(other.url)}&tenant=demo&key=${KEY}`);
      await waitForRender(p, 8);
      expect(await p.evaluate(() => document.querySelector("edgerec-recs")!.state.mode)).toBe("edge");
      const cards = await readCards(p);
      // Cards keep their titles and images from the downloaded items.json; the edge gave ids and scores.
      expect(cards.every((c) => c.title === bpr.items.find((i) => i.id === c.id)?.title)).toBe(true);
      await p.evaluate((id) => document.querySelector("edgerec-recs")!.track(id, "view"), bpr.items[5]!.id);
      await expect.poll(() => other.requests.filter((r) => r.method === "POST" && r.path.endsWith("/recommendations")).length).toBeGreaterThanOrEqual(2);
      const asks = other.requests.filter((r) => r.method === "POST" && r.path.endsWith("/recommendations")).map((r) => JSON.parse(r.body) as Record<string, unknown>);
      expect(asks.at(-1)).toMatchObject({ count: 8, recentItems: [bpr.items[5]!.id] });
      expect(typeof asks.at(-1)!.userId).toBe("string");
      // The view is stored in IndexedDB before it is sent, so once the edge has it the next page load sees it (a
      // navigation while the write is in flight would drop it; under load that raced the goto below).
      await expect.poll(() => other.requests.some((r) => r.method === "POST" && r.path.endsWith("/events") && r.body.includes(bpr.items[5]!.id))).toBe(true);

      await p.goto(`${shop.url}/widget.html?endpoint=${encodeURIComponent(other.url)}&tenant=demo&key=${KEY}&private=1`);
      await waitForRender(p, 8);
      const before = other.requests.length;
      await p.evaluate((id) => document.querySelector("edgerec-recs")!.track(id, "click"), bpr.items[6]!.id);
      await expect.poll(() => other.requests.slice(before).filter((r) => r.method === "POST").length).toBeGreaterThanOrEqual(1);
      await p.waitForTimeout(500);
      const privatePosts = other.requests.slice(before).filter((r) => r.method === "POST");
      // Private: no events, no visitor id, and a constant count (100) that says nothing about the local history;
      // the items the visitor viewed or clicked here are dropped on the device.
      expect(privatePosts.map((r) => [r.path.split("/").pop(), JSON.parse(r.body)])).toEqual(privatePosts.map(() => ["recommendations", { count: 100 }]));
      // The edge's answer to the click may land after the posts are counted (a loaded machine): wait for the list
      // that answers it, then check it holds neither local item.
      const local = [bpr.items[5]!.id, bpr.items[6]!.id];
      await expect
        .poll(() => p.evaluate(() => document.querySelector("edgerec-recs")!.state.items), { timeout: 15_000 })
        .toSatisfy((shown: string[]) => shown.length === 8 && local.every((id) => !shown.includes(id)));
      await ctx.close();
    } finally {
      await other.close();
    }
  });

  it("the sample page also runs from source under a Vite dev server rooted at web/ (how a demo server serves it)", async () => {
    const vite = await createServer({
      root: `${REPO}web`,
      configFile: false,
      logLevel: "error",
      server: { port: 0, host: "127.0.0.1" },
      optimizeDeps: { include: ["idb", "zod", "zod/mini"] },
    });
    await vite.listen();
    try {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      const errors: string[] = [];
      p.on("pageerror", (e) => errors.push(e.message));
      await p.goto(`${vite.resolvedUrls!.local[0]}widget.html?endpoint=${encodeURIComponent(edge.url)}&tenant=demo&key=${KEY}`);
      await waitForRender(p, 8);
      expect(await p.evaluate(() => document.querySelector("edgerec-recs")!.state.mode)).toBe("local");
      expect(errors).toEqual([]);
      await ctx.close();
    } finally {
      await vite.close();
    }
  });

  it("ships as ≤ 40 KB gzip (each build) with no tfjs and no UI framework inside", () => {
    for (const file of ["edgerec-widget.js", "edgerec-widget.iife.js"]) {
      expect(gzipSync(readFileSync(`${WIDGET_DIST}${file}`), { level: 9 }).byteLength).toBeLessThanOrEqual(40 * 1024);
      const sources = (JSON.parse(readFileSync(`${WIDGET_DIST}${file}.map`, "utf8")) as { sources: string[] }).sources;
      const packages = new Set(sources.filter((p) => p.includes("node_modules/")).map((p) => p.split("node_modules/")[1]!.split("/")[0]));
      expect([...packages].sort()).toEqual(["idb", "zod"]);
    }
  });

  it("works as a classic <script> tag (IIFE build)", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${shop.url}/script-tag.html?endpoint=${encodeURIComponent(edge.url)}&key=${KEY}`);
    await waitForRender(p, 4);
    expect(await readCards(p)).toHaveLength(4);
    expect(await p.evaluate(() => typeof (window as unknown as { EdgerecWidget?: { EdgerecRecsElement?: unknown } }).EdgerecWidget?.EdgerecRecsElement)).toBe("function");
    await ctx.close();
  });
});
