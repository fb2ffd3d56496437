// A shop's own catalogue (CSV, JSONL and Parquet, with images, prices and links) trained with `edgerec train
// --items` and shown by the widget in headless Chromium: every card carries the catalogue's picture, formatted price
// and product link. Served through the stand-in edge (artifact routes only), as e2e/widget.test.ts does.
import { mkdirSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTrain } from "../trainer/cli/train.ts";
import { makeShopFiles, type ShopFiles } from "../trainer/testing/shop-files.ts";
import { launchChromium } from "./browser.ts";
import { REPO, buildWidget, startShopServer, waitForRender } from "./fixtures/widget/shop-harness.ts";
import { type StandinEdge, startStandinEdge } from "./fixtures/widget/standin-edge.ts";

const KEY = "pk_shop_read";
let browser: Browser;
let edge: StandinEdge;
let shop: { url: string; close(): Promise<void> };
let files: ShopFiles;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgerec-cat-e2e-"));
  files = makeShopFiles({ users: 150, items: 90 });
  await writeFile(join(dir, "events.csv"), files.interactionsCsv);
  await writeFile(join(dir, "items.csv"), files.catalogue.csv);
  await writeFile(join(dir, "items.jsonl"), files.catalogue.jsonl);
  await writeFile(join(dir, "items.parquet"), files.catalogue.parquet);
  await buildWidget();
  edge = await startStandinEdge({ tenant: "demo", key: KEY });
  shop = await startShopServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await edge?.close();
});

async function trainWith(catalogue: string, version: string): Promise<void> {
  const out = join(dir, version);
  await runTrain([
    "--data", join(dir, "events.csv"), "--user-col", "visitor", "--item-col", "product", "--weight-col", "qty", "--time-col", "when",
    "--items", join(dir, catalogue), "--holdout", "0", "--tenant", "demo", "--version", version, "--out", out, "--runs", join(dir, "runs"),
  ]);
  const art = new Map<string, Uint8Array>();
  for (const name of await readdir(out)) if (!name.includes("/")) art.set(name, new Uint8Array(await readFile(join(out, name))));
  edge.putVersion(version, art);
  edge.activate(version);
}

interface Card { id: string; title: string; price: string; img: string | null; href: string | null; chips: string[] }

describe("a trained catalogue in the widget", () => {
  it.each([
    ["items.csv", "cat-csv"],
    ["items.jsonl", "cat-jsonl"],
    ["items.parquet", "cat-parquet"],
  ])("shows %s's images, prices and links on the cards", async (catalogue, version) => {
    await trainWith(catalogue, version);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${shop.url}/widget.html?endpoint=${encodeURIComponent(edge.url)}&tenant=demo&key=${KEY}`);
    await waitForRender(page, 8);
    const cards: Card[] = await page.evaluate(() =>
      [...document.querySelector("edgerec-recs")!.shadowRoot!.querySelectorAll<HTMLElement>(".card[data-item-id]")].map((c) => ({
        id: c.dataset.itemId!,
        title: c.querySelector(".title")?.textContent ?? "",
        price: c.querySelector(".price")?.textContent ?? "",
        img: c.querySelector("img")?.getAttribute("src") ?? null,
        href: c.getAttribute("href"),
        chips: [...c.querySelectorAll(".chip")].map((x) => x.textContent ?? ""),
      })),
    );
    expect(cards).toHaveLength(8);
    for (const card of cards) {
      const row = files.items.find((i) => i.sku === card.id)!;
      expect(card.title).toBe(row.title);
      expect(card.img).toBe(row.image);
      expect(card.href).toBe(row.link);
      expect(card.price).toBe(`$${row.price.toFixed(2)}`);
      expect(card.chips[0]).toBe(row.category);
    }
    // The images actually load (served by the shop page).
    await page.waitForFunction(() =>
      [...document.querySelector("edgerec-recs")!.shadowRoot!.querySelectorAll("img")].slice(0, 8).every((i) => i.complete && i.naturalWidth > 0),
    );
    expect(errors).toEqual([]);
    if (version === "cat-parquet") {
      mkdirSync(`${REPO}e2e/screenshots`, { recursive: true });
      await page.screenshot({ path: `${REPO}e2e/screenshots/catalogue-widget.png`, fullPage: true });
    }
    await context.close();
  });
});
