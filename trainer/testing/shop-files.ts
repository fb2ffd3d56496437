// A small shop as a user would bring it: an interactions CSV whose columns are NOT edgerec's names (visitor,
// product, qty, when: mapped with --user-col …), and its catalogue as CSV, JSONL or Parquet with titles,
// descriptions, categories, tags, brands, prices, image URLs and product links. A few catalogue items have no
// interactions (cold items). Built on the synthetic generator, so the categories carry real signal.

import { parquetWriteBuffer } from "hyparquet-writer";
import { plantSynthetic } from "../../shared/data/synthetic.ts";

export const SHOP_SLUGS = ["shoes", "jackets", "bags", "watches", "eyewear", "hats"];
export const SHOP_NAMES = ["Shoes", "Jackets", "Bags", "Watches", "Eyewear", "Hats"];
const BRANDS = ["Acme", "Borealis", "Tempo", "Nordkap"];

export interface ShopFiles {
  interactionsCsv: string;
  catalogue: { csv: string; jsonl: string; parquet: Uint8Array };
  /** Catalogue rows: id, category, price, image. */
  items: { sku: string; title: string; category: string; price: number; image: string; link: string }[];
  /** Ids of catalogue items without interactions. */
  coldSkus: string[];
}

export function makeShopFiles(opts: { users?: number; items?: number; seed?: number } = {}): ShopFiles {
  const { data, truth } = plantSynthetic({ users: opts.users ?? 200, items: opts.items ?? 120, categories: 6, interactionsPerUser: 12, seed: opts.seed ?? 5 });
  const lines = ["visitor,product,qty,when"];
  const interacted = new Set<number>();
  for (let k = 0; k < data.users.length; k++) {
    lines.push(`v${data.userIds.ids[data.users[k]!]},sku-${data.itemIds.ids[data.items[k]!]},${1 + (k % 3)},${1_700_000_000 + k}`);
    interacted.add(data.items[k]!);
  }
  const items: ShopFiles["items"] = [];
  const coldSkus: string[] = [];
  for (let row = 0; row < data.itemIds.size; row++) {
    const c = truth.itemCategory[row]! % SHOP_SLUGS.length;
    const sku = `sku-${data.itemIds.ids[row]}`;
    const title = `${data.itemMeta?.get(row)?.title ?? sku}`.replace(/^(\S+).*/, `$1 ${SHOP_NAMES[c]!.replace(/s$/, "")}`);
    const variant = row % 3 === 0 ? "" : `-${(row % 3) + 1}`;
    items.push({ sku, title, category: SHOP_NAMES[c]!, price: 19 + ((row * 37) % 230) + 0.99, image: `shop/img/${SHOP_SLUGS[c]}${variant}.svg`, link: `https://shop.example/p/${sku}` });
    if (!interacted.has(row)) coldSkus.push(sku);
  }
  const brand = (i: number) => BRANDS[i % BRANDS.length]!;
  const csvRows = items.map(
    (it, i) => `${it.sku},${it.title},"${it.title}, made by ${brand(i)}",${it.category},new|${it.category.toLowerCase()},${brand(i)},${it.price},${it.image},${it.link}`,
  );
  const csv = ["sku,title,description,category,tags,brand,price,image,link", ...csvRows].join("\n") + "\n";
  const jsonl = items
    .map((it, i) => JSON.stringify({ sku: it.sku, title: it.title, description: `${it.title}, made by ${brand(i)}`, category: it.category, tags: ["new", it.category.toLowerCase()], brand: brand(i), price: it.price, image: it.image, link: it.link }))
    .join("\n");
  const parquet = new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "sku", data: items.map((i) => i.sku), type: "STRING" },
        { name: "title", data: items.map((i) => i.title), type: "STRING" },
        { name: "category", data: items.map((i) => i.category), type: "STRING" },
        { name: "brand", data: items.map((_, i) => brand(i)), type: "STRING" },
        { name: "price", data: items.map((i) => i.price), type: "DOUBLE" },
        { name: "image", data: items.map((i) => i.image), type: "STRING" },
        { name: "link", data: items.map((i) => i.link), type: "STRING" },
      ],
    }),
  );
  return { interactionsCsv: lines.join("\n") + "\n", catalogue: { csv, jsonl, parquet }, items, coldSkus };
}
