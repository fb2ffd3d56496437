// The training page opened with the link `npm run demo` prints (trainer/demo/links.ts): the admin key comes in the
// URL fragment, the page reads it, removes it from its URL, and no request the page makes — to its own server or to
// the edge — carries it in the URL or the Referer; it travels only as the bearer key of the publish requests, which
// succeed with it (issue #13: the training page URL carried the admin key).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey, keyRecord } from "../edge/app/auth.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { FsConfigStore } from "../edge/node/fs-stores.ts";
import { type NodeHost, createNodeHost } from "../edge/node/server.ts";
import { trainingPageUrl } from "../trainer/demo/links.ts";
import type { DemoStatus } from "../web/demo/main.ts";
import { chromiumAvailable, launchChromium } from "./browser.ts";
import { type DemoServer, startDemoServer } from "./fixtures/demo/server.ts";

const ADMIN = generateKey();
const state = mkdtempSync(join(tmpdir(), "edgerec-demo-key-"));
let server: DemoServer;
let browser: Browser;
let host: NodeHost;
let edge: { url: string; close(): void };
/** Every request the edge received: its URL, Referer and Authorization. */
const atEdge: { method: string; url: string; referer: string | null; authorization: string | null }[] = [];

describe.skipIf(!chromiumAvailable())("training page and the admin key", () => {
  beforeAll(async () => {
    const config = emptyTenantConfig("demo");
    config.keys = [await keyRecord(ADMIN, "admin")];
    await new FsConfigStore(state).put(config);
    host = createNodeHost({ stateDir: state, configTtlMs: 0 });
    edge = await new Promise((resolve) => {
      const s = serve(
        {
          fetch: (req: Request) => {
            atEdge.push({ method: req.method, url: req.url, referer: req.headers.get("referer"), authorization: req.headers.get("authorization") });
            return host.app.fetch(req);
          },
          port: 0,
          hostname: "127.0.0.1",
        },
        (info) => resolve({ url: `http://127.0.0.1:${info.port}`, close: () => s.close() }),
      );
    });
    server = await startDemoServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    edge?.close();
    await host?.close();
    rmSync(state, { recursive: true, force: true });
  });

  it("takes the key from the fragment, strips it from the URL, never sends it in a URL or Referer, and publishes with it", async () => {
    const link = new URL(trainingPageUrl(server.url, edge.url, "demo", ADMIN));
    // The link as printed carries the key only in its fragment.
    expect(link.hash).toContain(ADMIN);
    expect(link.pathname + link.search).not.toContain(ADMIN);
    for (const [k, v] of Object.entries({ dataset: "synthetic", model: "als", epochs: "2", dim: "8", autostart: "1" })) link.searchParams.set(k, v);

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const sent: { url: string; headers: Promise<Record<string, string>> }[] = [];
    ctx.on("request", (r) => sent.push({ url: r.url(), headers: r.allHeaders() }));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(link.href);
    await page.waitForFunction(() => (window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo.state === "done", null, { timeout: 180_000, polling: 250 });

    // Gone from the address bar (and so from this history entry, bookmarks and copies of the link).
    const href = await page.evaluate(() => location.href);
    expect(href).not.toContain(ADMIN);
    expect(href).not.toMatch(/[#?&]key=/);
    expect(page.url()).not.toContain(ADMIN);
    expect(href).toContain(`endpoint=${encodeURIComponent(edge.url)}`);
    // …but in the form, for Publish.
    expect(await page.inputValue("#edge-key")).toBe(ADMIN);
    expect(await page.inputValue("#edge-tenant")).toBe("demo");
    expect(await page.inputValue("#edge-url")).toBe(edge.url);

    await page.click("#publish");
    await page.waitForFunction(() => /^[✓✗] /.test(document.getElementById("ship-line")?.textContent ?? ""), null, { timeout: 60_000 });
    expect(await page.textContent("#ship-line")).toMatch(/^✓ published demo\/\S+ to .* and activated it/);
    expect((await new FsConfigStore(state).get("demo"))?.active).toBeTruthy();
    expect(await page.evaluate(() => location.href)).toBe(href);

    // What left the page: the page's own files and the publish requests. The key is in none of their URLs or Referers.
    expect(sent.length).toBeGreaterThan(3);
    for (const r of sent) {
      const headers = await r.headers;
      expect(r.url).not.toContain(ADMIN);
      expect(headers.referer ?? "").not.toContain(ADMIN);
      if (!r.url.startsWith(edge.url)) expect(JSON.stringify(headers)).not.toContain(ADMIN);
    }
    // The same seen from the edge: the key arrives only as the bearer key of the uploads and the activation.
    const writes = atEdge.filter((r) => r.method === "PUT" || r.method === "POST");
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(writes.every((r) => r.authorization === `Bearer ${ADMIN}`)).toBe(true);
    for (const r of atEdge) {
      expect(r.url).not.toContain(ADMIN);
      expect(r.referer ?? "").not.toContain(ADMIN);
    }
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
