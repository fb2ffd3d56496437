// The widget's "Personalised on this device" badge in headless Chromium, when every request to the edge fails (a 5xx
// answer, or nothing listening): it shows only when the list on screen was ranked from this visitor's events on the
// device (issue #13: it said "Personalised" while every request failed). Checked by what is rendered (innerText,
// visibility), not only by the element's state. The model is the synthetic shop from the stand-in edge.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { makeShopArtifact } from "./fixtures/widget/make-artifact.ts";
import { buildWidget, clickCardSync, readCards, startShopServer, waitForRender } from "./fixtures/widget/shop-harness.ts";
import { type StandinEdge, startStandinEdge } from "./fixtures/widget/standin-edge.ts";

const KEY = "pk_demo_read";
const BADGE = "Personalised on this device";
/** Port 9 (discard) on loopback: nothing listens, every request is refused. */
const UNREACHABLE = "http://127.0.0.1:9";
let browser: Browser;
let edge: StandinEdge;
let shop: { url: string; close(): Promise<void> };
/** An edge that answers every API request 503 (CORS preflights pass, so the widget sees the 503 itself). */
let failing: { url: string; server: Server; hits: number };

const shopUrl = (endpoint: string): string => `${shop.url}/widget.html?endpoint=${encodeURIComponent(endpoint)}&tenant=demo&key=${KEY}`;

beforeAll(async () => {
  await buildWidget();
  const artifact = await makeShopArtifact({ items: 120, dim: 16, images: false, version: "shop-v1" });
  edge = await startStandinEdge({ tenant: "demo", key: KEY });
  edge.putVersion("shop-v1", artifact.files);
  edge.activate("shop-v1");
  const server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    if (req.method === "OPTIONS") {
      res.writeHead(204, { "access-control-allow-methods": "GET, POST, OPTIONS", "access-control-allow-headers": "authorization, content-type" });
      return res.end();
    }
    failing.hits++;
    res.writeHead(503, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "unavailable", message: "the edge is down (test)" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  failing = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: 0 };
  shop = await startShopServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await edge?.close();
  await new Promise<void>((resolve) => (failing?.server ? failing.server.close(() => resolve()) : resolve()));
});

/** What a visitor sees of the widget: its rendered text (display:none and [hidden] parts excluded), and the badge. */
function seen(page: Page): Promise<{ text: string; badgeVisible: boolean; badgeText: string }> {
  return page.evaluate(() => {
    const root = document.querySelector("edgerec-recs")!.shadowRoot!;
    const badge = root.querySelector<HTMLElement>(".badge")!;
    return { text: root.querySelector<HTMLElement>("section")!.innerText, badgeVisible: badge.checkVisibility(), badgeText: badge.textContent ?? "" };
  });
}

const state = (page: Page) => page.evaluate(() => document.querySelector("edgerec-recs")!.state);

describe("<edgerec-recs> badge when the edge fails", () => {
  it("with a kept model and every request failing, ranks popular items without saying Personalised; the visitor's own clicks make it personalised", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    // First visit, edge up: the model is downloaded and kept in IndexedDB. No events yet: a popularity list.
    await page.goto(shopUrl(edge.url));
    await waitForRender(page, 8);
    expect(await state(page)).toMatchObject({ mode: "local", modelVersion: "shop-v1", personalised: false });
    expect((await seen(page)).text).not.toContain("Personalised");

    for (const down of [failing.url, UNREACHABLE]) {
      const hitsBefore = failing.hits;
      await page.goto(shopUrl(down));
      await waitForRender(page, 8);
      await page.waitForFunction(() => document.querySelector("edgerec-recs")!.state.problems.length > 0, null, { timeout: 15_000 });
      const s = await state(page);
      expect(s).toMatchObject({ mode: "local", modelVersion: "shop-v1", personalised: false });
      expect(s.problems.join("\n")).toMatch(down === failing.url ? /503/ : /network error/);
      if (down === failing.url) expect(failing.hits).toBeGreaterThan(hitsBefore);
      const cards = await readCards(page);
      expect(cards).toHaveLength(8);
      expect(cards.every((c) => c.reason === "Popular right now")).toBe(true);
      const view = await seen(page);
      expect(view.badgeVisible).toBe(false);
      expect(view.text).not.toContain("Personalised");
    }

    // Still offline: a click is ranked from on the device, and now the list is personalised, and says so.
    const target = (await readCards(page))[2]!.id;
    await clickCardSync(page, target);
    expect(await state(page)).toMatchObject({ mode: "local", personalised: true });
    const after = await seen(page);
    expect(after).toMatchObject({ badgeVisible: true, badgeText: BADGE });
    expect(after.text).toContain(BADGE);
    expect((await readCards(page)).some((c) => c.reason.startsWith("Because you viewed"))).toBe(true);
    await ctx.close();
  });

  it("with nothing kept and every request failing, says recommendations are unavailable, never Personalised", async () => {
    for (const down of [failing.url, UNREACHABLE]) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(shopUrl(down));
      await page.waitForFunction(() => document.querySelector("edgerec-recs")?.state?.mode === "unavailable", null, { timeout: 15_000 });
      // Events the visitor records while the edge is down do not make an unranked (empty) list "personalised".
      await page.evaluate(() => document.querySelector("edgerec-recs")!.track("item-1", "view"));
      await page.waitForTimeout(300);
      const s = await state(page);
      expect(s.mode).toBe("unavailable");
      expect(s.items).toEqual([]);
      const view = await seen(page);
      expect(view.badgeVisible).toBe(false);
      expect(view.text).not.toContain("Personalised");
      expect(view.text).toContain("Recommendations are unavailable right now.");
      await ctx.close();
    }
  });
});
