// `train` must prove its model: data sanity refusals (one line, non-zero), the popularity comparison and its exit
// code, --allow-worse marking the artifact, `publish` refusing a marked artifact unless --force, and the search by
// default (every trial in the run registry, pinned flags respected, --no-tune).

import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSynthetic, type SyntheticOptions } from "../../shared/data/synthetic.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/edgerec.mjs");
let dir: string;

async function edgerec(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const env = { ...process.env, EDGEREC_RUNS: join(dir, "runs"), EDGEREC_THREADS: "2" };
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 1 << 24, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function csv(name: string, o: SyntheticOptions): Promise<string> {
  const d = generateSynthetic(o);
  const lines = ["user_id,item_id"];
  for (let k = 0; k < d.users.length; k++) lines.push(`u${d.userIds.ids[d.users[k]!]},i${d.itemIds.ids[d.items[k]!]}`);
  const path = join(dir, name);
  await writeFile(path, lines.join("\n") + "\n");
  return path;
}

const lastLine = (s: string) => s.trim().split("\n").at(-1) ?? "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgerec-gate-"));
});

describe("train: data sanity", () => {
  it.each([
    ["prose", "notes.txt", "It was the best of times, it was the worst of times.\nIt was the age of wisdom, and of foolishness.\n", /cannot detect the format/],
    ["one row", "one.csv", "user_id,item_id\nu1,i1\n", /too little data to learn from \(1 users, 1 items, 1 interactions/],
    ["all-identical rows", "same.csv", "user_id,item_id\n" + "u1,i1\n".repeat(500), /too little data .*repeated rows count once/],
    ["one item per user", "single.csv", "user_id,item_id\n" + Array.from({ length: 30 }, (_, k) => `u${k},i${k % 7}`).join("\n") + "\n", /0 of 30 users have ≥ 2 items/],
  ])("refuses %s with one line", async (_what, name, text, message) => {
    const path = join(dir, name);
    await writeFile(path, text);
    const r = await edgerec("train", "--data", path, "--out", join(dir, "never"), "--no-index");
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("refuses a degenerate (all-zero) model", async () => {
    const path = await csv("deg.csv", { users: 60, items: 50, interactionsPerUser: 8, categories: 3, seed: 2 });
    const r = await edgerec("train", "--data", path, "--out", join(dir, "deg"), "--no-index", "--no-tune", "--reg", "1e7");
    expect(r.code).not.toBe(0);
    expect(lastLine(r.stderr)).toMatch(/every (item|user) vector is zero/);
  }, 120_000);
});

describe("train: a model must prove itself", () => {
  let popOnly: string;
  beforeAll(async () => {
    // Pure popularity: no latent structure for a factor model to find.
    popOnly = await csv("pop.csv", { users: 120, items: 80, interactionsPerUser: 10, categories: 4, affinity: 0, popularitySkew: 1.2, seed: 5 });
  });

  it("exits non-zero when the model loses to popularity, and --allow-worse writes it marked; publish refuses it without --force", async () => {
    const art = join(dir, "worse");
    const args = ["train", "--data", popOnly, "--out", art, "--no-index", "--no-tune", "--dim", "32", "--epochs", "1", "--reg", "0.01"];
    const r = await edgerec(...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/als does NOT beat popularity on the holdout 0\.1: ndcg@10 [\d.]+ vs [\d.]+/);
    expect(lastLine(r.stderr)).toMatch(/does not beat popularity .*pass --allow-worse/);

    const ok = await edgerec(...args, "--allow-worse");
    expect(ok.code, ok.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(art, "manifest.json"), "utf8"));
    expect(manifest.model.params.beatsBaseline).toBe(false);
    expect(manifest.metrics["baseline.ndcg@10"]).toBeGreaterThan(manifest.metrics["ndcg@10"]);

    const pub = await edgerec("publish", "--artifact", art, "--tenant", "default", "--target", "node", "--state", join(dir, "state"));
    expect(pub.code).not.toBe(0);
    expect(pub.stderr.trim().split("\n")).toHaveLength(1);
    expect(pub.stderr).toMatch(/does not beat popularity's .*pass --force/);
    const forced = await edgerec("publish", "--artifact", art, "--tenant", "default", "--target", "node", "--state", join(dir, "state"), "--force", "--skip-users");
    expect(forced.code, forced.stderr).toBe(0);
  }, 180_000);

  it("searches ALS on a 40 × 60 shop, records every trial, and beats popularity", async () => {
    const path = await csv("tiny.csv", { users: 40, items: 60, interactionsPerUser: 8, categories: 4, seed: 3 });
    const r = await edgerec("train", "--data", path, "--model", "als", "--out", join(dir, "tiny"), "--no-index", "--budget", "60", "--runs", join(dir, "tiny-runs"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/als beats popularity on the holdout/);
    const summary = JSON.parse(r.stdout);
    expect(summary.search.trials).toBeGreaterThan(3);
    const runDirs = await readdir(join(dir, "tiny-runs"));
    const record = JSON.parse(await readFile(join(dir, "tiny-runs", runDirs[0]!, "run.json"), "utf8"));
    expect(record.search.trials).toHaveLength(summary.search.trials);
    for (const t of record.search.trials) expect(t.metrics["ndcg@20"]).toBeGreaterThanOrEqual(0);
    // The chosen point is not on the edge of what was tried for λ: a neighbour on each side was fit.
    const lambdas = record.search.trials.map((t: { point: { regularization: number } }) => t.point.regularization);
    expect(Math.min(...lambdas)).toBeLessThan(summary.params.regularization);
    expect(Math.max(...lambdas)).toBeGreaterThan(summary.params.regularization);
  }, 180_000);

  it("by default judges ALS and the graph filter on the same holdout and exports the better", async () => {
    const path = await csv("auto.csv", { users: 60, items: 50, interactionsPerUser: 10, categories: 4, seed: 4 });
    const out = join(dir, "auto");
    const r = await edgerec("train", "--data", path, "--out", out, "--no-index", "--budget", "30", "--runs", join(dir, "auto-runs"));
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.candidates.map((c: { model: string }) => c.model)).toEqual(["als", "graph"]);
    const [als, graph] = summary.candidates.map((c: { metrics: Record<string, number> }) => c.metrics["ndcg@20"]);
    // The graph filter must win a paired test on the holdout's users; a tie keeps ALS.
    if (summary.model === "graph") expect(graph).toBeGreaterThan(als);
    expect(summary.metrics).toEqual(summary.candidates.find((c: { model: string }) => c.model === summary.model).metrics);
    expect(r.stderr).toMatch(new RegExp(`^auto: ${summary.model} \\(als ndcg@20 [\\d.]+, graph ndcg@20 [\\d.]+ on the holdout 0\\.1; paired z -?[\\d.]+ over \\d+ users, graph needs > 2\\)$`, "m"));
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    expect(manifest.model.kind).toBe(summary.model);
    const runDirs = await readdir(join(dir, "auto-runs"));
    const record = JSON.parse(await readFile(join(dir, "auto-runs", runDirs[0]!, "run.json"), "utf8"));
    expect(record.model).toBe(summary.model);
    expect(record.candidates.map((c: { model: string; metrics: unknown }) => [c.model, c.metrics])).toEqual(summary.candidates.map((c: { model: string; metrics: unknown }) => [c.model, c.metrics]));
    // The loser's search is kept too: every ALS point tried, whichever family won.
    const alsRecord = record.candidates[0];
    expect(alsRecord.search.trials.length).toBe(summary.candidates[0].trials);
    expect(alsRecord.search.trials.length).toBeGreaterThan(1);
  }, 180_000);

  it("pins flagged parameters and searches the rest; --no-tune skips the search", async () => {
    const path = await csv("pin.csv", { users: 80, items: 60, interactionsPerUser: 10, categories: 4, seed: 8 });
    const r = await edgerec("train", "--data", path, "--out", join(dir, "pin"), "--no-index", "--alpha", "5", "--dim", "8", "--reg-exponent", "1", "--budget", "30", "--allow-worse");
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    const tried = [...r.stderr.matchAll(/^search als (.*): ndcg@20/gm)].map((m) => m[1]!);
    expect(tried.length).toBeGreaterThan(1);
    for (const t of tried) expect(t).toMatch(/dim 8, alpha 5, regularization [\d.]+, regExponent 1,/);
    expect([s.params.alpha, s.params.dim, s.params.regExponent]).toEqual([5, 8, 1]);

    const n = await edgerec("train", "--data", path, "--out", join(dir, "notune"), "--no-index", "--no-tune", "--allow-worse");
    expect(n.code, n.stderr).toBe(0);
    expect(n.stderr).not.toMatch(/^search /m);
    expect(JSON.parse(n.stdout).search).toBeNull();
  }, 180_000);

  it("refuses bad tuning flags", async () => {
    for (const [flag, value, message] of [["--budget", "soon", /--budget: expected seconds/], ["--weighting", "cubic", /--weighting: expected one of: mean, binary, log/], ["--reg", "lots", /--reg: expected a positive number/], ["--reg-exponent", "3", /--reg-exponent/]] as const) {
      const r = await edgerec("train", "--data", join(dir, "pin.csv"), "--out", join(dir, "z"), flag, value);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
  }, 240_000);
});
