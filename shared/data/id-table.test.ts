import { describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { IdTable } from "./id-table.ts";

describe("IdTable", () => {
  it("answers like a Map over random ids (unicode, empty, long, repeated)", () => {
    const rng = new Rng(7);
    const alphabet = ["a", "b", "é", "字", "😀", "-", "0", "9", " "];
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor(rng.next() * 20);
      let s = "";
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(rng.next() * alphabet.length)];
      ids.push(s);
    }
    ids.push("x".repeat(5000), ids[3]!, "");
    const map = new Map<string, number>();
    ids.forEach((id, r) => map.has(id) || map.set(id, r));
    const table = IdTable.from(ids);
    expect(table.size).toBe(ids.length);
    for (const [id, r] of map) expect(table.get(id)).toBe(r);
    for (let r = 0; r < ids.length; r++) expect(table.id(r)).toBe(ids[r]);
    for (const probe of ["zz", "a".repeat(30), "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"]) expect(table.get(probe)).toBe(map.get(probe));
    expect(table.id(-1)).toBeUndefined();
    expect(table.id(ids.length)).toBeUndefined();
    expect(table.id(0.5)).toBeUndefined();
    expect([...table.keys()]).toEqual(ids);
  });

  it("appends rows after the build and refuses a known id or a gap", () => {
    const table = IdTable.from(["a", "b"]);
    table.append("c", 2);
    expect(table.get("c")).toBe(2);
    expect(table.id(2)).toBe("c");
    expect(table.size).toBe(3);
    expect(() => table.append("a", 3)).toThrow(/already/);
    expect(() => table.append("d", 5)).toThrow(/next row/);
    expect(IdTable.from([]).get("a")).toBeUndefined();
  });
});
