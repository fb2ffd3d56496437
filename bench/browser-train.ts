// bench:browser-train — BPR-MF on MovieLens-100k in the demo page, once per tfjs backend that headless Chromium
// offers (webgpu, webgl, wasm, cpu). The page is driven like a visitor would: u.data + u.item through the file
// picker, the backend forced in the form, Train, and Stop when a backend runs past its time budget.
// Prints one JSON object: {"backends": [{name, available, epochsPerSecond, ndcg10, …}], machine, …}.
// Throughput counts training time only (per-epoch validation excluded); a backend stopped inside its first epoch
// reports its rate from the share of the epoch it finished.
// Env: EDGEREC_ML100K (default ../shared/data/ml-100k), BENCH_EPOCHS (default 5), BENCH_BUDGET_S per backend (60).

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { chromiumAvailable, launchChromium } from "../e2e/browser.ts";
import { startDemoServer } from "../e2e/fixtures/demo/server.ts";
import type { DemoStatus } from "../web/demo/main.ts";
import { machine } from "./machine.ts";

const BACKENDS = ["webgpu", "webgl", "wasm", "cpu"] as const;
const DIM = 64;

interface BackendResult {
  name: string;
  available: boolean;
  epochsPerSecond: number | null;
  ndcg10: number | null;
  /** Full epochs finished (fewer than asked when the budget ran out). */
  epochs: number;
  trainSeconds: number;
  stoppedByBudget: boolean;
  detail: string;
  /** NDCG@10 of the popularity baseline on the same split, as the page showed it. */
  popularityNdcg10: number | null;
}

async function runBackend(browser: Browser, url: string, files: string[], name: string, epochs: number, budgetS: number): Promise<BackendResult> {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}?model=bpr&dim=${DIM}&epochs=${epochs}&backend=${name}`);
    await page.setInputFiles("#file-input", files);
    await page.click("#train");
    // WebGL under SwiftShader compiles shaders on the page's main thread for minutes: every call into the page is
    // bounded, and the last answer it gave is kept.
    const read = (): Promise<DemoStatus | null> =>
      Promise.race([
        page.evaluate(() => (window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo),
        new Promise<null>((r) => setTimeout(() => r(null), 5000)),
      ]).catch(() => null);
    const started = Date.now();
    let stoppedByBudget = false;
    let unresponsive = false;
    let s = (await read())!;
    for (;;) {
      const now = await read();
      if (now) s = now;
      if (s.state === "done" || s.state === "error") break;
      if (!stoppedByBudget && Date.now() - started > budgetS * 1000) {
        stoppedByBudget = true;
        await page.click("#stop", { timeout: 5000 }).catch(() => undefined);
      }
      // A backend that cannot even finish a batch after the stop gets a further minute, then is abandoned.
      if (Date.now() - started > (budgetS + 60) * 1000) {
        unresponsive = now === null;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const probe = s.probes.find((p) => p.name === name);
    const ran = s.backend === name && (s.state === "done" || s.state === "training");
    const complete = s.epochs.filter((p) => !p.partial);
    const full = complete.length;
    // Epochs done as a fraction (a partial last epoch counts for its share), over training seconds.
    const epochsDone = s.progress * epochs;
    const last = complete[full - 1];
    return {
      name,
      available: ran,
      epochsPerSecond: ran && s.trainSeconds > 0 ? round(epochsDone / s.trainSeconds, 4) : null,
      ndcg10: ran && full > 0 && last ? round(last.ndcg10, 4) : null,
      epochs: full,
      trainSeconds: round(s.trainSeconds, 2),
      stoppedByBudget,
      popularityNdcg10: s.baseline ? round(s.baseline.ndcg10, 4) : null,
      detail: unresponsive || s.state === "training"
        ? `${probe?.detail ?? name}: not done ${budgetS + 60} s after the start${unresponsive ? ", the page had stopped answering (main thread busy)" : ""}; rate from its last progress report`
        : ran ? (probe?.detail ?? s.backendLine) : (s.error ?? `${probe?.detail ?? "not offered"}; the page ran ${s.backend ?? "nothing"}: ${s.backendLine}`),
    };
  } finally {
    await Promise.race([page.close({ runBeforeUnload: false }), new Promise((r) => setTimeout(r, 10_000))]).catch(() => undefined);
  }
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  if (!chromiumAvailable()) throw new Error("Chromium is not installed (set CHROMIUM_PATH)");
  const dataDir = resolve(process.env.EDGEREC_ML100K ?? join(import.meta.dirname, "../../shared/data/ml-100k"));
  const files = ["u.data", "u.item"].map((f) => join(dataDir, f)).filter((f) => existsSync(f));
  if (!files[0]?.endsWith("u.data")) throw new Error(`MovieLens-100k not found: no u.data in ${dataDir} (set EDGEREC_ML100K)`);
  const epochs = Number(process.env.BENCH_EPOCHS ?? 5);
  const budgetS = Number(process.env.BENCH_BUDGET_S ?? 60);
  const server = await startDemoServer();
  const browser = await launchChromium({ webgpu: true });
  const browserVersion = browser.version();
  const backends: BackendResult[] = [];
  try {
    for (const name of BACKENDS) {
      process.stderr.write(`bench:browser-train: ${name}…\n`);
      backends.push(await runBackend(browser, server.url, files, name, epochs, budgetS));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const out = {
    bench: "browser-train",
    dataset: "ml-100k (80% per-user train split)",
    model: { kind: "bpr", dim: DIM, epochs, engine: "trainer/models/bpr-tfjs.ts (Adam, mini-batches)" },
    budgetSecondsPerBackend: budgetS,
    browser: `Chromium ${browserVersion} headless, --enable-unsafe-webgpu`,
    backends,
    machine: machine(),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:browser-train: ${(err as Error).message}\n`);
  process.exit(1);
});
