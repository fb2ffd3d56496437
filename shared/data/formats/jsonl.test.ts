import { describe, expect, it } from "vitest";
import { DataError } from "../../errors.ts";
import { thrown, triples } from "../test-helpers.ts";
import { parseJsonl } from "./jsonl.ts";

describe("parseJsonl", () => {
  it("reads objects with numeric or string ids, optional fields and blank lines", () => {
    const text = [
      '{"user_id": 1, "item_id": "a", "rating": 3, "timestamp": 100}',
      "",
      '{"user_id": "1", "item_id": "a", "timestamp": "1970-01-01T00:03:20Z"}',
      '{"userId": "u2", "itemId": "b", "type": "purchase", "ts": 5}',
    ].join("\n");
    expect(triples(parseJsonl(text, "e.jsonl"))).toEqual(["1>a 4@200", "u2>b 4@5"]);
  });

  it.each([
    ["invalid JSON", '{"user_id": 1, "item_id": 2}\n{"user_id": 1,\n', /^b\.jsonl:2: invalid JSON/],
    ["an array", "[1, 2]\n", /^b\.jsonl:1: expected a JSON object with user_id and item_id/],
    ["a missing item", '{"user_id": 1}\n', /^b\.jsonl:1: item_id must be a non-empty string or number, got undefined/],
    ["a negative rating", '{"user_id": 1, "item_id": 2, "rating": -3}\n', /^b\.jsonl:1: rating must be a finite number > 0, got -3/],
    ["a non-numeric rating", '{"user_id": 1, "item_id": 2, "rating": "x"}\n', /^b\.jsonl:1: rating must be/],
    ["a non-string type", '{"user_id": 1, "item_id": 2, "type": 3}\n', /^b\.jsonl:1: type must be a string, got 3/],
    ["an empty file", "\n\n", /^b\.jsonl: no interactions/],
  ])("rejects %s with a DataError naming file:line", (_, text, message) => {
    const e = thrown(() => parseJsonl(text, "b.jsonl"));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(message);
  });
});
