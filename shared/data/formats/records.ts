// The columns shared by the csv, jsonl and parquet formats (`user_id`, `item_id`, optional `rating`, `timestamp`,
// `type`) and how one record becomes one weighted interaction.
//
// Weight of a record = rating (1 when the column is absent or the cell empty) × type weight (1 when absent).
// Ratings are confidence weights: any finite rating > 0 is kept as a positive, none is filtered out; a rating of
// 0, a negative or non-numeric rating is an error (a zero weight would silently drop the interaction).
// Event types map to weights: view 1, click 2, cart (add_to_cart, addtocart) 3, purchase (buy, order, transaction) 4; any other type
// weighs 1. Timestamps are seconds since the epoch: a number (values above 1e11 are taken as milliseconds) or an
// ISO-8601 date string; an empty cell means unknown (NaN).

import { DataError } from "../../errors.ts";
import { describeOrigin, type InteractionsBuilder, type Origin } from "../builder.ts";

export const COLUMN_NAMES = ["user_id", "item_id", "rating", "timestamp", "type"] as const;

/** Weight of each known event type; unknown types weigh 1. */
export const TYPE_WEIGHTS: Readonly<Record<string, number>> = {
  view: 1,
  click: 2,
  cart: 3,
  add_to_cart: 3,
  addtocart: 3,
  purchase: 4,
  transaction: 4,
  buy: 4,
  order: 4,
  conversion: 4,
};

export const typeWeight = (type: string): number => TYPE_WEIGHTS[type.trim().toLowerCase()] ?? 1;

/** One record as read from a file; absent and empty values are `undefined` / `null` / "". */
export interface RawRecord {
  user: unknown;
  item: unknown;
  rating?: unknown;
  timestamp?: unknown;
  type?: unknown;
}

/** Validates and converts one record, then adds it to `builder`. Throws DataError naming `source:line`. */
export function addRecord(builder: InteractionsBuilder, rec: RawRecord, at: Origin): void {
  const source = builder.source;
  const user = idOf(rec.user, "user_id", source, at);
  const item = idOf(rec.item, "item_id", source, at);
  let weight = 1;
  if (!isBlank(rec.rating)) {
    const r = numberOf(rec.rating);
    if (!(r > 0) || r === Infinity) {
      throw new DataError(`${describeOrigin(source, at)}: rating must be a finite number > 0, got ${show(rec.rating)}`);
    }
    weight = r;
  }
  if (!isBlank(rec.type)) {
    if (typeof rec.type !== "string") {
      throw new DataError(`${describeOrigin(source, at)}: type must be a string, got ${show(rec.type)}`);
    }
    weight *= typeWeight(rec.type);
  }
  const ts = isBlank(rec.timestamp) ? Number.NaN : timestampOf(rec.timestamp, source, at);
  builder.add(user, item, weight, ts, at);
}

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

// No closures per record here: a parser calls these a million times.
function idOf(v: unknown, column: string, source: string, at: Origin): string {
  if (typeof v === "string") {
    const id = v.trim();
    if (id !== "") return id;
  } else if (typeof v === "number" && Number.isFinite(v)) {
    return String(v);
  } else if (typeof v === "bigint") {
    return v.toString();
  }
  throw new DataError(`${describeOrigin(source, at)}: ${column} must be a non-empty string or number, got ${show(v)}`);
}

function numberOf(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string") return Number(v.trim());
  return Number.NaN;
}

/** Seconds since the epoch from a number (ms when > 1e11), a numeric string, an ISO date string or a Date. */
export function timestampOf(v: unknown, source: string, at?: Origin): number {
  let t = Number.NaN;
  if (v instanceof Date) t = v.getTime() / 1000;
  else if (typeof v === "number" || typeof v === "bigint") t = Number(v);
  else if (typeof v === "string") {
    const s = v.trim();
    t = Number(s);
    if (Number.isNaN(t)) {
      const ms = Date.parse(s);
      t = ms / 1000;
    }
  }
  if (!Number.isFinite(t)) {
    throw new DataError(`${describeOrigin(source, at)}: timestamp must be a number or an ISO date, got ${show(v)}`);
  }
  return Math.abs(t) > 1e11 ? t / 1000 : t;
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
