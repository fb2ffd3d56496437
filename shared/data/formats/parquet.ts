// Apache Parquet through `hyparquet` (pure JavaScript; its browser entry, so no Node module is pulled in), with
// the same columns as csv: `user_id`, `item_id`, optional `rating`, `timestamp`, `type` (see records.ts).
// Errors name the 1-based row. Compression codecs are hyparquet's built-ins (uncompressed, snappy).

import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet/src/index.js";
import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions } from "../interactions.ts";
import { addRecord } from "./records.ts";

export const PARQUET_MAGIC = "PAR1";

export async function parseParquet(input: Uint8Array | ArrayBuffer, source = "input"): Promise<Interactions> {
  const buffer = toArrayBuffer(input);
  if (buffer.byteLength === 0) throw new DataError(`${source}: no interactions (empty file)`);
  let columns: string[];
  try {
    columns = parquetSchema(parquetMetadata(buffer)).children.map((c) => c.element.name);
  } catch (e) {
    throw new DataError(`${source}: not a readable parquet file (${(e as Error).message})`);
  }
  const pick = (name: string) => columns.find((c) => c.toLowerCase() === name);
  const user = pick("user_id");
  const item = pick("item_id");
  if (user === undefined || item === undefined) {
    throw new DataError(`${source}: parquet columns must include user_id and item_id; found: ${columns.join(", ")}`);
  }
  const rating = pick("rating");
  const timestamp = pick("timestamp");
  const type = pick("type");
  const wanted = [user, item, rating, timestamp, type].filter((c): c is string => c !== undefined);
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: buffer, columns: wanted });
  } catch (e) {
    throw new DataError(`${source}: cannot decode parquet data (${(e as Error).message})`);
  }
  const builder = new InteractionsBuilder(source);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    addRecord(
      builder,
      {
        user: row[user],
        item: row[item],
        rating: rating !== undefined ? row[rating] : undefined,
        timestamp: timestamp !== undefined ? row[timestamp] : undefined,
        type: type !== undefined ? row[type] : undefined,
      },
      { row: r + 1 },
    );
  }
  return builder.build();
}

function toArrayBuffer(input: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (input instanceof ArrayBuffer) return input;
  if (input.byteOffset === 0 && input.byteLength === input.buffer.byteLength && input.buffer instanceof ArrayBuffer) {
    return input.buffer;
  }
  return input.slice().buffer as ArrayBuffer;
}
