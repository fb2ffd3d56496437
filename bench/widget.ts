// bench:widget — the widget in headless Chromium (Debian chromium via playwright-core), against the stand-in edge
// (e2e/fixtures/widget/standin-edge.ts) serving synthetic catalogues of dim 64:
//   firstRenderColdMs  navigation start → first personalised render, empty IndexedDB and HTTP cache (10k items:
//                      manifest + 2.5 MB items.bin + items.json + gram.bin downloaded, verified, stored), median
//   firstRenderWarmMs  the same after a reload (files from IndexedDB, re-verified), median
//   rerank10kMs/100kMs a click on a card → fold-in, exact scores of every item (wasm SIMD kernel), top-k, cards
//                      re-rendered; the click call returns only after all of it (it runs inside the click's task),
//                      median of CLICKS clicks
//   rerank10kMmrMs     the same click with ranking='{"diversity":0.5,"pool":1000}': MMR over 1000 candidates
//                      (similarity updates on the wasm SIMD scorer) before the cards render
//   gzipBytes          the ES module bundle, gzip -9 (gzipBytesIife: the script-tag build)
// Prints one JSON object.

import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../e2e/browser.ts";
import { makeShopArtifact } from "../e2e/fixtures/widget/make-artifact.ts";
import { WIDGET_DIST, buildWidget, startShopServer } from "../e2e/fixtures/widget/shop-harness.ts";
import { type StandinEdge, startStandinEdge } from "../e2e/fixtures/widget/standin-edge.ts";
import { machine } from "./machine.ts";

const DIM = 64;
const KEY = "pk_bench";
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLICKS = Number(process.env.BENCH_CLICKS ?? 25);
const log = (msg: string): void => void process.stderr.write(`[bench:widget] ${msg}\n`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number): number => Math.round(x * 100) / 100;

async function catalogue(items: number): Promise<{ edge: StandinEdge; seed: string[] }> {
  const t0 = performance.now();
  const a = await makeShopArtifact({ items, dim: DIM, version: `bench-${items}` });
  const edge = await startStandinEdge({ tenant: "demo", key: KEY });
  edge.putVersion(a.version, a.files);
  edge.activate(a.version);
  // A visitor who clicked three items of one category.
  const seed = a.items.filter((_, row) => a.categoryOf[row] === 1).slice(0, 3).map((i) => i.id);
  log(`catalogue of ${items} items × ${DIM} built in ${Math.round(performance.now() - t0)} ms`);
  return { edge, seed };
}

/** Opens the bench page for a visitor with history; returns ms from navigation start to the first personalised render. */
async function firstRender(page: Page, shop: string, edge: StandinEdge, seed: string[] | null): Promise<number> {
  const q = `endpoint=${encodeURIComponent(edge.url)}&key=${KEY}`;
  if (seed) {
    await page.goto(`${shop}/bench.html?seed=${seed.join(",")}`);
    await page.waitForFunction(() => (window as unknown as { benchSeeded?: boolean }).benchSeeded === true);
    await page.goto(`${shop}/bench.html?${q}`);
  } else {
    await page.reload();
  }
  const ms = await page.waitForFunction(() => (window as unknown as { benchFirstRenderMs?: number }).benchFirstRenderMs, undefined, { timeout: 120_000 });
  return (await ms.jsonValue()) as number;
}

/** Median time of a click on the first card, which re-ranks and re-renders before `click()` returns. */
async function rerank(page: Page): Promise<number> {
  const times = await page.evaluate((clicks) => {
    const root = document.querySelector("edgerec-recs")!.shadowRoot!;
    const out: number[] = [];
    for (let k = 0; k < clicks; k++) {
      const card = root.querySelector<HTMLElement>(".card[data-item-id]")!;
      const id = card.dataset.itemId;
      const t0 = performance.now();
      card.click();
      out.push(performance.now() - t0);
      if (root.querySelector(`.card[data-item-id="${id}"]`)) throw new Error("the clicked item is still listed: no re-rank happened");
    }
    return out;
  }, CLICKS);
  return median(times);
}

async function main(): Promise<void> {
  await buildWidget();
  const esBytes = readFileSync(`${WIDGET_DIST}edgerec-widget.js`);
  const iifeBytes = readFileSync(`${WIDGET_DIST}edgerec-widget.iife.js`);
  const shop = await startShopServer();
  const browser: Browser = await launchChromium();
  try {
    const small = await catalogue(10_000);
    const cold: number[] = [];
    const warm: number[] = [];
    const rerank10k: number[] = [];
    const rerank10kMmr: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      cold.push(await firstRender(page, shop.url, small.edge, small.seed));
      warm.push(await firstRender(page, shop.url, small.edge, null));
      rerank10k.push(await rerank(page));
      // The same click with MMR on (diversity 0.5) over the largest pool a list may ask for.
      await page.evaluate(() => document.querySelector("edgerec-recs")!.setAttribute("ranking", JSON.stringify({ diversity: 0.5, pool: 1000 })));
      rerank10kMmr.push(await rerank(page));
      await context.close();
    }
    log(`10k: cold ${cold.map(Math.round)} ms, warm ${warm.map(Math.round)} ms, re-rank ${rerank10k.map(round)} ms, with MMR ${rerank10kMmr.map(round)} ms`);
    await small.edge.close();
    // WIDGET_BENCH_SKIP_100K=1: the 10k figures only (the 100k catalogue takes minutes to build here).
    const skip100k = process.env.WIDGET_BENCH_SKIP_100K === "1";

    let cold100k = NaN;
    let rerank100k = NaN;
    let scorer: string | null = null;
    if (!skip100k) {
      const big = await catalogue(100_000);
      const context = await browser.newContext();
      const page = await context.newPage();
      cold100k = await firstRender(page, shop.url, big.edge, big.seed);
      rerank100k = await rerank(page);
      scorer = await page.evaluate(() => document.querySelector("edgerec-recs")!.state.scorer);
      log(`100k: cold ${Math.round(cold100k)} ms, re-rank ${round(rerank100k)} ms`);
      await context.close();
      await big.edge.close();
    }

    const result = {
      firstRenderColdMs: round(median(cold)),
      firstRenderWarmMs: round(median(warm)),
      rerank10kMs: round(median(rerank10k)),
      rerank10kMmrMs: round(median(rerank10kMmr)),
      rerank100kMs: round(rerank100k),
      gzipBytes: gzipSync(esBytes, { level: 9 }).byteLength,
      gzipBytesIife: gzipSync(iifeBytes, { level: 9 }).byteLength,
      firstRenderCold100kMs: round(cold100k),
      setup: { scorer, dim: DIM, firstRenderItems: 10_000, runs: RUNS, clicksPerRun: CLICKS, scoring: "exact: every item scored, then topK", browser: `chromium ${browser.version()}` },
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await browser.close();
    await shop.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:widget failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
