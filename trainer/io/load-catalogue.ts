// Node entry for `--items FILE` / `--users FILE`: reads a catalogue or attribute table from disk (CSV, JSONL,
// Parquet through shared/features; MovieLens u.item / u.user by name), infers or takes the pinned schema and
// returns metadata by id.

import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { DataError } from "../../shared/errors.ts";
import type { ItemMeta, UserMeta } from "../../shared/data/interactions.ts";
import { ML100K_GENRES, parseItems, parseUsers } from "../../shared/data/formats/movielens.ts";
import { decodeLatin1, decodeText } from "../../shared/data/formats/text.ts";
import { type Catalogue, itemCatalogue, userCatalogue } from "../../shared/features/catalogue.ts";
import { describeSchema, parseSchemaPins } from "../../shared/features/schema.ts";
import { readTable, tableFormatOf } from "../../shared/features/table.ts";

export interface LoadedCatalogue<M> {
  byId: Map<string, M>;
  /** `col:type,…` as used (MovieLens files: "movielens"). */
  schema: string;
}

/** `idHint`: the interactions' item column name, taken as the catalogue's id column when present. */
export async function loadItemCatalogue(path: string, schemaSpec?: string, idHint?: string): Promise<LoadedCatalogue<ItemMeta>> {
  const bytes = await readBytes(path);
  const name = basename(path);
  if (name === "u.item") return { byId: parseItems(decodeLatin1(bytes), ML100K_GENRES, name), schema: "movielens u.item" };
  const pins = schemaSpec === undefined ? {} : parseSchemaPins(await specText(schemaSpec), "--item-schema");
  return described(itemCatalogue(await readTable(bytes, name, tableFormatOf(name, bytes)), pins, idHint ? [idHint] : []));
}

export async function loadUserCatalogue(path: string, schemaSpec?: string, idHint?: string): Promise<LoadedCatalogue<UserMeta>> {
  const bytes = await readBytes(path);
  const name = basename(path);
  if (name === "u.user") return { byId: parseUsers(decodeText(bytes), name), schema: "movielens u.user" };
  const pins = schemaSpec === undefined ? {} : parseSchemaPins(await specText(schemaSpec), "--user-schema");
  return described(userCatalogue(await readTable(bytes, name, tableFormatOf(name, bytes)), pins, idHint ? [idHint] : []));
}

const described = <M>(c: Catalogue<M>): LoadedCatalogue<M> => ({ byId: c.byId, schema: describeSchema(c.schema) });

/** A schema flag is inline (`{…}` or `col:type,…`) or the path of a JSON file. */
async function specText(spec: string): Promise<string> {
  if (/\.json$/i.test(spec.trim())) return decodeText(await readBytes(spec.trim()));
  return spec;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    throw new DataError(`no such file: ${path}`);
  }
}
