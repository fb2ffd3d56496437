// `npm run demo`'s prepare step against wrangler's local state (Miniflare), on a tiny CSV: it activates its artifact
// over nothing and over its own earlier version, but a version the pipeline activated since stays active when the
// demo is re-run (issue #13: the demo used to re-activate its own artifact over it, silently).

import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPublish } from "../cli/publish.ts";
import { runTrain } from "../cli/train.ts";
import { versionFromDate } from "../export.ts";
import { openEdgeStore } from "../../edge/node/index.ts";
import { type DemoOptions, prepareDemo } from "./prepare.ts";
import { nodeEdgeHost } from "../../edge/node/host.ts";

const tenant = "shop";
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** 60 users in 4 groups of 12 items, 8 items each: ALS beats popularity on it in well under a second. */
function clicks(users: number, from = 0): string[] {
  const rows: string[] = [];
  for (let u = from; u < from + users; u++) for (let k = 0; k < 8; k++) rows.push(`u${u},i${(u % 4) * 12 + ((u + k * 5) % 12)}`);
  return rows;
}

async function setup(): Promise<{ opts: (log: string[]) => DemoOptions; csv: string; state: string; tmp: string }> {
  const tmp = await mkdtemp(path.join(tmpdir(), "edgerec-demo-prepare-"));
  dirs.push(tmp);
  const csv = path.join(tmp, "clicks.csv");
  await writeFile(csv, ["user_id,item_id", ...clicks(60)].join("\n") + "\n");
  const state = path.join(tmp, "state");
  const opts = (log: string[]): DemoOptions => ({
    home: path.join(tmp, "home"),
    state,
    runs: path.join(tmp, "runs"),
    host: nodeEdgeHost,
    tenant,
    model: "als",
    data: csv,
    log: (line) => log.push(line),
  });
  return { opts, csv, state, tmp };
}

async function activeVersion(state: string): Promise<string | null> {
  const store = await openEdgeStore("local", { stateDir: state });
  try {
    return (await store.getConfig(tenant))?.active ?? null;
  } finally {
    await store.close();
  }
}

/** Versions are named by the second (versionFromDate): waits until a new name is due. */
async function nextSecond(after: string): Promise<void> {
  while (versionFromDate() <= after) await new Promise((r) => setTimeout(r, 50));
}

describe("npm run demo: prepare (local state)", () => {
  it("activates its artifact over nothing, reuses it when re-run, and replaces its own earlier version", async () => {
    const { opts, csv, state } = await setup();
    const log1: string[] = [];
    const first = await prepareDemo(opts(log1));
    expect(await activeVersion(state)).toBe(first.version);
    expect(log1.at(-1)).toMatch(new RegExp(`^demo: published ${tenant}@${first.version} \\(\\d+ files\\) and activated it$`));

    const log2: string[] = [];
    const again = await prepareDemo(opts(log2));
    expect(again).toMatchObject({ version: first.version, reused: { artifact: true, publish: true, keys: true } });
    expect(log2.at(-1)).toBe(`demo: ${tenant}@${first.version} is already active in ${state}`);

    // New data: the demo trains a new version, and activates it over its own earlier one.
    await nextSecond(first.version);
    await appendFile(csv, clicks(12, 60).join("\n") + "\n");
    const log3: string[] = [];
    const second = await prepareDemo(opts(log3));
    expect(second.version).not.toBe(first.version);
    expect(second.reused).toEqual({ artifact: false, publish: false, keys: true });
    expect(await activeVersion(state)).toBe(second.version);
    expect(log3.at(-1)).toMatch(new RegExp(`^demo: published ${tenant}@${second.version} \\(\\d+ files\\) and activated it$`));
  }, 180_000);

  it("re-run after the pipeline activated a newer version: leaves that version active and says so", async () => {
    const { opts, csv, state, tmp } = await setup();
    const demo = await prepareDemo(opts([]));
    expect(await activeVersion(state)).toBe(demo.version);

    // The pipeline retrains, publishes and activates a newer version in the same local state.
    await nextSecond(demo.version);
    const newer = versionFromDate();
    const out = path.join(tmp, "pipeline", newer);
    await runTrain(["--data", csv, "--format", "csv", "--model", "als", "--no-tune", "--tenant", tenant, "--version", newer, "--out", out, "--runs", path.join(tmp, "runs")]);
    await runPublish(["--artifact", out, "--tenant", tenant, "--target", "local", "--state", state, "--activate", "--skip-users"], nodeEdgeHost);
    expect(await activeVersion(state)).toBe(newer);

    // Re-run with the same data and model: the demo's artifact is reused, and not activated over the newer one.
    const log: string[] = [];
    const rerun = await prepareDemo(opts(log));
    expect(rerun).toMatchObject({ version: demo.version, reused: { artifact: true, publish: false, keys: true } });
    expect(await activeVersion(state)).toBe(newer);
    expect(log.some((l) => l.startsWith("demo: published"))).toBe(false);
    expect(log.at(-1)).toContain(`demo: ${tenant} serves ${newer} (newer than the demo's ${demo.version}); left active`);
    expect(log.at(-1)).toContain(`npx edgerec publish --artifact ${demo.artifact} --tenant ${tenant} --target local --state ${state} --activate`);

    // Nor when the demo has trained a new version of its own since (new data): the pipeline's stays active.
    await nextSecond(newer);
    await appendFile(csv, clicks(12, 60).join("\n") + "\n");
    const log2: string[] = [];
    const retrained = await prepareDemo(opts(log2));
    expect(retrained.version).not.toBe(demo.version);
    expect(retrained.reused.artifact).toBe(false);
    expect(await activeVersion(state)).toBe(newer);
    expect(log2.at(-1)).toContain(`demo: ${tenant} serves ${newer} `);
    expect(log2.at(-1)).toContain("left active");
  }, 180_000);
});
