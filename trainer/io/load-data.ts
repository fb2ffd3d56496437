// Node entry for training data: reads a file (or a MovieLens directory) from disk, detects or checks its format
// and hands it to the runtime-agnostic parsers in shared/data/formats. Text formats are streamed in 1 MiB chunks
// and fed line by line, so a file of any size loads without becoming one string; parquet is read whole (its
// footer indexes the file). Missing paths and unknown format names become DataErrors naming the path or the
// valid names.

import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DataError } from "../../shared/errors.ts";
import { type DataFormat, detectFormat, type FormatChoice, parseFormatChoice } from "../../shared/data/detect.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import type { ColumnNames } from "../../shared/data/formats/columns.ts";
import { csvReader } from "../../shared/data/formats/csv.ts";
import { jsonlReader } from "../../shared/data/formats/jsonl.ts";
import { lightGcnReader } from "../../shared/data/formats/lightgcn.ts";
import { type MovieLensSides, movieLensReader } from "../../shared/data/formats/movielens.ts";
import { parseParquet } from "../../shared/data/formats/parquet.ts";
import { type LineReader, LineSplitter } from "../../shared/data/formats/text.ts";

export interface LoadedData {
  data: Interactions;
  format: DataFormat;
  /** Why this format: "chosen with --format", or what detection saw. */
  reason: string;
}

const HEAD_BYTES = 64 * 1024;
const CHUNK_BYTES = 1 << 20;

/** Loads interactions from `path`; `format` is a name from FORMAT_CHOICES ("auto" detects). */
export async function loadInteractions(path: string, format: FormatChoice | string = "auto", names: ColumnNames = {}): Promise<LoadedData> {
  const choice = parseFormatChoice(format);
  const info = await stat(path).catch(() => {
    throw new DataError(`no such file: ${path}`);
  });
  if (info.isDirectory()) {
    const data = join(path, "u.data");
    if (!(await exists(data))) throw new DataError(`${path} is a directory without u.data; pass a data file`);
    if (choice !== "auto" && choice !== "movielens") {
      throw new DataError(`${path} is a MovieLens directory (it holds u.data), not ${choice}`);
    }
    return { data: await loadMovieLens(data), format: "movielens", reason: "directory holding MovieLens u.data" };
  }
  if (info.size === 0) throw new DataError(`${basename(path)}: no interactions (empty file)`);
  let detected: { format: DataFormat; reason: string };
  if (choice !== "auto") detected = { format: choice, reason: "chosen with --format" };
  else if (names.user !== undefined && /\.(csv|tsv|txt)$/i.test(path)) detected = { format: "csv", reason: "column names mapped, .csv/.tsv name" };
  else detected = detectFormat(path, await readHead(path));
  const data = await parseFile(path, detected.format, names);
  return { data, ...detected };
}

async function parseFile(path: string, format: DataFormat, names: ColumnNames): Promise<Interactions> {
  const name = basename(path);
  switch (format) {
    case "movielens":
      return loadMovieLens(path);
    case "parquet":
      return parseParquet(await readFile(path), name, names);
    case "lightgcn":
      return streamLines(path, lightGcnReader(name));
    case "csv":
      return streamLines(path, csvReader(name, names));
    case "jsonl":
      return streamLines(path, jsonlReader(name, names));
  }
}

/** Streams a UTF-8 file through a line reader. */
export async function streamLines<T>(path: string, reader: LineReader<T>): Promise<T> {
  const decoder = new TextDecoder("utf-8");
  const lines = new LineSplitter((line, lineNo) => reader.line(line, lineNo), basename(path));
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    lines.push(decoder.decode(chunk as Buffer, { stream: true }));
  }
  lines.push(decoder.decode());
  lines.end();
  return reader.finish();
}

/** `u.data` (streamed) plus `u.item`, `u.user`, `u.genre` when they lie beside it. */
async function loadMovieLens(dataPath: string): Promise<Interactions> {
  const dir = dirname(dataPath);
  const sides: MovieLensSides = {};
  for (const side of ["item", "user", "genre"] as const) {
    const p = join(dir, `u.${side}`);
    if (await exists(p)) sides[side] = await readFile(p);
  }
  const reader = movieLensReader({ data: basename(dataPath) });
  await streamLines(dataPath, { line: reader.line, finish: () => undefined });
  return reader.finish(sides);
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
