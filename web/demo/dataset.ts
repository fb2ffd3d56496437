// Where the demo's interactions come from: the built-in synthetic set (planted categories, generated titles), or
// files the visitor picks — MovieLens `u.data` (with `u.item` for titles when picked too), CSV, JSONL, Parquet or
// LightGCN lines. Files are read with the File API and parsed in the page by the shared parsers; nothing is uploaded.

import { detectFormat, type DataFormat } from "../../shared/data/detect.ts";
import { parseCsv } from "../../shared/data/formats/csv.ts";
import { parseJsonl } from "../../shared/data/formats/jsonl.ts";
import { parseLightGcn } from "../../shared/data/formats/lightgcn.ts";
import { type MovieLensInput, parseMovieLens } from "../../shared/data/formats/movielens.ts";
import { parseParquet } from "../../shared/data/formats/parquet.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { DataError } from "../../shared/errors.ts";

export interface LoadedDataset {
  data: Interactions;
  /** Short name for headings and the artifact's tenant, e.g. "synthetic" or "u.data". */
  name: string;
  /** One line: format, why, and the sizes. */
  description: string;
}

/** Built-in synthetic sets: small enough to train in seconds on any backend. */
export const SYNTHETIC_SETS = {
  synthetic: { users: 600, items: 500, interactionsPerUser: 30, categories: 10, popularitySkew: 0.7, affinity: 6, seed: 7 },
  "synthetic-tiny": { users: 50, items: 40, interactionsPerUser: 8, categories: 4, popularitySkew: 0.7, affinity: 6, seed: 7 },
} as const;
export type SyntheticSet = keyof typeof SYNTHETIC_SETS;

export function syntheticDataset(which: SyntheticSet = "synthetic"): LoadedDataset {
  const opts = SYNTHETIC_SETS[which];
  const data = generateSynthetic(opts);
  return { data, name: which, description: `built-in synthetic set (${opts.categories} planted categories) — ${sizes(data)}` };
}

const SIDE_FILES = new Set(["u.item", "u.user", "u.genre"]);

/** Parses the picked files: one data file, plus MovieLens side files (u.item, u.user, u.genre) beside u.data. */
export async function fileDataset(files: File[]): Promise<LoadedDataset> {
  const main = files.filter((f) => !SIDE_FILES.has(f.name.toLowerCase()));
  if (main.length !== 1) {
    throw new DataError(
      main.length === 0
        ? "pick one data file (u.data, .csv, .jsonl, .parquet); u.item / u.user / u.genre only add titles and features"
        : `pick one data file at a time, got ${main.map((f) => f.name).join(", ")}`,
    );
  }
  const file = main[0]!;
  if (file.size === 0) throw new DataError(`${file.name} is empty`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { format, reason } = detectFormat(file.name, bytes.subarray(0, 64 * 1024));
  const data = await parse(format, bytes, file.name, files);
  if (data.users.length === 0) throw new DataError(`${file.name} holds no interactions`);
  return { data, name: file.name, description: `${file.name}: ${format} (${reason}) — ${sizes(data)}` };
}

async function parse(format: DataFormat, bytes: Uint8Array, name: string, all: File[]): Promise<Interactions> {
  switch (format) {
    case "movielens": {
      const input: MovieLensInput = { data: bytes };
      for (const side of ["item", "user", "genre"] as const) {
        const f = all.find((x) => x.name.toLowerCase() === `u.${side}`);
        if (f) input[side] = new Uint8Array(await f.arrayBuffer());
      }
      return parseMovieLens(input, { data: name });
    }
    case "parquet":
      return parseParquet(bytes, name);
    case "csv":
      return parseCsv(bytes, name);
    case "jsonl":
      return parseJsonl(bytes, name);
    case "lightgcn":
      return parseLightGcn(bytes, name);
  }
}

export const sizes = (d: Interactions): string =>
  `${d.userIds.size.toLocaleString("en")} users × ${d.itemIds.size.toLocaleString("en")} items, ` +
  `${d.users.length.toLocaleString("en")} interactions`;

/** The item's display title: its metadata title, else "Item <id>". */
export const itemTitle = (d: Interactions, row: number): string => d.itemMeta?.get(row)?.title ?? `Item ${d.itemIds.ids[row]}`;
