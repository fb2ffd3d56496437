import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { DataError } from "../../errors.ts";
import { rejected, triples } from "../test-helpers.ts";
import { parseParquet } from "./parquet.ts";

type Column = Parameters<typeof parquetWriteBuffer>[0]["columnData"][number];
const file = (...columnData: Column[]) => new Uint8Array(parquetWriteBuffer({ columnData }));
const grouped = (rowGroupSize: number, ...columnData: Column[]) =>
  new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize }));

describe("parseParquet", () => {
  it("reads string, int64 and timestamp columns like csv", async () => {
    const bytes = file(
      { name: "user_id", data: ["u1", "u2", "u1"], type: "STRING" },
      { name: "item_id", data: [10n, 11n, 10n], type: "INT64" },
      { name: "rating", data: [2, 3, 1], type: "DOUBLE" },
      { name: "timestamp", data: [new Date(1000_000), new Date(2000_000), new Date(3000_000)], type: "TIMESTAMP" },
      { name: "type", data: ["view", "purchase", "view"], type: "STRING" },
    );
    expect(triples(await parseParquet(bytes, "e.parquet"))).toEqual(["u1>10 3@3000", "u2>11 12@2000"]);
  });

  it("needs only user_id and item_id", async () => {
    const bytes = file({ name: "item_id", data: ["a"], type: "STRING" }, { name: "user_id", data: [7], type: "INT32" });
    expect(triples(await parseParquet(bytes.buffer as ArrayBuffer, "m.parquet"))).toEqual(["7>a 1"]);
  });

  it("reads several row groups with columns in any order", async () => {
    const bytes = grouped(
      2,
      { name: "type", data: ["click", "view", "cart", "view", "purchase"], type: "STRING" },
      { name: "item_id", data: ["a", "b", "c", "a", "d"], type: "STRING" },
      { name: "timestamp", data: [5, 4, 3, 2, 1], type: "INT32" },
      { name: "user_id", data: ["u1", "u1", "u2", "u1", "u3"], type: "STRING" },
    );
    expect(triples(await parseParquet(bytes, "g.parquet"))).toEqual(["u1>a 3@5", "u1>b 1@4", "u2>c 3@3", "u3>d 4@1"]);
  });

  it("names the row of a bad value in a later row group", async () => {
    const bytes = grouped(
      2,
      { name: "user_id", data: ["u1", "u2", "u3", "u4", "u5"], type: "STRING" },
      { name: "item_id", data: ["a", "b", "c", "d", "e"], type: "STRING" },
      { name: "rating", data: [1, 2, 3, 0, 1], type: "DOUBLE" },
    );
    const e = await rejected(parseParquet(bytes, "g.parquet"));
    expect(e.message).toMatch(/^g\.parquet row 4: rating must be a finite number > 0, got 0/);
  });

  it("names the row of a bad value", async () => {
    const bytes = file(
      { name: "user_id", data: ["u1", "u2", "u3"], type: "STRING" },
      { name: "item_id", data: ["a", "b", "c"], type: "STRING" },
      { name: "rating", data: [1, -1, 1], type: "DOUBLE" },
    );
    const e = await rejected(parseParquet(bytes, "r.parquet"));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^r\.parquet row 2: rating must be a finite number > 0, got -1/);
  });

  it("rejects missing columns, a null id, garbage and empty input", async () => {
    const noItem = file({ name: "user_id", data: ["u"], type: "STRING" }, { name: "thing", data: ["a"], type: "STRING" });
    expect((await rejected(parseParquet(noItem, "c.parquet"))).message).toMatch(
      /^c\.parquet: the header must name user_id and item_id columns; found: user_id, thing \(accepted: user_id\|userId\|.* and item_id\|itemId\|.*; map others with --user-col \/ --item-col\)$/,
    );
    const nullId = file(
      { name: "user_id", data: ["u", null], type: "STRING" },
      { name: "item_id", data: ["a", "b"], type: "STRING" },
    );
    expect((await rejected(parseParquet(nullId, "n.parquet"))).message).toMatch(/^n\.parquet row 2: user_id must be a non-empty/);
    const junk = await rejected(parseParquet(new TextEncoder().encode("PAR1 this is not parquet"), "j.parquet"));
    expect(junk).toBeInstanceOf(DataError);
    expect(junk.message).toMatch(/^j\.parquet: not a readable parquet file/);
    expect((await rejected(parseParquet(new Uint8Array(0), "z.parquet"))).message).toMatch(/^z\.parquet: no interactions/);
  });
});
