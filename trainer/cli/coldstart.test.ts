// Cold start through the CLI with a two-tower artifact: catalogue items without interactions get vectors and are
// recommended with --candidates new; listed users absent from the data are served from their attributes
// (--for); evaluate --protocol item-cold|user-cold measures both.

import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeShopFiles, type ShopFiles } from "../testing/shop-files.ts";
import { runEvaluate } from "./evaluate.ts";
import { runRecommend } from "./recommend.ts";
import { runTrain } from "./train.ts";

let dir: string;
let shop: ShopFiles;
let art: string;
const coldItems = new Set<string>();
const coldUsers = new Set<string>();
const MAP = ["--user-col", "visitor", "--item-col", "product", "--weight-col", "qty", "--time-col", "when"];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgerec-cold-"));
  shop = makeShopFiles({ users: 240, items: 100, seed: 8 });
  shop.items.filter((_, i) => i % 6 === 0).forEach((i) => coldItems.add(i.sku));
  const lines = shop.interactionsCsv.trim().split("\n");
  const header = lines[0]!;
  const rows = lines.slice(1);
  for (const r of rows) if (Number(r.split(",")[0]!.slice(2)) % 8 === 0) coldUsers.add(r.split(",")[0]!);
  const isTest = (r: string) => coldItems.has(r.split(",")[1]!) || coldUsers.has(r.split(",")[0]!);
  await writeFile(join(dir, "train.csv"), [header, ...rows.filter((r) => !isTest(r))].join("\n") + "\n");
  await writeFile(join(dir, "test.csv"), [header, ...rows.filter(isTest)].join("\n") + "\n");
  await writeFile(join(dir, "items.csv"), shop.catalogue.csv);
  const visitors = [...new Set(rows.map((r) => r.split(",")[0]!))];
  await writeFile(join(dir, "users.csv"), ["visitor,segment,age", ...visitors.map((v) => `${v},s${Number(v.slice(2)) % 3},${20 + (Number(v.slice(2)) % 30)}`)].join("\n") + "\n");
  art = join(dir, "art");
  await runTrain(["--data", join(dir, "train.csv"), ...MAP, "--items", join(dir, "items.csv"), "--users", join(dir, "users.csv"), "--model", "two-tower", "--epochs", "4", "--holdout", "0", "--no-index", "--out", art, "--runs", join(dir, "runs")]);
}, 240_000);

describe("cold start from the CLI", () => {
  it("recommends only never-interacted catalogue items with --candidates new", async () => {
    const out = join(dir, "new.tsv");
    const r = await runRecommend(["--artifact", art, "--data", join(dir, "train.csv"), ...MAP, "--candidates", "new", "--k", "5", "--out", out]);
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    expect(lines.length).toBe(r.users);
    for (const line of lines) {
      const items = line.split("\t")[1]!.split(",");
      expect(items).toHaveLength(5);
      for (const i of items) expect(coldItems.has(i)).toBe(true);
    }
  });

  it("serves users listed with --for from their attributes when the data has none of their history", async () => {
    const out = join(dir, "for.tsv");
    await writeFile(join(dir, "for.csv"), "visitor,segment,age\nbrand-new,s1,33\nvu1,s1,21\n");
    const r = await runRecommend(["--artifact", art, "--data", join(dir, "train.csv"), ...MAP, "--for", join(dir, "for.csv"), "--k", "5", "--out", out]);
    expect(r.sources).toMatchObject({ attributes: 1, personalized: 1 });
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    expect(lines.map((l) => l.split("\t")[0])).toEqual(["brand-new", "vu1"]);
  });

  it("evaluates the item-cold and user-cold protocols", async () => {
    const base = ["--artifact", art, "--data", join(dir, "train.csv"), "--test", join(dir, "test.csv"), ...MAP, "--k", "10"];
    const items = await runEvaluate([...base, "--protocol", "item-cold"]).catch((e) => e);
    expect(items).toMatchObject({ protocol: "item-cold" });
    expect((items as { users: number }).users).toBeGreaterThan(0);
    const users = await runEvaluate([...base, "--protocol", "user-cold", "--users", join(dir, "users.csv")]);
    expect(users).toMatchObject({ protocol: "user-cold" });
    expect((users as { sources: Record<string, number> }).sources.attributes).toBeGreaterThan(0);
  });
});
