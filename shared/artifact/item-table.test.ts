import { describe, expect, it } from "vitest";
import { ItemTable } from "./item-table.ts";
import type { ItemRecord } from "./manifest.ts";

describe("ItemTable", () => {
  const records: ItemRecord[] = [
    { id: "a", categories: ["x", "y"], title: "A \"quoted\" title", numbers: { price: 9.5 } },
    { id: "b", categories: ["x", "y"] },
    { id: "c" },
    { id: "d", image: "https://e.example/d.png", url: "/d", description: "ü", numbers: { price: 9.5 } },
    { id: "e", categories: [], title: "A \"quoted\" title", numbers: { price: 9.5 } },
  ];

  it("gives back every record as it was, with category lists shared between rows", () => {
    const t = ItemTable.from(records);
    expect(t.length).toBe(5);
    for (let r = 0; r < records.length; r++) {
      expect(t.get(r)).toEqual(records[r]);
      expect(t.id(r)).toBe(records[r]!.id);
      expect(t.ids.get(records[r]!.id)).toBe(r);
      expect(t.categories(r)).toEqual(records[r]!.categories);
    }
    expect(t.categories(0)).toBe(t.categories(1));
    expect(t.get(5)).toBeUndefined();
    expect(t.get(-1)).toBeUndefined();
  });

  it("replaces and appends records after the build", () => {
    const t = ItemTable.from(records);
    t.set(1, { id: "b", categories: ["z"], title: "new" });
    expect(t.get(1)).toEqual({ id: "b", categories: ["z"], title: "new" });
    expect(t.categories(1)).toEqual(["z"]);
    expect(t.categories(0)).toEqual(["x", "y"]);
    expect(() => t.set(1, { id: "other" })).toThrow(/not 'other'/);
    expect(t.push({ id: "f", categories: ["q"] })).toBe(5);
    expect(t.length).toBe(6);
    expect(t.ids.get("f")).toBe(5);
    expect(t.categories(5)).toEqual(["q"]);
    expect(t.get(5)).toEqual({ id: "f", categories: ["q"] });
    expect(() => t.push({ id: "a" })).toThrow(/already/);
  });
});
