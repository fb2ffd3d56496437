import { describe, expect, it } from "vitest";
import { DataError } from "../../errors.ts";
import { thrown, triples } from "../test-helpers.ts";
import { parseLightGcn } from "./lightgcn.ts";

describe("parseLightGcn", () => {
  it("reads one user per line with any whitespace, weight 1, repeated items summed", () => {
    const text = "0 10 11 12\r\n1\t11  13 \n\n2\n3 10 10\n";
    const d = parseLightGcn(text, "train.txt");
    expect(triples(d)).toEqual(["0>10 1", "0>11 1", "0>12 1", "1>11 1", "1>13 1", "3>10 2"]);
    expect(d.userIds.ids).toEqual(["0", "1", "3"]); // user 2 has no items
  });

  it("accepts bytes", () => {
    expect(triples(parseLightGcn(new TextEncoder().encode("u a b\n"), "b.txt"))).toEqual(["u>a 1", "u>b 1"]);
  });

  it.each([
    ["a comma-separated line", "0 1 2\n1,2,3\n", /^bad\.txt:2: unexpected ","; lightgcn lines are whitespace-separated ids/],
    ["a JSON line", '{"user_id": 1}\n', /^bad\.txt:1: unexpected "\{"/],
    ["an empty file", "", /^bad\.txt: no interactions/],
    ["users without items only", "1\n2\n", /^bad\.txt: no interactions/],
  ])("rejects %s with a DataError", (_, text, message) => {
    const e = thrown(() => parseLightGcn(text, "bad.txt"));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(message);
  });
});
