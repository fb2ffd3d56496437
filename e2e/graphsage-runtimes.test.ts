// GraphSAGE trains the same way in Node and in headless Chromium: one seeded scenario (e2e/fixtures/graphsage) —
// tiny planted graph, 2 epochs × 4 Adam steps — runs in Node on tfjs wasm, in Chromium on wasm (SIMD + threads: the
// page is cross-origin isolated) and in Chromium on WebGPU (the software SwiftShader adapter). The batches come from
// the seeded Rng in plain JavaScript, so every runtime must train on the same batches (equal digests); the initial
// weights come from the same Rng, so step 1's loss is the same forward pass everywhere. Losses per step and the
// final embeddings are compared within the tolerances below.

import type { Browser, Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plantSynthetic } from "../shared/data/synthetic.ts";
import { ISOLATION_HEADERS } from "../web/demo/vite.config.ts";
import { chromiumAvailable, launchChromium } from "./browser.ts";
import { runSageScenario, type SageScenarioInput, type SageScenarioOutput } from "./fixtures/graphsage/scenario.ts";

const ROOT = fileURLToPath(new URL("./fixtures/graphsage/", import.meta.url));
const REPO = fileURLToPath(new URL("../", import.meta.url));

// Tolerances. wasm in Chromium runs the same kernels (XNNPACK, tfjs's C++ ops) as wasm in Node — with worker threads
// XNNPACK splits a matmul over output tiles, never one dot product's sum — so the runs must be bit-identical
// (observed: they are). WebGPU sums in another order — matMul and sum reduce over tiles and workgroups, and scatterND
// adds duplicate rows' gradients with atomics in whatever order the threads arrive — so each op's float32 result can
// differ from wasm's in the last bits, and Adam carries that through 8 steps (observed: ≤ 1e-6 on losses near 0.69
// and on embedding components of order 0.1–1). 1e-5 is 10× that drift and far below what a real difference gives:
// measured in Node on this scenario, another seed moves step losses by 1e-3–1e-1, a learning rate 1% higher moves
// the item embeddings by 0.1, a regularisation 10% higher by 0.014.
const WEBGPU_TOL = 1e-5;

let input: Omit<SageScenarioInput, "backend">;
let nodeOut: SageScenarioOutput;
let server: ViteDevServer;
let browser: Browser;

beforeAll(async () => {
  const { data } = plantSynthetic({ users: 50, items: 40, interactionsPerUser: 8, categories: 4, seed: 5 });
  input = {
    users: data.userIds.size,
    items: data.itemIds.size,
    pairs: { users: Array.from(data.users), items: Array.from(data.items) },
    newItemUsers: [0, 3, 7],
  };
  nodeOut = await runSageScenario({ ...input, backend: "wasm" });
  if (!chromiumAvailable()) return;
  server = await createServer({
    configFile: false,
    root: ROOT,
    logLevel: "error",
    server: { host: "127.0.0.1", port: 0, headers: ISOLATION_HEADERS, fs: { allow: [REPO] } },
    // Pre-bundled up front (the GPU backends load lazily), so Vite never reloads the page mid-run to add one.
    optimizeDeps: { include: ["@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-cpu", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-backend-webgpu", "@tensorflow/tfjs-backend-webgl"] },
  });
  await server.listen();
  browser = await launchChromium({ webgpu: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function inChromium(backend: SageScenarioInput["backend"]): Promise<{ out: SageScenarioOutput; isolated: boolean }> {
  const page: Page = await browser.newPage();
  page.on("pageerror", (err) => console.error(`[chromium ${backend}] ${err.message}`));
  try {
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.waitForFunction(() => document.title === "graphsage ready", undefined, { timeout: 120_000 });
    const out = await page.evaluate((i) => window.runSageScenario(i), { ...input, backend });
    return { out, isolated: await page.evaluate(() => window.isolated) };
  } finally {
    await page.close();
  }
}

const maxDiff = (a: number[], b: number[]): number => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k]!)), 0);
};

/** The same batches, then losses and embeddings within `tol` of Node's (0: bit-identical). */
function expectAgrees(out: SageScenarioOutput, tol: number): void {
  expect(out.batchDigests).toEqual(nodeOut.batchDigests);
  const diffs = {
    losses: maxDiff(out.losses, nodeOut.losses),
    items: maxDiff(out.items, nodeOut.items),
    users: maxDiff(out.users, nodeOut.users),
    newItem: maxDiff(out.newItem, nodeOut.newItem),
  };
  console.info(`[graphsage ${out.backend} in Chromium vs Node] max |difference|: ${JSON.stringify(diffs)}`);
  for (const [what, d] of Object.entries(diffs)) expect(d, what).toBeLessThanOrEqual(tol);
}

describe("GraphSAGE in Node (tfjs wasm): the reference run", () => {
  it("trains 8 steps on distinct batches and learns", () => {
    expect(nodeOut.backend).toBe("tfjs-wasm");
    expect(nodeOut.losses).toHaveLength(8);
    expect(new Set(nodeOut.batchDigests).size).toBe(8);
    for (const l of nodeOut.losses) expect(Number.isFinite(l)).toBe(true);
    // BPR starts at log 2 (random scores) and falls.
    expect(nodeOut.losses[0]).toBeCloseTo(Math.log(2), 1);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(nodeOut.losses.slice(4))).toBeLessThan(mean(nodeOut.losses.slice(0, 4)));
    expect(nodeOut.newItem.some((v) => v !== 0)).toBe(true);
  });
});

describe.skipIf(!chromiumAvailable())("GraphSAGE in headless Chromium agrees with Node", () => {
  it("on wasm (cross-origin isolated page: SIMD with threads)", async () => {
    const { out, isolated } = await inChromium("wasm");
    expect(isolated).toBe(true);
    expect(out.backend).toBe("tfjs-wasm");
    expect(out.reason).toMatch(/wasm: SIMD with (\d+ )?threads/);
    expectAgrees(out, 0);
  });

  it("on WebGPU (software adapter)", async () => {
    const { out } = await inChromium("webgpu");
    const probe = out.probes.find((p) => p.name === "webgpu")!;
    // No silent pass: without an adapter chooseBackend falls back to wasm, and this says why WebGPU did not run.
    expect(probe.available, `WebGPU is unavailable in this Chromium (${probe.detail}); the WebGPU comparison did not run`).toBe(true);
    expect(out.backend, `asked for WebGPU but trained on ${out.backend}: ${out.reason}`).toBe("tfjs-webgpu");
    expect(out.reason).toContain("software fallback adapter");
    expectAgrees(out, WEBGPU_TOL);
  });
});
