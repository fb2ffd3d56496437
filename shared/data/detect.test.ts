import { describe, expect, it } from "vitest";
import { DataError } from "../errors.ts";
import { detectFormat, parseFormatChoice } from "./detect.ts";
import { thrown } from "./test-helpers.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("detectFormat", () => {
  it.each([
    ["x.bin", bytes("PAR1\u0000\u0000"), "parquet", /parquet magic/],
    ["events.parquet", "", "parquet", /ends in \.parquet/],
    ["ml/u.data", "196\t242\t3\t881250949\n", "movielens", /MovieLens/],
    ["events.jsonl", "", "jsonl", /\.jsonl/],
    ["log.txt", '{"user_id": 1, "item_id": 2}\n', "jsonl", /JSON objects/],
    ["data.csv", "", "csv", /\.csv/],
    ["data.tsv", "", "csv", /\.tsv/],
    ["export.txt", "user_id,item_id,rating\n1,2,3\n", "csv", /header names user_id and item_id/],
    ["export", "\uFEFFitem_id\tuser_id\n2\t1\n", "csv", /header/],
    ["events", "timestamp,visitorid,event,itemid\n1433221332117,257597,view,355908\n", "csv", /header names visitorid and itemid/],
    ["ratings", "1\t2\t5\t881250949\n3\t4\t1\t881250950\n", "movielens", /user TAB item TAB rating TAB timestamp/],
    ["train.txt", "0 1 2 3\n1 4 5\n2 6 7 8 9", "lightgcn", /whitespace-separated ids/],
    ["train.txt", "0 1 2 3 4\n1 2\n", "lightgcn", /whitespace-separated ids/],
    ["train.txt", "u1 i-9 sku:12\nu2 a.b\n", "lightgcn", /whitespace-separated ids/],
  ] as const)("%s → %s", (name, head, format, reason) => {
    const d = detectFormat(name, head);
    expect(d.format).toBe(format);
    expect(d.reason).toMatch(reason);
  });

  it("refuses what it cannot recognise, listing the formats", () => {
    const prose = "It was the best of times, it was the worst of times\nit was the age of wisdom\nand so on and on.\n";
    const essay = "The model learns from users.\nEach user has items\nWe think the data is good\n";
    for (const head of ["a,b,c\n1,2,3\n", "", "just-one-token\n", prose, essay]) {
      const e = thrown(() => detectFormat("mystery.dat", head));
      expect(e).toBeInstanceOf(DataError);
      expect(e.message).toMatch(/^mystery\.dat: cannot detect the format .*pass --format, one of: movielens, lightgcn, csv, jsonl, parquet$/);
    }
  });
});

describe("parseFormatChoice", () => {
  it("accepts auto and the formats, and names the choices otherwise", () => {
    expect(parseFormatChoice("auto")).toBe("auto");
    expect(parseFormatChoice("lightgcn")).toBe("lightgcn");
    const e = thrown(() => parseFormatChoice("xml"));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe("unknown format 'xml'; expected one of: auto, movielens, lightgcn, csv, jsonl, parquet");
  });
});
