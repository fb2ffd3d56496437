// A trained two-tower artifact's model/ (tfjs sharded weights) loaded in headless Chromium through tfjs's own
// io.loadWeights: every weight comes back bit-exact (SHA-256 of its float32 bytes equals the trainer's).
import { cpSync, mkdtempSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeTfjsWeights } from "../shared/artifact/tfjs-weights.ts";
import { runTrain } from "../trainer/cli/train.ts";
import { makeShopFiles } from "../trainer/testing/shop-files.ts";
import { launchChromium } from "./browser.ts";

const ROOT = fileURLToPath(new URL("./fixtures/tfjs-weights/", import.meta.url));
let browser: Browser;
let server: ViteDevServer;
let art: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "edgerec-tfjsw-"));
  const shop = makeShopFiles({ users: 120, items: 60 });
  await writeFile(join(dir, "events.csv"), shop.interactionsCsv);
  await writeFile(join(dir, "items.csv"), shop.catalogue.csv);
  art = join(dir, "art");
  await runTrain(["--data", join(dir, "events.csv"), "--user-col", "visitor", "--item-col", "product", "--items", join(dir, "items.csv"), "--model", "two-tower", "--epochs", "1", "--holdout", "0", "--no-index", "--out", art, "--runs", join(dir, "runs")]);
  const pub = join(dir, "public");
  cpSync(join(art, "model"), join(pub, "model"), { recursive: true });
  server = await createServer({ root: ROOT, publicDir: pub, logLevel: "error", server: { host: "127.0.0.1", port: 0 } });
  await server.listen();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("tfjs sharded weights in Chromium", () => {
  it("load through tf.io.loadWeights bit-exact", async () => {
    const files = new Map<string, Uint8Array>();
    const json = JSON.parse(await readFile(join(art, "model/model.json"), "utf8"));
    files.set("model/model.json", new Uint8Array(await readFile(join(art, "model/model.json"))));
    for (const p of json.weightsManifest[0].paths as string[]) files.set(`model/${p}`, new Uint8Array(await readFile(join(art, "model", p))));
    expect(json.weightsManifest[0].paths.length).toBeGreaterThanOrEqual(2);
    const { weights } = decodeTfjsWeights((n) => files.get(n));
    const expected = Object.fromEntries([...weights].map(([name, w]) => [name, createHash("sha256").update(Buffer.from(w.data.buffer)).digest("hex")]));
    const page = await browser.newPage();
    const url = server.resolvedUrls!.local[0]!;
    await page.goto(url);
    await page.waitForFunction(() => document.title === "ready", undefined, { timeout: 120_000 });
    const got = await page.evaluate(() => (window as unknown as { loadAndHash: () => Promise<Record<string, string>> }).loadAndHash());
    expect(got).toEqual(expected);
    // 11 tower tensors, the cold-user head's 4 (user/cold/*) and the cold-item head's 4 (item/cold/*): every one came through.
    expect(Object.keys(got)).toHaveLength(19);
    expect(Object.keys(got).filter((n) => n.startsWith("user/cold/"))).toHaveLength(4);
    expect(Object.keys(got).filter((n) => n.startsWith("item/cold/"))).toHaveLength(4);
  });
});
