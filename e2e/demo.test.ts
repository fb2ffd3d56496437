// The training demo in headless Chromium: trains the synthetic set with live charts, beats the popularity baseline
// it shows, names the backend it used (wasm with threads: the WebGPU adapter here is a software fallback), stops on
// request, explores a user, exports the artifact in the CLI's format, publishes it to a running edge, and reports
// bad files clearly.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePack } from "../shared/artifact/pack.ts";
import { readManifest, readVerified } from "../shared/artifact/reader.ts";
import type { DemoStatus } from "../web/demo/main.ts";
import { serve } from "@hono/node-server";
import { generateKey, keyRecord } from "../edge/app/auth.ts";
import { emptyTenantConfig } from "../edge/app/tenant-config.ts";
import { FsConfigStore } from "../edge/node/fs-stores.ts";
import { createNodeHost } from "../edge/node/server.ts";
import { chromiumAvailable, launchChromium } from "./browser.ts";
import { type DemoServer, startDemoServer } from "./fixtures/demo/server.ts";

const SCREENSHOT = new URL("./screenshots/demo.png", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "edgerec-demo-e2e-"));

let server: DemoServer;
let browser: Browser;

const status = (page: Page): Promise<DemoStatus> => page.evaluate(() => (window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo);
const waitFor = (page: Page, state: string, timeout = 180_000) =>
  page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout, polling: 250 });
