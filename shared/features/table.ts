// Reads a catalogue or attribute file into a header and rows of cells, keeping where each row came from for error
// messages: CSV/TSV (header row, RFC 4180 quoting, through the interactions parser's record assembler), JSON Lines
// (one object per line; the header is the union of keys in order of first appearance) and Parquet (hyparquet, every
// column). Catalogues are small next to interactions, so a table is read whole.

import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet/src/index.js";
import { DataError } from "../errors.ts";
import { describeOrigin, type Origin } from "../data/builder.ts";
import { forEachRecord } from "../data/formats/csv.ts";
import { decodeText, forEachLine } from "../data/formats/text.ts";

export const TABLE_FORMATS = ["csv", "jsonl", "parquet"] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** At most this many rows: a catalogue past it belongs in a sharded pipeline, not one process. */
export const MAX_TABLE_ROWS = 2_000_000;

export interface Table {
  source: string;
  header: string[];
  rows: unknown[][];
  origins: Origin[];
}

export const originText = (t: Table, r: number): string => describeOrigin(t.source, t.origins[r]);

/** The format from a file name (csv/tsv, jsonl/ndjson/json, parquet) or the first bytes. */
export function tableFormatOf(name: string, head: Uint8Array): TableFormat {
  const lower = name.toLowerCase();
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return "parquet";
  if (lower.endsWith(".parquet")) return "parquet";
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return "jsonl";
  if (/\.(csv|tsv|txt)$/.test(lower)) return "csv";
  const first = new TextDecoder().decode(head.subarray(0, 256)).trimStart();
  return first.startsWith("{") ? "jsonl" : "csv";
}

export async function readTable(bytes: Uint8Array, source: string, format: TableFormat): Promise<Table> {
  if (bytes.length === 0) throw new DataError(`${source}: empty file`);
  if (format === "parquet") return readParquetTable(bytes, source);
  const text = decodeText(bytes).replace(/^\uFEFF/, "");
  return format === "jsonl" ? readJsonlTable(text, source) : readCsvTable(text, source);
}

export function readCsvTable(text: string, source: string): Table {
  const t: Table = { source, header: [], rows: [], origins: [] };
  let width = 0;
  forEachRecord(text, text.split("\n", 1)[0]!.includes("\t") ? "\t" : ",", source, (fields, line) => {
    if (width === 0) {
      t.header = fields.map((f) => f.trim());
      width = fields.length;
      checkHeader(t.header, source);
      return;
    }
    if (fields.length === 1 && fields[0]!.trim() === "") return;
    if (fields.length !== width) throw new DataError(`${source}:${line}: expected ${width} fields as in the header, found ${fields.length}`);
    push(t, fields, { line });
  });
  if (width === 0) throw new DataError(`${source}: no header row`);
  return t;
}

export function readJsonlTable(text: string, source: string): Table {
  const objects: { o: Record<string, unknown>; line: number }[] = [];
  const header: string[] = [];
  const seen = new Set<string>();
  forEachLine(text, (line, lineNo) => {
    if (line.trim() === "") return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (e) {
      throw new DataError(`${source}:${lineNo}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof o !== "object" || o === null || Array.isArray(o)) throw new DataError(`${source}:${lineNo}: expected a JSON object`);
    for (const k of Object.keys(o)) if (!seen.has(k)) (seen.add(k), header.push(k));
    objects.push({ o: o as Record<string, unknown>, line: lineNo });
    if (objects.length > MAX_TABLE_ROWS) throw new DataError(`${source}: more than ${MAX_TABLE_ROWS} rows`);
  });
  const t: Table = { source, header, rows: [], origins: [] };
  for (const { o, line } of objects) push(t, header.map((h) => o[h]), { line });
  return t;
}

async function readParquetTable(bytes: Uint8Array, source: string): Promise<Table> {
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
  let header: string[];
  let objects: Record<string, unknown>[];
  try {
    const metadata = parquetMetadata(buffer);
    header = parquetSchema(metadata).children.map((c) => c.element.name);
    objects = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  } catch (e) {
    throw new DataError(`${source}: not a readable parquet file (${(e as Error).message})`);
  }
  checkHeader(header, source);
  const t: Table = { source, header, rows: [], origins: [] };
  objects.forEach((o, r) => push(t, header.map((h) => o[h]), { row: r + 1 }));
  return t;
}

function push(t: Table, row: unknown[], at: Origin): void {
  if (t.rows.length >= MAX_TABLE_ROWS) throw new DataError(`${t.source}: more than ${MAX_TABLE_ROWS} rows`);
  t.rows.push(row);
  t.origins.push(at);
}

function checkHeader(header: string[], source: string): void {
  const seen = new Set<string>();
  for (const h of header) {
    if (h === "") throw new DataError(`${source}: the header has an empty column name`);
    if (seen.has(h)) throw new DataError(`${source}: the header names column '${h}' twice`);
    seen.add(h);
  }
}
