// A catalogue (items) or attribute table (users) turned into metadata by id, through a schema (schema.ts):
//   items: title ← the text column named title/name (else the first text column); description ← the other text
//          columns; categories ← the values of category/multi columns named categories/category/genre(s)/department,
//          then `column:value` for every other category/multi column (so `brand:Acme` works as a filter);
//          numbers ← every number column (price, year, …); image/url ← the first image/url column.
//   users: categories ← `column:value` for every category/multi column; numbers ← every number column.
// Bad cells are DataErrors naming file:line (or row) and column; duplicate ids are errors.

import { DataError } from "../errors.ts";
import type { ItemMeta, UserMeta } from "../data/interactions.ts";
import { type ColumnSpec, inferSchema, type SchemaPins, type TableSchema } from "./schema.ts";
import { originText, type Table } from "./table.ts";

/** Rows looked at to infer a schema. */
const SAMPLE_ROWS = 2000;
const PLAIN_CATEGORY = /^(categories|category|genres?|department|section)$/i;
const TITLE = /^(title|name)$/i;
const MAX_TEXT = 4000;

export interface Catalogue<M> {
  schema: TableSchema;
  /** Metadata by id, in file order. */
  byId: Map<string, M>;
}

/** `idHints`: column names to take as the id before the usual ones (the interactions' mapped item column). */
export function itemCatalogue(table: Table, pins: SchemaPins = {}, idHints: string[] = []): Catalogue<ItemMeta> {
  const schema = inferSchema(table.header, sample(table.rows), pins, table.source, idHints);
  const cols = Object.entries(schema.columns);
  const texts = cols.filter(([, s]) => s.type === "text").map(([c]) => c);
  const titleCol = texts.find((c) => TITLE.test(c)) ?? texts[0];
  const imageCol = cols.find(([, s]) => s.type === "image")?.[0];
  const urlCol = cols.find(([, s]) => s.type === "url")?.[0];
  const byId = new Map<string, ItemMeta>();
  forEachRow(table, schema, (id, cell, at) => {
    const meta: ItemMeta = {};
    const categories: string[] = [];
    const prefixed: string[] = [];
    const description: string[] = [];
    for (const [col, spec] of cols) {
      const v = cell(col);
      if (isBlank(v)) continue;
      switch (spec.type) {
        case "text": {
          const s = textOf(v, col, at).slice(0, MAX_TEXT);
          if (col === titleCol) meta.title = s;
          else description.push(s);
          break;
        }
        case "category":
        case "multi":
          for (const value of valuesOf(v, spec)) (PLAIN_CATEGORY.test(col) ? categories : prefixed).push(PLAIN_CATEGORY.test(col) ? value : `${col}:${value}`);
          break;
        case "number":
          (meta.numbers ??= {})[col] = numberOf(v, col, at);
          break;
        case "image":
          if (col === imageCol) meta.image = textOf(v, col, at);
          break;
        case "url":
          if (col === urlCol) meta.url = textOf(v, col, at);
          break;
        default:
          break;
      }
    }
    const all = [...new Set([...categories, ...prefixed])];
    if (all.length > 0) meta.categories = all;
    if (description.length > 0) meta.description = description.join("\n").slice(0, MAX_TEXT);
    if (byId.has(id)) throw new DataError(`${at()}: duplicate id '${id}'`);
    byId.set(id, meta);
  });
  return { schema, byId };
}

export function userCatalogue(table: Table, pins: SchemaPins = {}, idHints: string[] = []): Catalogue<UserMeta> {
  const schema = inferSchema(table.header, sample(table.rows), pins, table.source, idHints);
  const cols = Object.entries(schema.columns);
  const byId = new Map<string, UserMeta>();
  forEachRow(table, schema, (id, cell, at) => {
    const meta: UserMeta = {};
    const categories: string[] = [];
    for (const [col, spec] of cols) {
      const v = cell(col);
      if (isBlank(v)) continue;
      if (spec.type === "number") (meta.numbers ??= {})[col] = numberOf(v, col, at);
      else if (spec.type === "category" || spec.type === "multi" || spec.type === "text") {
        for (const value of spec.type === "text" ? [textOf(v, col, at)] : valuesOf(v, spec)) categories.push(`${col}:${value}`);
      }
    }
    if (categories.length > 0) meta.categories = categories;
    if (byId.has(id)) throw new DataError(`${at()}: duplicate id '${id}'`);
    byId.set(id, meta);
  });
  return { schema, byId };
}

function forEachRow(
  table: Table,
  schema: TableSchema,
  fn: (id: string, cell: (col: string) => unknown, at: () => string) => void,
): void {
  const index = new Map(table.header.map((h, c) => [h, c]));
  const idCol = index.get(schema.id)!;
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r]!;
    const at = () => originText(table, r);
    const raw = row[idCol];
    const id = typeof raw === "number" || typeof raw === "bigint" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
    if (id === "") throw new DataError(`${at()}: ${schema.id} (the id column) is empty or not a string/number`);
    fn(id, (col) => row[index.get(col)!], at);
  }
}

const sample = (rows: unknown[][]): unknown[][] => (rows.length <= SAMPLE_ROWS ? rows : rows.slice(0, SAMPLE_ROWS));

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

function textOf(v: unknown, col: string, at: () => string): string {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  throw new DataError(`${at()}: column ${col} must be text, got ${JSON.stringify(v)?.slice(0, 40)}`);
}

function numberOf(v: unknown, col: string, at: () => string): number {
  const n = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : typeof v === "string" ? Number(v.trim().replace(/^\$/, "")) : Number.NaN;
  if (!Number.isFinite(n)) throw new DataError(`${at()}: column ${col} must be a number, got ${JSON.stringify(v)?.slice(0, 40)}`);
  return n;
}

function valuesOf(v: unknown, spec: ColumnSpec): string[] {
  const parts = Array.isArray(v) ? v.map((x) => String(x)) : spec.type === "multi" ? String(v).split(spec.separator ?? "|") : [String(v)];
  return parts.map((s) => s.trim()).filter((s) => s !== "");
}
