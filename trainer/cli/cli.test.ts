// The `edgerec` binary as a user runs it: the happy path train → recommend → evaluate, and every kind of bad input
// ending in one readable line on stderr and a non-zero exit.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSynthetic } from "../../shared/data/synthetic.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/edgerec.mjs");

async function edgerec(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const env = { ...process.env, EDGEREC_RUNS: join(dir, "runs") };
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 1 << 24, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
let trainCsv: string;
let testCsv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgerec-cli-"));
  const d = generateSynthetic({ users: 150, items: 90, interactionsPerUser: 15, categories: 4, seed: 4 });
  const lines = ["user_id,item_id,rating,timestamp"];
  const testLines = [...lines];
  for (let k = 0; k < d.users.length; k++) {
    const line = `u${d.userIds.ids[d.users[k]!]},i${d.itemIds.ids[d.items[k]!]},1,${k}`;
    (k % 5 === 0 ? testLines : lines).push(line);
  }
  trainCsv = join(dir, "train.csv");
  testCsv = join(dir, "test.csv");
  await writeFile(trainCsv, lines.join("\n") + "\n");
  await writeFile(testCsv, testLines.join("\n") + "\n");
}, 60_000);

describe("edgerec CLI", () => {
  it("trains, recommends for every user and evaluates", async () => {
    const art = join(dir, "art");
    const train = await edgerec("train", "--data", trainCsv, "--model", "als", "--epochs", "3", "--out", art, "--no-index", "--budget", "30");
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/epoch 3\/3 loss/);
    expect(train.stderr).toMatch(/ETA/);
    const summary = JSON.parse(train.stdout);
    expect(summary.metrics["ndcg@10"]).toBeGreaterThan(0);

    const out = join(dir, "recs.tsv");
    const rec = await edgerec("recommend", "--artifact", art, "--data", trainCsv, "--k", "5", "--out", out);
    expect(rec.code, rec.stderr).toBe(0);
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    const csv = (await readFile(trainCsv, "utf8")).trim().split("\n").slice(1).map((l) => l.split(","));
    const users = new Set(csv.map((c) => c[0]));
    expect(lines.length).toBe(users.size);
    for (const line of lines) {
      const [user, list] = line.split("\t");
      const items = list!.split(",");
      expect(items.length).toBe(5);
      expect(new Set(items).size).toBe(5);
      const seen = new Set(csv.filter((c) => c[0] === user).map((c) => c[1]));
      for (const item of items) expect(seen.has(item)).toBe(false);
    }
    // With another data file (here the held-out part), known users still never get their training items back:
    // the artifact's seen.bin has them, as the edge uses it.
    const outTest = join(dir, "recs-test.tsv");
    const recTest = await edgerec("recommend", "--artifact", art, "--data", testCsv, "--k", "10", "--out", outTest);
    expect(recTest.code, recTest.stderr).toBe(0);
    const trainedBy = new Map<string, Set<string>>();
    for (const c of csv) (trainedBy.get(c[0]!) ?? trainedBy.set(c[0]!, new Set()).get(c[0]!)!).add(c[1]!);
    let checked = 0;
    for (const line of (await readFile(outTest, "utf8")).trim().split("\n")) {
      const [user, list] = line.split("\t");
      const trained = trainedBy.get(user!);
      if (!trained) continue;
      checked++;
      expect(list!.split(",").filter((id) => trained.has(id)), user).toEqual([]);
    }
    expect(checked).toBeGreaterThan(100);

    const again = await edgerec("train", "--data", trainCsv, "--model", "bpr", "--epochs", "3", "--out", join(dir, "art2"), "--no-index", "--no-tune", "--allow-worse");
    expect(again.code, again.stderr).toBe(0);
    const runs = await edgerec("runs", "--json");
    const recorded = JSON.parse(runs.stdout) as { id: string; model: string; data: { fingerprint: string } }[];
    expect(recorded.map((r) => r.model)).toEqual(["als", "bpr"]);
    expect(recorded[0]!.data.fingerprint).toBe(recorded[1]!.data.fingerprint);
    const cmp = await edgerec("runs", "--compare", `${recorded[0]!.id},${recorded[1]!.id}`);
    expect(cmp.code, cmp.stderr).toBe(0);
    expect(cmp.stdout).toMatch(/ndcg@10 .*\(/);

    const ev = await edgerec("evaluate", "--artifact", art, "--data", trainCsv, "--test", testCsv, "--k", "10,20");
    expect(ev.code, ev.stderr).toBe(0);
    const report = JSON.parse(ev.stdout);
    expect(report["ndcg@10"]).toBeGreaterThan(0);
    expect(report["coverage@20"]).toBeGreaterThan(0);
  }, 300_000);

  const bad: [string, string, () => Promise<string[]>, RegExp][] = [
    ["a malformed line", "bad.csv", async () => ["user_id,item_id,rating", "u1,i1,1", "u2", ""], /bad\.csv:3/],
    ["a NaN weight", "nan.csv", async () => ["user_id,item_id,rating", "u1,i1,NaN", ""], /nan\.csv:2: rating must be/],
    ["a negative weight", "neg.csv", async () => ["user_id,item_id,rating", "u1,i1,-2", ""], /neg\.csv:2: rating must be/],
    ["an empty file", "empty.csv", async () => [""], /no interactions|empty/],
  ];
  it.each(bad)("refuses %s with one line and a non-zero exit", async (_what, name, lines, message) => {
    const path = join(dir, name);
    await writeFile(path, (await lines()).join("\n"));
    const r = await edgerec("train", "--data", path, "--format", "csv", "--out", join(dir, "x"));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ["a missing path", ["--data", "/nonexistent/u.data"], /no such file: \/nonexistent\/u\.data/],
    ["an unknown format", ["--data", "FILE", "--format", "xml"], /unknown format 'xml'; expected one of: auto, movielens/],
    ["an unknown model", ["--data", "FILE", "--model", "xyz"], /unknown model 'xyz'; expected one of: auto, als, bpr/],
    ["a bad --dim", ["--data", "FILE", "--dim", "lots"], /--dim: expected a whole number/],
    ["an unknown flag", ["--data", "FILE", "--colour"], /Unknown option '--colour'/],
  ])("refuses %s", async (_what, args, message) => {
    const r = await edgerec("train", ...args.map((a) => (a === "FILE" ? trainCsv : a)), "--out", join(dir, "y"));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("refuses an unknown command and prints help", async () => {
    const r = await edgerec("fly");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'fly'; expected one of: train/);
    const help = await edgerec("train", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--holdout/);
  });
});
