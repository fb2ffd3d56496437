import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { DataError } from "../errors.ts";
import { parseCsv } from "../data/formats/csv.ts";
import { parseJsonl } from "../data/formats/jsonl.ts";
import { parseParquet } from "../data/formats/parquet.ts";
import { rejected, thrown, triples } from "../data/test-helpers.ts";
import { attachCatalogue } from "./attach.ts";
import { itemCatalogue, userCatalogue } from "./catalogue.ts";
import { describeSchema, inferSchema, parseSchemaPins } from "./schema.ts";
import { readTable } from "./table.ts";

const enc = (s: string) => new TextEncoder().encode(s);

const SHOP_CSV = `sku,title,description,category,tags,brand,price,image,link
a1,Trail Runner,"Light shoe, grippy sole",Shoes,outdoor|running,Acme,89.5,https://cdn.example/a1.jpg,https://shop.example/a1
a2,Rain Shell,Packable jacket,Jackets,outdoor|rain,Borealis,129,https://cdn.example/a2.png,https://shop.example/a2
a3,Weekender,"Big bag
for trips",Bags,travel,Acme,75,,https://shop.example/a3
a4,Diver,Steel watch,Watches,,Tempo,249.99,https://cdn.example/a4.webp,
`;

describe("catalogue schema inference", () => {
  it("infers id, text, category, multi, number, image and url columns of a CSV", async () => {
    const t = await readTable(enc(SHOP_CSV), "shop.csv", "csv");
    const c = itemCatalogue(t);
    expect(describeSchema(c.schema)).toBe(
      "sku:id,title:text,description:text,category:category,tags:multi(|),brand:category,price:number,image:image,link:url",
    );
    expect(c.byId.get("a1")).toEqual({
      title: "Trail Runner",
      description: "Light shoe, grippy sole",
      categories: ["Shoes", "tags:outdoor", "tags:running", "brand:Acme"],
      numbers: { price: 89.5 },
      image: "https://cdn.example/a1.jpg",
      url: "https://shop.example/a1",
    });
    expect(c.byId.get("a3")!.description).toBe("Big bag\nfor trips");
    expect(c.byId.get("a3")!.image).toBeUndefined();
    expect(c.byId.get("a4")!.url).toBeUndefined();
  });

  it("reads the same catalogue from JSONL (arrays are multi-valued) and Parquet", async () => {
    const jsonl = [
      { sku: "a1", title: "Trail Runner", category: "Shoes", tags: ["outdoor", "running"], price: 89.5, image: "https://cdn.example/a1.jpg" },
      { sku: "a2", title: "Rain Shell", category: "Jackets", tags: ["rain"], price: 129, image: "https://cdn.example/a2.png" },
    ].map((o) => JSON.stringify(o)).join("\n");
    const fromJsonl = itemCatalogue(await readTable(enc(jsonl), "shop.jsonl", "jsonl"));
    expect(fromJsonl.byId.get("a1")).toMatchObject({ title: "Trail Runner", categories: ["Shoes", "tags:outdoor", "tags:running"], numbers: { price: 89.5 } });
    const pq = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: "item_id", data: [1n, 2n], type: "INT64" },
          { name: "title", data: ["Trail Runner", "Rain Shell"], type: "STRING" },
          { name: "category", data: ["Shoes", "Jackets"], type: "STRING" },
          { name: "price", data: [89.5, 129], type: "DOUBLE" },
          { name: "image_url", data: ["https://cdn.example/a1.jpg", "https://cdn.example/a2.png"], type: "STRING" },
        ],
      }),
    );
    const fromParquet = itemCatalogue(await readTable(pq, "shop.parquet", "parquet"));
    expect(fromParquet.byId.get("2")).toEqual({ title: "Rain Shell", categories: ["Jackets"], numbers: { price: 129 }, image: "https://cdn.example/a2.png" });
  });

  it("lets pins override inference (JSON and col:type forms) and rejects unknown types", async () => {
    const t = await readTable(enc("code,name,year,tags\nx,Heat,1995,crime;drama\n"), "m.csv", "csv");
    const pins = parseSchemaPins("code:id,year:category,tags:multi(;)");
    const c = itemCatalogue(t, pins);
    expect(c.byId.get("x")).toEqual({ title: "Heat", categories: ["year:1995", "tags:crime", "tags:drama"] });
    expect(parseSchemaPins('{"year":"number","tags":{"type":"multi","separator":";"}}')).toEqual({
      year: { type: "number" },
      tags: { type: "multi", separator: ";" },
    });
    expect(thrown(() => parseSchemaPins("year:date")).message).toMatch(/--item-schema: year: unknown type 'date'; expected one of: id, text/);
    expect(thrown(() => inferSchema(["a", "b"], [], { c: { type: "number" } }, "m.csv")).message).toMatch(/pins column 'c', which the file lacks/);
    expect(thrown(() => inferSchema(["a", "b"], [["1", "2"]], {}, "m.csv")).message).toMatch(/m\.csv: no id column/);
  });

  it("names file:line and the column for bad rows", async () => {
    const bad = await readTable(enc("id,title,price\na,X,10\nb,Y,cheap\n"), "p.csv", "csv");
    const e = thrown(() => itemCatalogue(bad, { price: { type: "number" } }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe('p.csv:3: column price must be a number, got "cheap"');
    const dup = await readTable(enc("id,title\na,X\na,Y\n"), "d.csv", "csv");
    expect(thrown(() => itemCatalogue(dup)).message).toBe("d.csv:3: duplicate id 'a'");
    expect((await rejected(readTable(enc("id,title\na,X,extra\n"), "w.csv", "csv"))).message).toBe("w.csv:2: expected 2 fields as in the header, found 3");
    expect((await rejected(readTable(enc('{"id":1}\nnot json\n'), "j.jsonl", "jsonl"))).message).toMatch(/^j\.jsonl:2: invalid JSON/);
    const noId = await readTable(enc('{"id":"a","t":"x"}\n{"t":"y"}\n'), "n.jsonl", "jsonl");
    expect(thrown(() => itemCatalogue(noId)).message).toBe("n.jsonl:2: id (the id column) is empty or not a string/number");
  });

  it("turns user attributes into column:value categories and numbers", async () => {
    const t = await readTable(enc("user_id,age,gender,country\nu1,34,F,NZ\nu2,,M,NZ\n"), "users.csv", "csv");
    const c = userCatalogue(t);
    expect(c.byId.get("u1")).toEqual({ categories: ["gender:F", "country:NZ"], numbers: { age: 34 } });
    expect(c.byId.get("u2")).toEqual({ categories: ["gender:M", "country:NZ"] });
  });
});

