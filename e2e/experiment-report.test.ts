// The experiment report page (web/experiment-report.html) in headless Chromium, fed a report computed by
// shared/experiments/report.ts from simulated visitors: the verdict, the table and the interval charts appear;
// a sample-ratio mismatch is shown as such; garbage input gets a readable message.
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketOf, pickWeighted } from "../shared/experiments/bucket.ts";
import { type ReportEvent, experimentReport } from "../shared/experiments/report.ts";
import { Rng } from "../shared/random.ts";
import { launchChromium } from "./browser.ts";

const page = `file://${fileURLToPath(new URL("../web/experiment-report.html", import.meta.url))}`;
let browser: Browser;

function report(ctr: [number, number], drop = 0) {
  const rng = new Rng(9);
  const exp = { id: "exp", salt: "s", variants: [{ name: "control", weight: 1 }, { name: "mmr", weight: 1 }] };
  const events: ReportEvent[] = [];
  for (let u = 0; u < 6000; u++) {
    const v = pickWeighted(bucketOf(exp.salt, `u${u}`), [1, 1]);
    if (v === 1 && rng.next() < drop) continue;
    const recomm_id = `exp.${exp.variants[v]!.name}.x`;
    for (let k = 0; k < 8; k++) {
      events.push({ user_id: `u${u}`, type: "impression", recomm_id });
      if (rng.next() < ctr[v]!) events.push({ user_id: `u${u}`, type: "click", recomm_id }, ...(rng.next() < 0.3 ? [{ user_id: `u${u}`, type: "conversion", recomm_id }] : []));
    }
  }
  return experimentReport(exp, events);
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe("experiment report page", () => {
  it("charts a detected lift, a sample-ratio mismatch, and refuses garbage", async () => {
    const p = await browser.newPage();
    const r = report([0.1, 0.13]);
    expect(r.detected).toBe(true);
    await p.goto(`${page}#json=${encodeURIComponent(JSON.stringify(r))}`);
    await expect.poll(() => p.locator(".verdict").textContent()).toMatch(/^Significant difference in CTR/);
    expect(await p.locator("tbody tr").count()).toBe(2);
    // CTR and conversion per arm (2 + 2 points) and two lifts (CTR, conversion).
    expect(await p.locator("circle.point").count()).toBe(6);
    expect(await p.locator("svg[role=img]").count()).toBe(3);

    await p.locator("#input").fill(JSON.stringify(report([0.1, 0.1], 0.1)));
    await p.locator("#show").click();
    await expect.poll(() => p.locator(".verdict").textContent()).toMatch(/Sample-ratio mismatch/);

    await p.locator("#input").fill("{nope");
    await p.locator("#show").click();
    await expect.poll(() => p.locator(".verdict").textContent()).toMatch(/^Not a report/);
    await p.close();
  });
});
