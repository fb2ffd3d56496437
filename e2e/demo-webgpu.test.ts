// BPR trained on WebGPU for real (headless Chromium's SwiftShader adapter: correct but slow, so the set is tiny),
// checked against the same model trained on wasm and on cpu in the same page build: same seed, same sampled
// triples, so losses, metrics and factors must agree to float32 round-off.

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoStatus } from "../web/demo/main.ts";
import { chromiumAvailable, launchChromium } from "./browser.ts";
import { type DemoServer, startDemoServer } from "./fixtures/demo/server.ts";

let server: DemoServer;
let browser: Browser;

async function trainTiny(page: Page, backend: string): Promise<DemoStatus> {
  await page.goto(`${server.url}?dataset=synthetic-tiny&dim=8&epochs=2&backend=${backend}&autostart=1`);
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state ?? ""), null, { timeout: 200_000, polling: 250 });
  return page.evaluate(() => (window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo);
}

describe.skipIf(!chromiumAvailable())("BPR on WebGPU (software adapter) agrees with wasm and cpu", () => {
  beforeAll(async () => {
    server = await startDemoServer();
    browser = await launchChromium({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("trains on WebGPU when asked, says so, and matches the other backends", async () => {
    const page = await browser.newPage();
    const gpu = await trainTiny(page, "webgpu");
    expect(gpu.error).toBeNull();
    expect(gpu.backend).toBe("webgpu");
    expect(gpu.model!.backend).toBe("tfjs-webgpu");
    expect(await page.textContent("#backend-line")).toBe("tfjs webgpu — webgpu: software fallback adapter (SwiftShader) (as requested)");

    for (const other of ["wasm", "cpu"]) {
      const ref = await trainTiny(page, other);
      expect(ref.error).toBeNull();
      expect(ref.model!.backend).toBe(`tfjs-${other}`);
      expect(gpu.epochs).toHaveLength(2);
      expect(ref.epochs).toHaveLength(2);
      gpu.epochs.forEach((p, k) => {
        expect(p.loss).toBeCloseTo(ref.epochs[k]!.loss, 4);
        expect(p.ndcg10).toBeCloseTo(ref.epochs[k]!.ndcg10, 3);
      });
      expect(gpu.final!.ndcg10).toBeCloseTo(ref.final!.ndcg10, 3);
      const diff = Math.max(...gpu.model!.firstItem.map((v, k) => Math.abs(v - ref.model!.firstItem[k]!)));
      expect(diff).toBeLessThan(1e-3);
    }
    // A model that did learn: loss fell over the two epochs.
    expect(gpu.epochs[1]!.loss).toBeLessThan(gpu.epochs[0]!.loss);
    await page.close();
  });
});
