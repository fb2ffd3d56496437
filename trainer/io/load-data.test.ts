import { mkdtemp, mkdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../shared/errors.ts";
import { rejected, triples } from "../../shared/data/test-helpers.ts";
import { findMl100k, ml100kDir } from "./datasets.ts";
import { loadInteractions } from "./load-data.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgerec-load-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const put = async (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
};

describe("loadInteractions", () => {
  it("detects and loads each format, saying why", async () => {
    const cases = [
      ["a.csv", "user_id,item_id\nu,a\n", "csv", /\.csv/],
      ["a.tsv", "user_id\titem_id\nu\ta\n", "csv", /\.tsv/],
      ["a.jsonl", '{"user_id":"u","item_id":"a"}\n', "jsonl", /\.jsonl/],
      ["train.txt", "u a\n", "lightgcn", /whitespace/],
      ["ratings", "1\t2\t5\t881250949\n", "movielens", /TAB/],
    ] as const;
    for (const [name, text, format, reason] of cases) {
      const r = await loadInteractions(await put(name, text));
      expect(r.format).toBe(format);
      expect(r.reason).toMatch(reason);
      expect(r.data.users.length).toBe(1);
    }
    const pq = parquetWriteBuffer({
      columnData: [
        { name: "user_id", data: ["u"], type: "STRING" },
        { name: "item_id", data: ["a"], type: "STRING" },
      ],
    });
    const r = await loadInteractions(await put("events.bin", new Uint8Array(pq)));
    expect([r.format, r.reason, triples(r.data)]).toEqual(["parquet", "file starts with the parquet magic PAR1", ["u>a 1"]]);
  });

  it("honours an explicit format and names file:line in parse errors", async () => {
    const p = await put("x.dat", "u a b\nv c\n");
    const r = await loadInteractions(p, "lightgcn");
    expect([r.format, r.reason, r.data.users.length]).toEqual(["lightgcn", "chosen with --format", 3]);
    const bad = await put("bad.csv", "user_id,item_id,rating\nu,a,1\nu,b,NaN\n");
    const e = await rejected(loadInteractions(bad));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^bad\.csv:3: rating must be a finite number > 0/);
  });

  it("reads a MovieLens directory or u.data with its side files", async () => {
    const ml = join(dir, "ml");
    await mkdir(ml);
    await writeFile(join(ml, "u.data"), "1\t10\t4\t100\n2\t10\t5\t200\n");
    await writeFile(join(ml, "u.item"), new Uint8Array([...Buffer.from("10|Caf"), 0xe9, ...Buffer.from(` (1999)|01-Jan-1999||u|${"0|".repeat(18)}1\n`)]));
    await writeFile(join(ml, "u.genre"), `${Array.from({ length: 19 }, (_, i) => `g${i}|${i}`).join("\n")}\n`);
    for (const path of [ml, join(ml, "u.data")]) {
      const r = await loadInteractions(path);
      expect(r.format).toBe("movielens");
      expect(r.data.itemMeta?.get(0)).toEqual({ title: "Café (1999)", categories: ["g18"], numbers: { year: 1999 }, url: "u" });
      expect(r.data.userMeta).toBeUndefined();
    }
  });

  it("refuses a missing path, an unknown format, an empty file and a directory without u.data", async () => {
    const missing = join(dir, "nope.csv");
    const empty = await put("empty.csv", "");
    const emptyTxt = await put("empty.txt", "");
    const blank = await put("blank.jsonl", "\n");
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => loadInteractions(missing), new RegExp(`^no such file: ${missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)],
      [() => loadInteractions(missing, "xml"), /^unknown format 'xml'; expected one of: auto, movielens, lightgcn, csv, jsonl, parquet$/],
      [() => loadInteractions(empty), /^empty\.csv: no interactions/],
      [() => loadInteractions(emptyTxt), /^empty\.txt: no interactions \(empty file\)$/],
      [() => loadInteractions(blank), /^blank\.jsonl: no interactions/],
      [() => loadInteractions(dir), /is a directory without u\.data/],
      [() => loadInteractions(join(dir, "ml"), "csv"), /is a MovieLens directory \(it holds u\.data\), not csv/],
    ];
    for (const [load, message] of cases) {
      const e = await rejected(load());
      expect(e).toBeInstanceOf(DataError);
      expect(e.message).toMatch(message);
    }
  });
});

describe("loadInteractions on large or odd files", () => {
  it("streams a file larger than one string may hold only up to a bounded line, then refuses it", async () => {
    const p = await put("huge.txt", "u a b\n");
    await truncate(p, 600 * 2 ** 20); // sparse: 600 MiB that take no disk space, NUL bytes after the first line
    const e = await rejected(loadInteractions(p, "lightgcn"));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^huge\.txt:2: a line longer than 67108864 characters/);
    await rm(p);
  });

  it("reads lines split across stream chunks", async () => {
    // Lines of varying length, so 1 MiB chunk boundaries fall inside lines and inside multi-byte characters.
    const lines = ["user_id,item_id,rating"];
    for (let k = 0; k < 60000; k++) lines.push(`"us,er${k % 997}",ítem-${"é".repeat(k % 13)}${k % 1709},${1 + (k % 4)}`);
    const r = await loadInteractions(await put("big.csv", `${lines.join("\r\n")}\r\n`));
    expect(r.data.userIds.size).toBe(997);
    expect(r.data.itemIds.ids).toContain(`ítem-${"é".repeat(12)}12`);
    let total = 0;
    for (const w of r.data.weights) total += w;
    let expected = 0;
    for (let k = 0; k < 60000; k++) expected += 1 + (k % 4);
    expect(total).toBe(expected);
  });
});

const ML100K = ml100kDir();
const hasMl100k = findMl100k() !== undefined;
if (!hasMl100k) console.warn(`skipping the ml-100k test: no u.data in ${ML100K} (set EDGEREC_ML100K)`);

describe.skipIf(!hasMl100k)(`MovieLens 100K from ${ML100K}`, () => {
  it("has 943 users, 1682 items, 100000 interactions, with titles, genres and demographics", async () => {
    const { data, format } = await loadInteractions(ML100K);
    expect(format).toBe("movielens");
    expect(data.userIds.size).toBe(943);
    expect(data.itemIds.size).toBe(1682);
    expect(data.users.length).toBe(100000);
    let titled = 0;
    let genred = 0;
    for (const meta of data.itemMeta!.values()) {
      if (meta.title) titled++;
      if (meta.categories && meta.categories.length > 0) genred++;
    }
    // This copy's u.item lacks item 267 (the "unknown" film), so 1681 of 1682 items carry metadata.
    expect(titled).toBeGreaterThanOrEqual(1681);
    expect(genred).toBeGreaterThanOrEqual(1681);
    const toy = data.itemMeta!.get(data.itemIds.get("1")!)!;
    expect(toy.title).toBe("Toy Story (1995)");
    expect(toy.categories).toEqual(["Animation", "Children's", "Comedy"]);
    expect(data.userMeta!.size).toBe(943);
    let sum = 0;
    for (const w of data.weights) sum += w;
    expect(sum / data.weights.length).toBeCloseTo(3.53, 2); // mean rating of ml-100k
  });
});
