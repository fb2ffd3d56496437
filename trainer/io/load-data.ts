// Node entry for training data: reads a file (or a MovieLens directory) from disk, detects or checks its format
// and hands the bytes to the runtime-agnostic parsers in shared/data/formats. Missing paths and unknown format
// names become DataErrors with the path or the valid names in the message.

import { open, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DataError } from "../../shared/errors.ts";
import { type DataFormat, detectFormat, type FormatChoice, parseFormatChoice } from "../../shared/data/detect.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { parseCsv } from "../../shared/data/formats/csv.ts";
import { parseJsonl } from "../../shared/data/formats/jsonl.ts";
import { parseLightGcn } from "../../shared/data/formats/lightgcn.ts";
import { type MovieLensInput, parseMovieLens } from "../../shared/data/formats/movielens.ts";
import { parseParquet } from "../../shared/data/formats/parquet.ts";

export interface LoadedData {
  data: Interactions;
  format: DataFormat;
  /** Why this format: "chosen with --format", or what detection saw. */
  reason: string;
}

const HEAD_BYTES = 64 * 1024;
/** Text formats are decoded to one string; V8 caps a string at 2^29 − 24 characters. */
const MAX_TEXT_BYTES = 0x1fffffe8;

/** Loads interactions from `path`; `format` is a name from FORMAT_CHOICES ("auto" detects). */
export async function loadInteractions(path: string, format: FormatChoice | string = "auto"): Promise<LoadedData> {
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
  if (choice === "auto") detected = detectFormat(path, await readHead(path));
  else detected = { format: choice, reason: "chosen with --format" };
  if (detected.format !== "parquet" && info.size > MAX_TEXT_BYTES) {
    throw new DataError(
      `${path}: ${(info.size / 2 ** 20).toFixed(0)} MiB is too large to read as ${detected.format} text ` +
        `(limit ${MAX_TEXT_BYTES / 2 ** 20 | 0} MiB); split it or convert it to parquet`,
    );
  }
  const data = await parseFile(path, detected.format);
  return { data, ...detected };
}

async function parseFile(path: string, format: DataFormat): Promise<Interactions> {
  const name = basename(path);
  if (format === "movielens") return loadMovieLens(path);
  const bytes = await readFile(path);
  switch (format) {
    case "parquet":
      return parseParquet(bytes, name);
    case "lightgcn":
      return parseLightGcn(bytes, name);
    case "csv":
      return parseCsv(bytes, name);
    case "jsonl":
      return parseJsonl(bytes, name);
  }
}

/** `u.data` plus `u.item`, `u.user`, `u.genre` when they lie beside it. */
async function loadMovieLens(dataPath: string): Promise<Interactions> {
  const dir = dirname(dataPath);
  const input: MovieLensInput = { data: await readFile(dataPath) };
  for (const side of ["item", "user", "genre"] as const) {
    const p = join(dir, `u.${side}`);
    if (await exists(p)) input[side] = await readFile(p);
  }
  return parseMovieLens(input, { data: basename(dataPath) });
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
