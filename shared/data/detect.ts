// Guesses the format of an interactions file from its name and first bytes, and says why, so the CLI can print
// "format: lightgcn (lines of whitespace-separated ids)". Order of evidence: parquet magic, a known file name or
// extension, then the content of the first lines.

import { ACCEPTED_COLUMNS } from "./formats/columns.ts";
import { DataError } from "../errors.ts";
import { headLines } from "./formats/text.ts";

export const DATA_FORMATS = ["movielens", "lightgcn", "csv", "jsonl", "parquet"] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];
/** What a caller may ask for: a format, or `auto` to detect it. */
export const FORMAT_CHOICES = ["auto", ...DATA_FORMATS] as const;
export type FormatChoice = (typeof FORMAT_CHOICES)[number];

export interface Detection {
  format: DataFormat;
  reason: string;
}

/** Validates a format name from a flag or a request; unknown → DataError listing the choices. */
export function parseFormatChoice(name: string): FormatChoice {
  if ((FORMAT_CHOICES as readonly string[]).includes(name)) return name as FormatChoice;
  throw new DataError(`unknown format '${name}'; expected one of: ${FORMAT_CHOICES.join(", ")}`);
}

/** `head` is the start of the file (a few KB is plenty), as text or bytes. */
export function detectFormat(fileName: string, head: string | Uint8Array): Detection {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const lower = base.toLowerCase();
  const bytes = typeof head === "string" ? undefined : head;
  if (bytes && bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31) {
    return { format: "parquet", reason: "file starts with the parquet magic PAR1" };
  }
  if (lower.endsWith(".parquet")) return { format: "parquet", reason: `file name '${base}' ends in .parquet` };
  if (lower === "u.data" || lower === "ratings.dat") return { format: "movielens", reason: `file name '${base}' is MovieLens` };
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return { format: "jsonl", reason: `file name '${base}' ends in .jsonl` };
  if (lower.endsWith(".csv") || lower.endsWith(".tsv")) return { format: "csv", reason: `file name '${base}' ends in ${lower.slice(-4)}` };

  const text = typeof head === "string" ? head : new TextDecoder("utf-8").decode(head.subarray(0, 65536));
  const lines = headLines(text.replace(/^\uFEFF/, ""), 21).filter((l) => l.trim() !== "");
  // The last line of a head may be cut mid-way; judge by the complete ones when there are several.
  const sample = lines.length > 1 ? lines.slice(0, -1) : lines;
  const first = sample[0];
  if (first !== undefined) {
    if (first.trimStart().startsWith("{")) return { format: "jsonl", reason: "lines are JSON objects" };
    const header = first.toLowerCase().split(/[,\t]/).map((c) => c.trim().replace(/^"|"$/g, ""));
    const names = (role: "user" | "item") => ACCEPTED_COLUMNS[role].map((n) => n.toLowerCase());
    const user = names("user").find((n) => header.includes(n));
    const item = names("item").find((n) => header.includes(n));
    if (user && item) return { format: "csv", reason: `header names ${user} and ${item} columns` };
    if (sample.every(isMovieLensLine)) {
      return { format: "movielens", reason: "lines are user TAB item TAB rating TAB timestamp" };
    }
    const tokens = (l: string) => l.trim().split(/\s+/).length;
    if (sample.every((l) => !/[,"{]/.test(l)) && sample.some((l) => tokens(l) >= 2) && sample.every(isIdLine)) {
      return { format: "lightgcn", reason: "lines of whitespace-separated ids (user item item …)" };
    }
  }
  throw new DataError(
    `${base}: cannot detect the format ${first === undefined ? "of an empty file" : "from its name or first lines"}; ` +
      `pass --format, one of: ${DATA_FORMATS.join(", ")}`,
  );
}

/**
 * A line of ids (user item item …), not prose: every token looks like an id (letters, digits, _ - : . @ /, not
 * ending in sentence punctuation), and when the ids are words, none repeats within the line (a sentence reuses
 * "the", "a", …; a user's item list does not).
 */
function isIdLine(line: string): boolean {
  const t = line.trim().split(/\s+/);
  if (t.every((x) => /^\d+$/.test(x))) return true;
  if (!t.every((x) => /^[A-Za-z0-9_@/-][A-Za-z0-9_.:@/-]*$/.test(x) && !/[.:]$/.test(x))) return false;
  return new Set(t.map((x) => x.toLowerCase())).size === t.length;
}

function isMovieLensLine(line: string): boolean {
  const f = line.includes("\t") ? line.split("\t") : line.split("::");
  return f.length === 4 && f.every((x) => /^\s*\d+(\.\d+)?\s*$/.test(x));
}
