// The schema of a catalogue (items) or attribute (users) table: which column is the id and what each other column
// holds. Inferred from the values when not pinned; pinned with a JSON object or a `col:type,…` list
// (`--item-schema` / `--user-schema`). Runtime-agnostic: the CLI, the browser demo and the edge use it alike.
//
// Column types:
//   id        the row's id (exactly one; inferred from the names id, item_id, user_id, sku, product_id, …)
//   text      free text, tokenised and hashed for models (title, description)
//   category  one categorical value per row (brand, gender)
//   multi     several categorical values in one cell, split on a separator (default "|"): `multi(;)` pins ";"
//   number    a finite number (price, year, age); empty cells are missing
//   image     a URL of a picture shown on cards
//   url       a URL of the item's page
//   ignore    read and dropped

import { DataError } from "../errors.ts";

export const COLUMN_TYPES = ["id", "text", "category", "multi", "number", "image", "url", "ignore"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSpec {
  type: ColumnType;
  /** Separator of a `multi` column. */
  separator?: string;
}

export interface TableSchema {
  /** Column name of the id. */
  id: string;
  /** Every other column, by name, in file order. */
  columns: Record<string, ColumnSpec>;
}

export type SchemaPins = Record<string, ColumnSpec>;

const ID_NAMES = ["id", "item_id", "itemid", "user_id", "userid", "sku", "product_id", "movie_id", "uid"];
const SEPARATORS = ["|", ";"];
const IMAGE_EXT = /\.(png|jpe?g|gif|webp|avif|svg)(\?.*)?$/i;
const URL_LIKE = /^(https?:\/\/|\/|\.{0,2}\/?[\w.-]+\/)\S*$/i;

/**
 * Parses pins from `--item-schema`: a JSON object `{"price": "number", "tags": {"type": "multi", "separator": ";"}}`
 * or a list `price:number,tags:multi(;),sku:id`. Unknown types are errors that list the valid ones.
 */
export function parseSchemaPins(spec: string, flag = "--item-schema"): SchemaPins {
  const text = spec.trim();
  const pins: SchemaPins = {};
  if (text.startsWith("{")) {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new DataError(`${flag}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new DataError(`${flag}: expected a JSON object of column → type`);
    for (const [col, v] of Object.entries(obj)) {
      if (typeof v === "string") pins[col] = pinOf(v, col, flag);
      else if (typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string") {
        const s = pinOf((v as { type: string }).type, col, flag);
        const sep = (v as { separator?: unknown }).separator;
        if (sep !== undefined) {
          if (typeof sep !== "string" || sep.length === 0) throw new DataError(`${flag}: ${col}: separator must be a non-empty string`);
          s.separator = sep;
        }
        pins[col] = s;
      } else throw new DataError(`${flag}: ${col}: expected a type name or {"type", "separator"}`);
    }
    return pins;
  }
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const at = part.lastIndexOf(":");
    if (at <= 0) throw new DataError(`${flag}: expected col:type, got ${JSON.stringify(part.trim())}`);
    const col = part.slice(0, at).trim();
    pins[col] = pinOf(part.slice(at + 1).trim(), col, flag);
  }
  return pins;
}

function pinOf(type: string, col: string, flag: string): ColumnSpec {
  const m = /^multi\((.+)\)$/.exec(type);
  if (m) return { type: "multi", separator: m[1]! };
  if (!(COLUMN_TYPES as readonly string[]).includes(type)) {
    throw new DataError(`${flag}: ${col}: unknown type '${type}'; expected one of: ${COLUMN_TYPES.join(", ")}, multi(SEP)`);
  }
  return type === "multi" ? { type, separator: "|" } : { type: type as ColumnType };
}

/**
 * Infers a schema from the header and sample rows (cells as read: strings from csv, any JSON value from jsonl or
 * parquet). Pins win; a pinned column absent from the header is an error.
 */
export function inferSchema(header: string[], rows: unknown[][], pins: SchemaPins = {}, source = "input", idHints: string[] = []): TableSchema {
  for (const col of Object.keys(pins)) {
    if (!header.includes(col)) throw new DataError(`${source}: the schema pins column '${col}', which the file lacks; columns: ${header.join(", ")}`);
  }
  const pinnedId = Object.entries(pins).filter(([, s]) => s.type === "id").map(([c]) => c);
  if (pinnedId.length > 1) throw new DataError(`${source}: the schema pins ${pinnedId.length} id columns (${pinnedId.join(", ")}); pin one`);
  const names = [...idHints.map((h) => h.toLowerCase()), ...ID_NAMES];
  const id = pinnedId[0] ?? header.find((h) => names.includes(h.toLowerCase()));
  if (id === undefined) {
    throw new DataError(`${source}: no id column (looked for ${names.join(", ")}); pin one with col:id; columns: ${header.join(", ")}`);
  }
  const columns: Record<string, ColumnSpec> = {};
  header.forEach((name, c) => {
    if (name === id) return;
    columns[name] = pins[name] ?? inferColumn(name, rows.map((r) => r[c]));
    if (columns[name]!.type === "id") columns[name] = { type: "ignore" };
  });
  return { id, columns };
}

/** The type of one column from its name and values. */
export function inferColumn(name: string, values: unknown[]): ColumnSpec {
  const lower = name.toLowerCase();
  const cells = values.filter((v) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === ""));
  if (cells.length === 0) return { type: "ignore" };
  if (cells.some((v) => Array.isArray(v))) return { type: "multi", separator: "|" };
  if (cells.every((v) => typeof v === "number" || typeof v === "bigint" || (typeof v === "string" && isNumeric(v)))) {
    // Numeric codes with a categorical name (zip, occupation id) stay categorical.
    return /(^|_)(zip|code|postcode|id)$/.test(lower) ? { type: "category" } : { type: "number" };
  }
  const strings = cells.map((v) => String(v).trim());
  if (strings.every((s) => URL_LIKE.test(s))) {
    const imageName = /(image|img|photo|picture|thumbnail|thumb|poster|cover)/.test(lower);
    const imageExt = strings.filter((s) => IMAGE_EXT.test(s)).length >= strings.length * 0.8;
    return imageName || (imageExt && !/(url|link|href|page)/.test(lower)) ? { type: "image" } : { type: "url" };
  }
  if (/^(title|name|description|desc|summary|text|body|overview)$/.test(lower)) return { type: "text" };
  for (const sep of SEPARATORS) {
    if (strings.filter((s) => s.includes(sep)).length >= Math.max(1, strings.length * 0.1)) return { type: "multi", separator: sep };
  }
  if (/^(categories|category|genres?|tags?|labels?|brand|gender|occupation|color|colour|type|kind)$/.test(lower)) return { type: "category" };
  const distinct = new Set(strings).size;
  const meanLength = strings.reduce((s, x) => s + x.length, 0) / strings.length;
  if (meanLength <= 40 && (distinct <= Math.max(2, strings.length * 0.5) || distinct <= 20)) return { type: "category" };
  return { type: "text" };
}

const isNumeric = (s: string): boolean => s.trim() !== "" && Number.isFinite(Number(s.trim()));

/** The schema as `col:type,…` (for logs and the manifest). */
export function describeSchema(s: TableSchema): string {
  const parts = [`${s.id}:id`];
  for (const [col, spec] of Object.entries(s.columns)) parts.push(`${col}:${spec.type === "multi" ? `multi(${spec.separator ?? "|"})` : spec.type}`);
  return parts.join(",");
}
