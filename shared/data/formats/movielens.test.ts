import { describe, expect, it } from "vitest";
import { DataError } from "../../errors.ts";
import { thrown, triples } from "../test-helpers.ts";
import { ML100K_GENRES, parseMovieLens } from "./movielens.ts";

const flags = (...on: number[]) => Array.from({ length: 19 }, (_, g) => (on.includes(g) ? "1" : "0")).join("|");

describe("parseMovieLens", () => {
  it("reads u.data with ratings as weights and timestamps", () => {
    const d = parseMovieLens({ data: "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t5\t881251000\n" });
    expect(triples(d)).toEqual(["196>242 3@881250949", "186>302 3@891717742", "196>302 5@881251000"]);
    expect(d.itemMeta).toBeUndefined();
  });

  it("reads MovieLens 1M's '::' lines", () => {
    expect(triples(parseMovieLens({ data: "1::1193::5::978300760\n" }))).toEqual(["1>1193 5@978300760"]);
  });

  it("attaches u.item titles, genres and year (latin-1 bytes) and u.user demographics", () => {
    const item = new Uint8Array([
      ...new TextEncoder().encode(`1|Toy Story (1995)|01-Jan-1995||http://x/toy|${flags(3, 4, 5)}\n2|`),
      0x43, 0x69, 0x74, 0xe9, // "Cité" in latin-1
      ...new TextEncoder().encode(` (1996)||||${flags(8)}\n`),
    ]);
    const d = parseMovieLens({
      data: "7\t1\t4\t100\n7\t2\t2\t200\n",
      item,
      user: "7|24|M|technician|85711\n",
    });
    expect(d.itemMeta?.get(0)).toEqual({
      title: "Toy Story (1995)",
      categories: ["Animation", "Children's", "Comedy"],
      numbers: { year: 1995 },
      url: "http://x/toy",
    });
    expect(d.itemMeta?.get(1)).toEqual({ title: "Cité (1996)", categories: ["Drama"], numbers: { year: 1996 } });
    expect(d.userMeta?.get(0)).toEqual({ categories: ["gender:M", "occupation:technician"], numbers: { age: 24 } });
  });

  it("uses u.genre names when given", () => {
    const d = parseMovieLens({ data: "1\t1\t1\t1\n", item: "1|X||||0|1\n", genre: "None|0\nFun|1\n" });
    expect(d.itemMeta?.get(0)?.categories).toEqual(["Fun"]);
    expect(ML100K_GENRES).toHaveLength(19);
  });

  it.each([
    ["3 fields", { data: "1\t2\t3\t4\n1\t2\t3\n" }, /^u\.data:2: expected 4 fields \(user, item, rating, timestamp\), found 3/],
    ["a NaN rating", { data: "1\t2\tx\t4\n" }, /^u\.data:1: rating must be a finite number > 0, got "x"/],
    ["a zero rating", { data: "1\t2\t0\t4\n" }, /^u\.data:1: rating must be a finite number > 0/],
    ["a bad timestamp", { data: "1\t2\t3\tnow\n" }, /^u\.data:1: timestamp must be a number/],
    ["an empty u.data", { data: "" }, /^u\.data: no interactions/],
    ["a short u.item row", { data: "1\t1\t1\t1\n", item: "1|X|d||u|0|1\n" }, /^u\.item:1: expected 24 "\|"-separated fields, found 7/],
    ["a bad genre flag", { data: "1\t1\t1\t1\n", item: `1|X|||u|${flags().replace(/^0/, "2")}\n` }, /^u\.item:1: genre flag 1 must be 0 or 1/],
    ["a bad u.user age", { data: "1\t1\t1\t1\n", user: "1|old|M|x|1\n" }, /^u\.user:1: expected "id\|age\|gender\|occupation\|zip"/],
    ["a bad u.genre line", { data: "1\t1\t1\t1\n", genre: "Action\n" }, /^u\.genre:1: expected "name\|index"/],
  ])("rejects %s with a DataError naming file:line", (_, input, message) => {
    const e = thrown(() => parseMovieLens(input));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(message);
  });
});
