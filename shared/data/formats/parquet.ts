// Apache Parquet through `hyparquet` (pure JavaScript; its browser entry, so no Node module is pulled in), with
// the same columns as csv: `user_id`, `item_id`, optional `rating`, `timestamp`, `type` (see records.ts).
// Errors name the 1-based row. Compression codecs are hyparquet's built-ins (uncompressed, snappy). Rows are
// decoded one row group at a time as arrays, so a large file never holds an object per row.

import { type FileMetaData, parquetMetadata, parquetRead, parquetSchema } from "hyparquet/src/index.js";
import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions } from "../interactions.ts";
import { type ColumnNames, resolveColumns } from "./columns.ts";
import { addRecord } from "./records.ts";

export const PARQUET_MAGIC = "PAR1";

export async function parseParquet(input: Uint8Array | ArrayBuffer, source = "input", names: ColumnNames = {}): Promise<Interactions> {
  const buffer = toArrayBuffer(input);
  if (buffer.byteLength === 0) throw new DataError(`${source}: no interactions (empty file)`);
  let metadata: FileMetaData;
  let columns: string[];
  try {
    metadata = parquetMetadata(buffer);
    columns = parquetSchema(metadata).children.map((c) => c.element.name);
  } catch (e) {
    throw new DataError(`${source}: not a readable parquet file (${(e as Error).message})`);
  }
  const col = resolveColumns(columns, names, source);
  // Column positions in each decoded row: user, item, then the optional ones present (-1 when absent).
  const wanted = [columns[col.user]!, columns[col.item]!];
  const slot = (c: number) => (c < 0 ? -1 : wanted.push(columns[c]!) - 1);
  const rating = slot(col.weight);
  const timestamp = slot(col.time);
  const type = slot(col.type);
  const builder = new InteractionsBuilder(source);
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    let rows: unknown[][] = [];
    try {
      await parquetRead({
        file: buffer,
        metadata,
        columns: wanted,
        rowStart: groupStart,
        rowEnd: groupEnd,
        onComplete: (r: unknown[][]) => {
          rows = r;
        },
      });
    } catch (e) {
      throw new DataError(`${source}: cannot decode parquet rows ${groupStart + 1}–${groupEnd} (${(e as Error).message})`);
    }
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      addRecord(
        builder,
        {
          user: row[0],
          item: row[1],
          rating: rating >= 0 ? row[rating] : undefined,
          timestamp: timestamp >= 0 ? row[timestamp] : undefined,
          type: type >= 0 ? row[type] : undefined,
        },
        { row: groupStart + r + 1 },
      );
    }
    groupStart = groupEnd;
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
