import { describe, expect, it } from "vitest";
import { DataError } from "../errors.ts";
import { InteractionsBuilder } from "./builder.ts";
import { thrown, triples } from "./test-helpers.ts";

describe("InteractionsBuilder", () => {
  it("maps string ids to rows in order of first appearance", () => {
    const b = new InteractionsBuilder("t");
    b.add("u9", "a");
    b.add("u2", "b", 2, 100);
    b.add("u9", "b");
    const d = b.build();
    expect(d.userIds.ids).toEqual(["u9", "u2"]);
    expect(d.itemIds.ids).toEqual(["a", "b"]);
    expect(Array.from(d.users)).toEqual([0, 1, 0]);
    expect(Array.from(d.items)).toEqual([0, 1, 1]);
    expect(triples(d)).toEqual(["u9>a 1", "u2>b 2@100", "u9>b 1"]);
  });

  it("merges duplicate pairs: weights summed, latest timestamp kept, first position kept", () => {
    const b = new InteractionsBuilder("t");
    b.add("u", "x", 1, 50);
    b.add("v", "x", 1, 10);
    b.add("u", "y", 1);
    b.add("u", "x", 2.5, 70);
    b.add("u", "x", 1, 60);
    b.add("u", "y", 1, 5); // NaN then 5: the known timestamp wins
    expect(triples(b.build())).toEqual(["u>x 4.5@70", "v>x 1@10", "u>y 2@5"]);
  });

  it("grows past its initial capacity", () => {
    const b = new InteractionsBuilder("t");
    for (let i = 0; i < 5000; i++) b.add(`u${i % 7}`, `i${i}`, 1, i);
    const d = b.build();
    expect(d.users.length).toBe(5000);
    expect(d.userIds.size).toBe(7);
    expect(d.timestamps[4999]).toBe(4999);
  });

  it.each([
    ["NaN", Number.NaN],
    ["negative", -1],
    ["zero", 0],
    ["infinite", Infinity],
  ])("rejects a %s weight with source and line", (_, w) => {
    const b = new InteractionsBuilder("data.csv");
    const e = thrown(() => b.add("u", "i", w, Number.NaN, { line: 7 }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^data\.csv:7: weight must be a finite number > 0/);
  });

  it("rejects empty ids and names rows for columnar sources", () => {
    const b = new InteractionsBuilder("x.parquet");
    expect(thrown(() => b.add("", "i", 1, Number.NaN, { row: 3 })).message).toBe("x.parquet row 3: empty user id");
    expect(thrown(() => b.add("u", "", 1)).message).toBe("x.parquet: empty item id");
  });

  it("says 'no interactions' when empty", () => {
    const e = thrown(() => new InteractionsBuilder("empty.txt").build());
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe("empty.txt: no interactions");
  });

  it("attaches metadata by id to rows, dropping ids without interactions", () => {
    const b = new InteractionsBuilder("t");
    b.add("u1", "i2");
    b.add("u1", "i1");
    b.setItemMeta("i1", { title: "One", categories: ["A"] });
    b.setItemMeta("ghost", { title: "Nobody" });
    b.setUserMeta("u1", { numbers: { age: 30 } });
    const d = b.build();
    expect(d.itemMeta?.get(1)).toEqual({ title: "One", categories: ["A"] });
    expect(d.itemMeta?.size).toBe(1);
    expect(d.userMeta?.get(0)).toEqual({ numbers: { age: 30 } });
  });
});
