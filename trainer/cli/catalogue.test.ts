// `edgerec train --items/--users` with a shop's own column names: the catalogue (CSV, JSONL, Parquet) ends up in
// items.json with titles, categories, prices, images and links, cold catalogue items included; bad input is one line.

import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { itemsFileSchema } from "../../shared/artifact/manifest.ts";
import { makeShopFiles, type ShopFiles } from "../testing/shop-files.ts";
import { main } from "./main.ts";
import { runTrain } from "./train.ts";
import { nodeEdgeHost } from "../../edge/node/host.ts";

let dir: string;
let shop: ShopFiles;
const MAP = ["--user-col", "visitor", "--item-col", "product", "--weight-col", "qty", "--time-col", "when"];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgerec-catalogue-"));
  shop = makeShopFiles();
  await writeFile(join(dir, "events.csv"), shop.interactionsCsv);
  await writeFile(join(dir, "items.csv"), shop.catalogue.csv);
  await writeFile(join(dir, "items.jsonl"), shop.catalogue.jsonl);
  await writeFile(join(dir, "items.parquet"), shop.catalogue.parquet);
  await writeFile(join(dir, "users.csv"), "visitor,age,segment\nv0,31,gold\nv1,,silver\nnew-visitor,22,gold\n");
});

describe("edgerec train --items", () => {
  it.each(["items.csv", "items.jsonl", "items.parquet"])("carries %s into items.json", async (file) => {
    const out = join(dir, `art-${file}`);
    const summary = await runTrain(["--data", join(dir, "events.csv"), ...MAP, "--items", join(dir, file), "--users", join(dir, "users.csv"), "--holdout", "0", "--no-index", "--out", out, "--runs", join(dir, "runs")]);
    expect(summary.counts.items).toBe(shop.items.length);
    const items = itemsFileSchema.parse(JSON.parse(await readFile(join(out, "items.json"), "utf8"))).items;
    const want = shop.items[7]!;
    const got = items.find((i) => i.id === want.sku)!;
    expect(got).toMatchObject({ title: want.title, image: want.image, url: want.link, numbers: { price: want.price } });
    expect(got.categories![0]).toBe(want.category);
    expect(got.categories).toContain("brand:Nordkap"); // brands cycle Acme, Borealis, Tempo, Nordkap
    for (const sku of shop.coldSkus) expect(items.some((i) => i.id === sku)).toBe(true);
    const popular = JSON.parse(await readFile(join(out, "popular.json"), "utf8"));
    expect(Object.keys(popular.byCategory)).toContain(want.category);
  });

  it("pins a schema from a JSON file and fails with one line naming file:line on a bad row", async () => {
    await writeFile(join(dir, "schema.json"), JSON.stringify({ price: "ignore", brand: "text" }));
    const out = join(dir, "art-pinned");
    await runTrain(["--data", join(dir, "events.csv"), ...MAP, "--items", join(dir, "items.csv"), "--item-schema", join(dir, "schema.json"), "--holdout", "0", "--no-index", "--out", out, "--runs", join(dir, "runs")]);
    const items = JSON.parse(await readFile(join(out, "items.json"), "utf8")).items as { numbers?: unknown; description?: string }[];
    expect(items.every((i) => i.numbers === undefined)).toBe(true);
    expect(items[0]!.description).toMatch(/made by .*\n(Acme|Borealis|Tempo|Nordkap)$/);

    await writeFile(join(dir, "bad.csv"), "sku,title,price\nx,A,1\ny,B,free\n");
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (stderr.push(String(s)), true)) as typeof process.stderr.write;
    try {
      const code = await main(["train", "--data", join(dir, "events.csv"), ...MAP, "--items", join(dir, "bad.csv"), "--item-schema", "price:number", "--out", join(dir, "x")], nodeEdgeHost);
      expect(code).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.at(-1)).toBe('edgerec train: bad.csv:3: column price must be a number, got "free"\n');
  });
});
