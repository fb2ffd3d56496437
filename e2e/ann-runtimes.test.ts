// The one hnsw.wasm file, unchanged, in the three runtimes it serves: the same scenario (e2e/fixtures/ann) runs in
// Node, inside workerd (Miniflare, the module imported as a CompiledWasm module) and in headless Chromium (the
// module streamed from a fetch Response). Node's output is checked against exact search and hnswlib-node; workerd's
// and Chromium's must equal Node's exactly (same module, same inputs, same bytes out).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import hnswlibNode from "hnswlib-node";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusteredVectors } from "../shared/ann/contract.case.ts";
import { ExactIndex } from "../shared/ann/exact.ts";
import { HNSW_WASM_PATH, loadHnswWasmNode } from "../trainer/io/hnsw-wasm-node.ts";
import { chromiumAvailable, launchChromium } from "./browser.ts";
import { runAnnScenario, type ScenarioInput, type ScenarioOutput } from "./fixtures/ann/scenario.ts";

const { HierarchicalNSW } = hnswlibNode;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/ann/${name}`, import.meta.url));

const space = "cosine";
const dim = 24;
const n = 1500;
const vectors = clusteredVectors(n, dim, 30, 5);
const queries = clusteredVectors(40, dim, 30, 5, 0.35, 6);
const rowOf = (vs: Float32Array, i: number) => Array.from(vs.subarray(i * dim, (i + 1) * dim));

let input: ScenarioInput;
let nodeOut: ScenarioOutput;
let truth: number[][];

beforeAll(async () => {
  // hnswlib-node writes an index file over the same vectors: the scenario reads it in every runtime.
  const dir = mkdtempSync(join(tmpdir(), "edgerec-ann-e2e-"));
  const native = new HierarchicalNSW(space, dim);
  native.initIndex({ maxElements: n, m: 16, efConstruction: 100 });
  for (let i = 0; i < n; i++) native.addPoint(rowOf(vectors, i), i);
  native.writeIndexSync(join(dir, "native.hnsw"));
  const nativeBytes = readFileSync(join(dir, "native.hnsw"));
  rmSync(dir, { recursive: true, force: true });
  input = { space, dim, vectors: Array.from(vectors), queries: Array.from(queries), nativeIndexBase64: nativeBytes.toString("base64") };
  const exact = new ExactIndex({ space, dim });
  for (let i = 0; i < n; i++) exact.add(rowOf(vectors, i), i);
  truth = Array.from({ length: 40 }, (_, q) => exact.search(rowOf(queries, q), 10).map((h) => h.label));
  nodeOut = await runAnnScenario(await loadHnswWasmNode(), input);
}, 120_000);

function recall(got: number[][], want: number[][]): number {
  let hit = 0;
  got.forEach((labels, q) => (hit += labels.filter((l) => want[q]!.includes(l)).length));
  return hit / (want.length * 10);
}

describe("Node: the reference run is right", () => {
  it("finds the exact neighbours, honours filters and deletions, round-trips", () => {
    expect(recall(nodeOut.results, truth)).toBeGreaterThanOrEqual(0.98);
    expect(recall(nodeOut.nativeResults, truth)).toBeGreaterThanOrEqual(0.98);
    expect(nodeOut.filtered.flat().every((l) => l % 3 === 0)).toBe(true);
    expect(nodeOut.filtered.every((l) => l.length === 10)).toBe(true);
    expect(nodeOut.afterRemove.flat().some((l) => l < 10)).toBe(false);
    expect(nodeOut.sizeAfterRemove).toBe(n - 10);
    expect(nodeOut.roundTripSame).toBe(true);
    expect(nodeOut.nativeReserializedSha256).toBe(nodeOut.nativeSha256);
    for (const s of nodeOut.scores.flat()) expect(s).toBeLessThanOrEqual(1.00001);
  });

  it("raises typed errors for every bad input", () => {
    expect(Object.fromEntries(Object.entries(nodeOut.errors).map(([k, v]) => [k, v?.code]))).toEqual({
      wrongDimension: "ann_dimension",
      nanComponent: "ann_bad_vector",
      kZero: "ann_bad_k",
      unknownLabel: "ann_unknown_label",
      truncated: "ann_corrupt_index",
      corrupt: "ann_corrupt_index",
      overCapacity: "ann_capacity",
      filterThrows: "ann_bad_params",
    });
    expect(nodeOut.errors.truncated!.message).toMatch(/truncated|bytes/);
  });

  it("keeps working after the memory grew", () => {
    expect(nodeOut.growth.bytesAfter).toBeGreaterThan(nodeOut.growth.bytesBefore);
    expect(nodeOut.growth.sameResultsAfter).toBe(true);
  });
});

async function bundle(entry: string, platform: "browser" | "neutral"): Promise<string> {
  const result = await build({
    entryPoints: [fixture(entry)],
    bundle: true,
    format: "esm",
    platform,
    target: "es2022",
    write: false,
    // The worker imports the module as `./hnsw.wasm`, provided next to it as a CompiledWasm module.
    plugins: [{ name: "wasm-external", setup: (b) => b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./hnsw.wasm", external: true })) }],
  });
  return result.outputFiles[0]!.text;
}

describe("workerd (Miniflare): hnsw.wasm imported as a module", () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = new Miniflare({
      compatibilityDate: "2026-04-01",
      modulesRoot: "/",
      modules: [
        { type: "ESModule", path: "/worker.js", contents: await bundle("worker.ts", "neutral") },
        { type: "CompiledWasm", path: "/hnsw.wasm", contents: readFileSync(HNSW_WASM_PATH) },
      ],
    });
    await mf.ready;
  }, 120_000);
  afterAll(async () => mf?.dispose());

  it("gives exactly Node's output", async () => {
    const res = await mf.dispatchFetch("http://ann.test/", { method: "POST", body: JSON.stringify(input) });
    expect(res.status).toBe(200);
    const got = (await res.json()) as { isModule: boolean; compileRefused: boolean; output: ScenarioOutput };
    expect(got.isModule).toBe(true);
    expect(got.compileRefused).toBe(true);
    expect(got.output).toEqual(nodeOut);
  });
});

describe.skipIf(!chromiumAvailable())("Chromium: hnsw.wasm streamed from a Response", () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    const files: Record<string, { type: string; body: string | Buffer }> = {
      "/": { type: "text/html", body: readFileSync(fixture("page.html"), "utf8") },
      "/page.js": { type: "text/javascript", body: await bundle("page.ts", "browser") },
      "/hnsw.wasm": { type: "application/wasm", body: readFileSync(HNSW_WASM_PATH) },
    };
    server = createServer((req, res) => {
      const file = files[req.url ?? ""];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": file.type }).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("gives exactly Node's output", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on("pageerror", (e) => logs.push(String(e)));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => document.title === "ann ready");
      const got = (await page.evaluate((inp) => window.runScenario(inp), input)) as { loadedFrom: string; output: ScenarioOutput };
      expect(logs).toEqual([]);
      expect(got.loadedFrom).toBe("stream");
      expect(got.output).toEqual(nodeOut);
    } finally {
      await browser.close();
    }
  });
});
