import { describe, expect, it } from "vitest";
import { DataError } from "../../errors.ts";
import { thrown, triples } from "../test-helpers.ts";
import { forEachRecord, parseCsv } from "./csv.ts";

describe("parseCsv", () => {
  it("reads required and optional columns in any order, merging duplicates", () => {
    const text = "timestamp,item_id,user_id,rating\n100,a,u1,4\n200,b,u1,\n300,a,u1,1\n50,a,u2,2.5\n";
    expect(triples(parseCsv(text, "r.csv"))).toEqual(["u1>a 5@300", "u1>b 1@200", "u2>a 2.5@50"]);
  });

  it("accepts tab-separated files, CRLF endings, a BOM and upper-case headers", () => {
    const text = "\uFEFFUSER_ID\tITEM_ID\r\nu1\ti1\r\nu2\ti1\r\n";
    expect(triples(parseCsv(text, "r.tsv"))).toEqual(["u1>i1 1", "u2>i1 1"]);
  });

  it("maps event types to weights (unknown types weigh 1) and multiplies by rating", () => {
    const text = "user_id,item_id,type,rating\nu,a,view,\nu,b,click,\nu,c,cart,\nu,d,purchase,2\nu,e,wishlist,\n";
    expect(triples(parseCsv(text, "e.csv"))).toEqual(["u>a 1", "u>b 2", "u>c 3", "u>d 8", "u>e 1"]);
  });

  it.each([
    ["RetailRocket's events", "timestamp,visitorid,event,itemid,transactionid\n1433221332117,257597,view,355908,\n1433224214164,257597,addtocart,355908,\n1433221999827,992329,transaction,248676,4000\n", ["257597>355908 4@1433224214.164", "992329>248676 4@1433221999.827"]],
    ["MovieLens' ratings.csv", "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n", ["1>31 2.5@1260759144"]],
    ["REES46's events", "event_time,event_type,product_id,category_id,user_id\n2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,541312140\n", ["541312140>44600062 1@1569888000"]],
    ["a shop export", "order_date,customer_id,sku,qty\n2024-01-01T00:00:00Z,c1,SKU-9,3\n", ["c1>SKU-9 3@1704067200"]],
  ])("reads %s without column flags", (_, text, expected) => {
    expect(triples(parseCsv(text, "p.csv"))).toEqual(expected);
  });

  it("parses ISO dates and millisecond timestamps into seconds", () => {
    const text = "user_id,item_id,timestamp\nu,a,2024-01-01T00:00:00Z\nu,b,1704067200000\n";
    expect(triples(parseCsv(text, "t.csv"))).toEqual(["u>a 1@1704067200", "u>b 1@1704067200"]);
  });

  it("follows RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes", () => {
    const text = 'user_id,item_id,rating\n"u,1","say ""hi""",2\n"multi\nline",x,1\nu3,"plain",1\n';
    const d = parseCsv(text, "q.csv");
    expect(d.userIds.ids).toEqual(["u,1", "multi\nline", "u3"]);
    expect(d.itemIds.ids).toEqual(['say "hi"', "x", "plain"]);
  });

  it("reports the line of a record after a multi-line quoted field", () => {
    const text = 'user_id,item_id,rating\n"multi\nline",x,1\nu3,y,-2\n';
    expect(thrown(() => parseCsv(text, "q.csv")).message).toMatch(/^q\.csv:4: rating must be a finite number > 0/);
  });

  it.each([
    ["a missing id column", "person,item_id\nu,i\n", /^m\.csv:1: the header must name user_id and item_id columns; found: person, item_id/],
    ["a short row", "user_id,item_id,rating\nu,i,1\nu,i\n", /^m\.csv:3: expected 3 fields as in the header, found 2/],
    ["a NaN rating", "user_id,item_id,rating\nu,i,abc\n", /^m\.csv:2: rating must be a finite number > 0, got "abc"/],
    ["a negative rating", "user_id,item_id,rating\nu,i,1\nu,j,-1\n", /^m\.csv:3: rating must be a finite number > 0/],
    ["a zero rating", "user_id,item_id,rating\nu,i,0\n", /^m\.csv:2: rating must be a finite number > 0/],
    ["an empty user id", "user_id,item_id\n,i\n", /^m\.csv:2: user_id must be a non-empty string or number/],
    ["a bad timestamp", "user_id,item_id,timestamp\nu,i,yesterday\n", /^m\.csv:2: timestamp must be a number or an ISO date/],
    ["an unterminated quote", 'user_id,item_id\nu,"i\n', /^m\.csv:2: unterminated quoted field/],
    ["text after a closing quote", 'user_id,item_id\nu,"i"x\n', /^m\.csv:2: unexpected "x" after a closing quote/],
    ["a header only", "user_id,item_id\n", /^m\.csv: no interactions/],
    ["an empty file", "", /^m\.csv: no interactions/],
  ])("rejects %s with a DataError naming file:line", (_, text, message) => {
    const e = thrown(() => parseCsv(text, "m.csv"));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(message);
  });

  it("forEachRecord yields the same fields on the fast and the quoted path", () => {
    const seen: [string[], number][] = [];
    forEachRecord('a,b\n"a",b\n"",\n', ",", "f", (fields, line) => seen.push([fields, line]));
    expect(seen).toEqual([
      [["a", "b"], 1],
      [["a", "b"], 2],
      [["", ""], 3],
    ]);
  });
});