/** Clicks Train and waits until that run (not an earlier one) has ended in `state`. */
async function trainAndWait(page: Page, state: "done" | "error"): Promise<void> {
  const before = (await status(page)).runs;
  await page.click("#train");
  await page.waitForFunction(
    ([n, s]) => {
      const d = (window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo;
      return d.runs > (n as number) && d.state === s;
    },
    [before, state] as const,
    { timeout: 180_000, polling: 250 },
  );
}

describe.skipIf(!chromiumAvailable())("training demo in Chromium", () => {
  beforeAll(async () => {
    server = await startDemoServer();
    browser = await launchChromium({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("trains the synthetic set live, beats popularity, names its backend, and looks like a product", async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}?dataset=synthetic&epochs=6&dim=32&autostart=1`);
    // Live: an epoch is charted while training still runs.
    const live = await page.waitForFunction(() => {
      const d = (window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo;
      return d.state === "training" && d.epochs.length >= 1 ? d.epochs.length : null;
    }, null, { timeout: 120_000, polling: "raf" });
    expect(await live.jsonValue()).toBeLessThan(6);
    await waitFor(page, "done");
    const s = await status(page);
    expect(errors).toEqual([]);
    expect(s.error).toBeNull();
    expect(s.epochs).toHaveLength(6);
    for (const p of s.epochs) expect(Number.isFinite(p.ndcg10) && Number.isFinite(p.loss)).toBe(true);
    expect(s.epochs[5]!.loss).toBeLessThan(s.epochs[0]!.loss);
    // The model beats the popularity baseline the page shows, by a margin.
    expect(s.final!.ndcg10).toBeGreaterThan(s.baseline!.ndcg10 * 1.1);
    expect(Number(await page.textContent("#tile-ndcg"))).toBeCloseTo(s.final!.ndcg10, 3);
    expect(Number(await page.textContent("#base-ndcg"))).toBeCloseTo(s.baseline!.ndcg10, 3);
    // The backend line names the backend in use, and why: the software WebGPU adapter is passed over for wasm.
    const line = (await page.textContent("#backend-line")) ?? "";
    expect(s.backend).toBe("wasm");
    expect(s.model!.backend).toBe("tfjs-wasm");
    expect(line).toMatch(/^tfjs wasm — /);
    expect(line).toMatch(/webgpu: software fallback adapter \(SwiftShader\)/);
    expect(line).toMatch(/→ wasm: SIMD with \d+ threads|→ wasm: SIMD with threads/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // Charts are uPlot canvases; the explorer shows a user's history and ten recommendations with titles.
    expect(await page.locator(".uplot canvas").count()).toBe(2);
    expect(await page.locator("#recs li").count()).toBe(10);
    expect(await page.locator("#history li").count()).toBeGreaterThan(0);
    expect(await page.textContent("#recs li .title")).not.toMatch(/^Item /);
    expect(await page.textContent("#progress-line")).toMatch(/^Done after 6 epochs .* on tfjs-wasm · NDCG@10 0\.\d{4} = \d\.\d\d× popularity/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Another user: the lists change.
    const first = await page.textContent("#recs");
    const second = await page.locator("#user-picker option").nth(1).getAttribute("value");
    await page.selectOption("#user-picker", second!);
    expect(await page.textContent("#recs")).not.toBe(first);

    // Export: one .tar holding the artifact directory the CLI writes, with checksums that verify.
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const tarPath = join(tmp, dl.suggestedFilename());
    await dl.saveAs(tarPath);
    expect(dl.suggestedFilename()).toMatch(/^synthetic-demo-\d{8}-\d{6}\.tar$/);
    execFileSync("tar", ["-xf", tarPath, "-C", tmp]);
    const dir = join(tmp, dl.suggestedFilename().replace(/\.tar$/, ""));
    const source = { get: async (name: string) => new Uint8Array(readFileSync(join(dir, name))) };
    const manifest = await readManifest(source);
    expect(manifest).toMatchObject({ format: "edgerec-artifact/1", tenant: "synthetic", model: { kind: "bpr", dim: 33 }, trainer: { backend: "tfjs-wasm" } });
    expect(manifest.metrics["ndcg@10"]).toBeCloseTo(s.final!.ndcg10, 3);
    expect(Object.keys(manifest.files).sort()).toEqual(["items.bin", "items.json", "popular.json", "seen.bin", "users.bin", "users.json"]);
    const items = decodePack(await readVerified(source, manifest, "items.bin"), "items.bin");
    expect(items.rows).toBe(500);
    expect(Array.from(items.data.subarray(0, 33))).toEqual(s.model!.firstItem.map((v) => Math.fround(v)));

    // Publishing to an edge that is not running fails gracefully, with a readable line.
    await page.fill("#edge-url", "http://127.0.0.1:9");
    await page.click("#publish");
    await page.waitForFunction(() => /^✗ /.test(document.getElementById("ship-line")?.textContent ?? ""), null, { timeout: 20_000 });
    expect(await page.textContent("#ship-line")).toMatch(/cannot reach the edge at http:\/\/127\.0\.0\.1:9/);

    // Publishing to a running edge (the Node host) uploads the files with the admin key and activates the version.
    const state = join(tmp, "edge-state");
    const admin = generateKey();
    const config = emptyTenantConfig("demo");
    config.keys = [await keyRecord(admin, "admin")];
    await new FsConfigStore(state).put(config);
    const host = createNodeHost({ stateDir: state, configTtlMs: 0 });
    const edge = await new Promise<{ url: string; close: () => void }>((resolve) => {
      const s = serve({ fetch: host.app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, close: () => s.close() }));
    });
    try {
      await page.fill("#edge-url", edge.url);
      await page.fill("#edge-tenant", "demo");
      await page.fill("#edge-key", admin);
      await page.click("#publish");
      await page.waitForFunction(() => /^[✓✗] /.test(document.getElementById("ship-line")?.textContent ?? ""), null, { timeout: 30_000 });
      expect(await page.textContent("#ship-line")).toMatch(/^✓ published demo\/\S+ to .* and activated it/);
      const active = (await new FsConfigStore(state).get("demo"))!.active!;
      expect(active).toBeTruthy();
      const served = await fetch(`${edge.url}/v1/tenants/demo/artifacts/active/manifest.json`, { headers: { Authorization: `Bearer ${admin}` } });
      expect(served.status).toBe(200);
      expect(await served.json()).toMatchObject({ tenant: "demo", version: active, model: { kind: "bpr" } });
    } finally {
      edge.close();
    }
    await page.close();
  });

  it("trains ALS with validation after every iteration, and says it runs on typed arrays", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?dataset=synthetic&model=als&epochs=4&dim=16&autostart=1`);
    await waitFor(page, "done");
    const s = await status(page);
    expect(s.error).toBeNull();
    expect(s.backend).toBe("typed-arrays");
    expect(s.model!.backend).toBe("typed-arrays");
    expect(await page.textContent("#backend-line")).toMatch(/^typed arrays on the main thread/);
    expect(s.epochs).toHaveLength(4);
    for (const p of s.epochs) expect(p.ndcg10).toBeGreaterThan(s.baseline!.ndcg10);
    expect(s.final!.ndcg10).toBeGreaterThan(s.baseline!.ndcg10 * 1.1);
    await page.close();
  });

  it("trains GraphSAGE on tfjs wasm, evaluates it after the last epoch, and beats popularity", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?dataset=synthetic&model=graphsage&backend=wasm&epochs=2&dim=16&autostart=1`);
    await waitFor(page, "done");
    const s = await status(page);
    expect(s.error).toBeNull();
    expect(s.backend).toBe("wasm");
    expect(s.model!.backend).toBe("tfjs-wasm");
    expect(await page.textContent("#backend-line")).toMatch(/^tfjs wasm — wasm: SIMD with (\d+ )?threads/);
    expect(s.epochs).toHaveLength(2);
    // Embeddings exist only after training: the first epoch has no figures, the last has the final ones.
    expect(s.epochs[0]!.ndcg10).toBeNaN();
    expect(s.epochs[1]!.ndcg10).toBe(s.final!.ndcg10);
    expect(s.epochs[1]!.loss).toBeLessThan(s.epochs[0]!.loss);
    expect(s.final!.ndcg10).toBeGreaterThan(s.baseline!.ndcg10 * 1.1);
    await page.close();
  });

  it("stops on the stop button and keeps the epochs trained so far", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?dataset=synthetic&epochs=200&dim=16&autostart=1`);
    await page.waitForFunction(() => (window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo.epochs.length >= 2, null, { timeout: 120_000 });
    expect(await page.isEnabled("#stop")).toBe(true);
    expect(await page.textContent("#progress-line")).toMatch(/ETA \d/);
    await page.click("#stop");
    await waitFor(page, "done", 60_000);
    const s = await status(page);
    expect(s.epochs.length).toBeGreaterThanOrEqual(2);
    expect(s.epochs.length).toBeLessThan(200);
    expect(await page.textContent("#progress-line")).toMatch(/^Stopped after \d+ epochs/);
    await page.close();
  });

  it("trains on CSV and Parquet files the visitor picks, and explains a file it cannot read", async () => {
    // 40 users in 4 groups of 10 items; every user touches 6 of their group's items.
    const pairs: Array<[string, string]> = [];
    for (let u = 0; u < 40; u++) for (let k = 0; k < 6; k++) pairs.push([`u${u}`, `i${(u % 4) * 10 + ((u + k * 3) % 10)}`]);
    const csv = join(tmp, "clicks.csv");
    writeFileSync(csv, ["user_id,item_id", ...pairs.map((p) => p.join(","))].join("\n"));
    const parquet = join(tmp, "clicks.parquet");
    writeFileSync(parquet, new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: "user_id", data: pairs.map((p) => p[0]), type: "STRING" },
        { name: "item_id", data: pairs.map((p) => p[1]), type: "STRING" },
      ],
    })));
    const page = await browser.newPage();
    await page.goto(`${server.url}?epochs=3&dim=8&backend=cpu`);
    await page.setInputFiles("#file-input", csv);
    await trainAndWait(page, "done");
    const s = await status(page);
    expect(s.backend).toBe("cpu");
    expect(await page.textContent("#backend-line")).toBe("tfjs cpu — cpu: plain JavaScript (as requested)");
    expect(await page.textContent("#data-line")).toMatch(/^clicks\.csv: csv \(file name 'clicks\.csv' ends in \.csv\) — 40 users × 40 items, 240 interactions$/);
    const fromCsv = s.final!.ndcg10;

    // The same interactions as Parquet: same ids in the same order, so the same split and the same model.
    await page.setInputFiles("#file-input", parquet);
    await trainAndWait(page, "done");
    expect(await page.textContent("#data-line")).toMatch(/^clicks\.parquet: parquet \(file starts with the parquet magic PAR1\) — 40 users × 40 items, 240 interactions$/);
    expect((await status(page)).final!.ndcg10).toBeCloseTo(fromCsv, 6);

    const bad = join(tmp, "notes.txt");
    writeFileSync(bad, "hello, this is not interaction data\n");
    await page.setInputFiles("#file-input", bad);
    await trainAndWait(page, "error");
    expect(await page.textContent("#error")).toMatch(/notes\.txt: cannot detect the format/);
    await page.close();
  });
});
