// The data flags shared by commands that read interactions: column mapping (--user-col, --item-col, --weight-col,
// --time-col) and the catalogue / attribute tables (--items, --users, --item-schema, --user-schema).

import { z } from "zod";
import { describeAcceptedColumns, type ColumnNames } from "../../shared/data/formats/columns.ts";
import { type AttachReport, attachCatalogue } from "../../shared/features/attach.ts";
import { COLUMN_TYPES } from "../../shared/features/schema.ts";
import { type LoadedData, loadInteractions } from "../io/load-data.ts";
import { loadItemCatalogue, loadUserCatalogue } from "../io/load-catalogue.ts";

export const dataFlagsUsage = `  --items FILE       item catalogue (csv, jsonl, parquet, or MovieLens u.item): an id column plus any columns;
                     items it lists without interactions are trained on too (cold items)
  --users FILE       user attributes (csv, jsonl, parquet, or MovieLens u.user): an id column plus any columns
  --item-schema S    pin column types: a JSON object or file ({"price":"number","tags":"multi(;)"}), or
                     col:type,… ; types: ${COLUMN_TYPES.join(", ")}, multi(SEP). Unpinned columns are inferred
  --user-schema S    the same for --users
  --user-col C       interactions column of the user id (csv, jsonl, parquet)
  --item-col C       … of the item id
  --weight-col C     … of the weight (rating)
  --time-col C       … of the timestamp
                     default: the first present of the accepted names (case-insensitive):
                     ${describeAcceptedColumns()}`;

export const dataFlags = {
  items: { type: "string" },
  users: { type: "string" },
  "item-schema": { type: "string" },
  "user-schema": { type: "string" },
  "user-col": { type: "string" },
  "item-col": { type: "string" },
  "weight-col": { type: "string" },
  "time-col": { type: "string" },
} as const;

const col = z.string().min(1).max(128).optional();
export const dataFlagsSchema = {
  items: z.string().optional(),
  users: z.string().optional(),
  "item-schema": z.string().optional(),
  "user-schema": z.string().optional(),
  "user-col": col,
  "item-col": col,
  "weight-col": col,
  "time-col": col,
};

export type DataFlagValues = { [K in keyof typeof dataFlagsSchema]?: z.infer<(typeof dataFlagsSchema)[K]> };

export function columnNames(f: DataFlagValues): ColumnNames {
  const n: ColumnNames = {};
  if (f["user-col"]) n.user = f["user-col"];
  if (f["item-col"]) n.item = f["item-col"];
  if (f["weight-col"]) n.weight = f["weight-col"];
  if (f["time-col"]) n.time = f["time-col"];
  return n;
}

/** Interactions with the catalogue and attributes attached; logs what was matched. */
export async function loadTrainingData(
  path: string,
  format: string,
  f: DataFlagValues,
  log: (line: string) => void,
): Promise<LoadedData & { catalogue?: AttachReport }> {
  const loaded = await loadInteractions(path, format, columnNames(f));
  if (!f.items && !f.users) return loaded;
  const items = f.items ? await loadItemCatalogue(f.items, f["item-schema"], f["item-col"]) : undefined;
  const users = f.users ? await loadUserCatalogue(f.users, f["user-schema"], f["user-col"]) : undefined;
  const report = attachCatalogue(loaded.data, items?.byId, users?.byId);
  if (items) log(`items: ${items.byId.size} rows (${items.schema}); ${report.itemsMatched} with interactions, ${report.itemsAdded} without (cold), ${report.itemsMissing} interacted items not listed`);
  if (users) log(`users: ${users.byId.size} rows (${users.schema}); ${report.usersMatched} with interactions, ${report.coldUsers.size} without`);
  return { ...loaded, catalogue: report };
}

/** Only the interaction column flags (recommend, evaluate). */
export const columnFlags = {
  "user-col": { type: "string" },
  "item-col": { type: "string" },
  "weight-col": { type: "string" },
  "time-col": { type: "string" },
} as const;
export const columnFlagsSchema = { "user-col": col, "item-col": col, "weight-col": col, "time-col": col };
export const columnFlagsUsage = `  --user-col C, --item-col C, --weight-col C, --time-col C
                     interactions column names (default: ${describeAcceptedColumns()})`;