describe("attachCatalogue", () => {
  it("puts metadata on known items, adds catalogue-only items as rows and keeps unknown users aside", async () => {
    const data = parseCsv("user_id,item_id\nu1,a1\nu2,a2\nu2,zz\n", "i.csv");
    const items = itemCatalogue(await readTable(enc(SHOP_CSV), "shop.csv", "csv")).byId;
    const users = userCatalogue(await readTable(enc("user_id,gender\nu1,F\nu9,M\n"), "u.csv", "csv")).byId;
    const r = attachCatalogue(data, items, users);
    expect(r).toMatchObject({ itemsMatched: 2, itemsAdded: 2, itemsMissing: 1, usersMatched: 1 });
    expect([...r.coldUsers.keys()]).toEqual(["u9"]);
    expect(data.itemIds.ids).toEqual(["a1", "a2", "zz", "a3", "a4"]);
    expect(data.itemMeta!.get(data.itemIds.get("a4")!)!.title).toBe("Diver");
    expect(data.userMeta!.get(0)).toEqual({ categories: ["gender:F"] });
  });
});

describe("interaction column mapping", () => {
  it("maps other column names in csv, jsonl and parquet, and says which names it accepts", async () => {
    const names = { user: "visitor", item: "product", weight: "qty", time: "when" };
    expect(triples(parseCsv("visitor,product,qty,when\nv,p,2,100\n", "m.csv", names))).toEqual(["v>p 2@100"]);
    expect(triples(parseJsonl('{"visitor":"v","product":"p","qty":3}\n', "m.jsonl", names))).toEqual(["v>p 3"]);
    const pq = new Uint8Array(
      parquetWriteBuffer({ columnData: [{ name: "Visitor", data: ["v"], type: "STRING" }, { name: "product", data: ["p"], type: "STRING" }] }),
    );
    expect(triples(await parseParquet(pq, "m.parquet", { user: "visitor", item: "product" }))).toEqual(["v>p 1"]);
    expect(triples(parseCsv("userId,itemId,weight,ts\nu,i,2,5\n", "a.csv"))).toEqual(["u>i 2@5"]);
    expect(thrown(() => parseCsv("visitor,product\nv,p\n", "m.csv", { user: "customer" })).message).toBe(
      "m.csv:1: no column 'customer' (given for the user); columns: visitor, product",
    );
  });
});
