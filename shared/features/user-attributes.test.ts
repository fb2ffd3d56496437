import { describe, expect, it } from "vitest";
import { encodeUser } from "./encode.ts";
import { hasUserFeatures, userMetaFromAttributes } from "./user-attributes.ts";
import { parseUsers } from "../data/formats/movielens.ts";

const spec = { buckets: 1 << 14, maxTokens: 48, itemNumbers: [], userNumbers: [{ name: "age", mean: 34, std: 12, edges: [20, 30, 40] }] };

describe("userMetaFromAttributes", () => {
  it("reads a MovieLens u.user row's attributes exactly as training read the file", () => {
    const trained = parseUsers("1|24|M|technician|85711\n", "u.user").get("1")!;
    const sent = userMetaFromAttributes({ age: 24, gender: "M", occupation: "technician", zip: "85711" }, spec);
    // zip: MovieLens training drops it; sent, it is one category more (a bucket the cold-user head has no row for).
    expect(sent).toEqual({ categories: ["gender:M", "occupation:technician", "zip:85711"], numbers: { age: 24 } });
    const withoutZip = userMetaFromAttributes({ age: 24, gender: "M", occupation: "technician" }, spec);
    expect(withoutZip).toEqual(trained);
    expect(encodeUser(withoutZip, spec)).toEqual(encodeUser(trained, spec));
  });

  it("numbers only for the model's number columns; numeric strings there; everything else column:value", () => {
    expect(userMetaFromAttributes({ age: " 41 ", zip: 85711, member: true, tags: ["a", " b ", "a"] }, spec)).toEqual({
      categories: ["zip:85711", "member:true", "tags:a", "tags:b"],
      numbers: { age: 41 },
    });
    // A value of a number column that is not a number is kept as a category rather than dropped.
    expect(userMetaFromAttributes({ age: "adult" }, spec)).toEqual({ categories: ["age:adult"] });
    expect(userMetaFromAttributes({ gender: "  " }, spec)).toEqual({});
    expect(hasUserFeatures({})).toBe(false);
    expect(hasUserFeatures({ numbers: { age: 3 } })).toBe(true);
  });
});
