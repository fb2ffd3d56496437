// Which column of a csv / jsonl / parquet interactions file holds the user, the item, the weight, the time and the
// event type. Each role has accepted names (matched case-insensitively, first found wins); `--user-col` and friends
// name a column outright, and a named column the file lacks is an error listing the columns it has.

import { DataError } from "../../errors.ts";

export const COLUMN_ROLES = ["user", "item", "weight", "time", "type"] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];
export type ColumnNames = Partial<Record<ColumnRole, string>>;

/**
 * Accepted names per role, in order of preference: edgerec's own, then the names public interaction logs and shop
 * exports use (MovieLens' movieId, RetailRocket's visitorid / itemid / event, REES46's event_type / event_time,
 * Last.fm's userID / artistID / weight, shop exports' customer_id / product_id / sku / quantity), so such a file
 * trains without --user-col / --item-col.
 */
export const ACCEPTED_COLUMNS: Readonly<Record<ColumnRole, readonly string[]>> = {
  user: ["user_id", "userId", "user", "uid", "visitor_id", "visitorId", "customer_id", "customerId", "client_id"],
  item: ["item_id", "itemId", "item", "iid", "product_id", "productId", "sku", "movie_id", "movieId", "track_id", "trackId", "artist_id", "artistId", "business_id", "asin"],
  weight: ["rating", "weight", "score", "quantity", "qty", "count", "playcount", "plays"],
  time: ["timestamp", "ts", "time", "event_time", "datetime", "created_at", "order_date", "date"],
  type: ["type", "event_type", "event", "action"],
};

/** Column index per role (-1 when absent); user and item are required (`what` names the file kind in the error). */
export function resolveColumns(header: string[], names: ColumnNames = {}, source = "input", line?: number): Record<ColumnRole, number> {
  const lower = header.map((h) => h.trim().toLowerCase());
  const where = line === undefined ? source : `${source}:${line}`;
  const out = {} as Record<ColumnRole, number>;
  for (const role of COLUMN_ROLES) {
    const pinned = names[role];
    if (pinned !== undefined) {
      const c = lower.indexOf(pinned.trim().toLowerCase());
      if (c < 0) throw new DataError(`${where}: no column '${pinned}' (given for the ${role}); columns: ${header.join(", ")}`);
      out[role] = c;
      continue;
    }
    out[role] = -1;
    for (const name of ACCEPTED_COLUMNS[role]) {
      const c = lower.indexOf(name.toLowerCase());
      if (c >= 0) {
        out[role] = c;
        break;
      }
    }
  }
  if (out.user < 0 || out.item < 0) {
    throw new DataError(
      `${where}: the header must name user_id and item_id columns; found: ${header.join(", ")} ` +
        `(accepted: ${ACCEPTED_COLUMNS.user.join("|")} and ${ACCEPTED_COLUMNS.item.join("|")}; map others with --user-col / --item-col)`,
    );
  }
  return out;
}

/** The accepted names for `--help`. */
export const describeAcceptedColumns = (): string =>
  COLUMN_ROLES.map((r) => `${r}: ${ACCEPTED_COLUMNS[r].join(", ")}`).join("; ");
