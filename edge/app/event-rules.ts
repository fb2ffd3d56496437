// The rules an event batch must pass beyond its schema (issue 13 finding 5): one time unit with sane bounds,
// visitor ids for publishable keys, and idempotency by `eventId` (bounded memory with a TTL per isolate/process).

import { badRequest, forbidden } from "./errors.ts";
import { ByteLru } from "./lru.ts";
import type { EventInput } from "./schemas.ts";

/** `ts` is epoch milliseconds (or ISO-8601). Earliest accepted: 2000-01-01T00:00:00Z. */
export const MIN_EVENT_MS = Date.UTC(2000, 0, 1);
/** Latest accepted: one day ahead of the server's clock (clock skew). */
export const MAX_FUTURE_MS = 86_400_000;
/** Below this a number is seconds, not milliseconds (1e11 ms is 1973; 1e11 s is the year 5138). */
const SECONDS_LOOKING = 1e11;

/** Event time in seconds (the training format) after checking bounds; `ts` absent → now. 400 names the field. */
export function eventSeconds(ts: EventInput["ts"], now: number, field = "ts"): number {
  if (ts === undefined) return Math.floor(now / 1000);
  const ms = typeof ts === "number" ? ts : Date.parse(ts);
  if (typeof ts === "number" && ts > 0 && ts < SECONDS_LOOKING) {
    throw badRequest("bad_ts", `${field}: ${ts} looks like seconds; send epoch milliseconds (or ISO-8601)`);
  }
  if (!Number.isFinite(ms) || ms < MIN_EVENT_MS || ms > now + MAX_FUTURE_MS) {
    throw badRequest("bad_ts", `${field}: ${String(ts).slice(0, 40)} is outside 2000-01-01 … now + 1 day (epoch milliseconds or ISO-8601)`);
  }
  return Math.floor(ms / 1000);
}

/** The ids the widget makes for anonymous visitors: `v:` (or the older `v-`) and 32 hex digits, 128 random bits. */
export const VISITOR_ID_RE = /^v[:-][0-9a-f]{32}$/;

/** What a publishable key may send: at most VISITOR_BATCH events, all of one anonymous visitor id. */
export const VISITOR_BATCH = 50;

export function checkVisitorBatch(events: EventInput[], anyUser: boolean): void {
  const users = new Set(events.map((e) => e.userId));
  if (users.size > 1 || events.length > VISITOR_BATCH) {
    throw forbidden(`a publishable (read) key may send up to ${VISITOR_BATCH} events of one visitor per request; use a write key for bulk ingestion`);
  }
  const [user] = users;
  if (!anyUser && !VISITOR_ID_RE.test(user!)) {
    throw forbidden(
      `a publishable (read) key may send events only for anonymous visitor ids ('v:' + 32 hex digits, made by the widget), not '${user!.slice(0, 40)}'; use a write key for known users`,
    );
  }
}

/**
 * Event ids seen recently, per tenant: bounded by bytes, each kept for `ttlMs`. An id is `pending` while its batch
 * is being written (a concurrent retry is then a duplicate too) and `done` once durable; a failed write forgets it.
 */
export class EventIdMemory {
  private readonly lru: ByteLru<string, "pending" | "done">;
  private readonly primed = new Set<string>();

  constructor(budgetBytes = 16 << 20, ttlMs = 24 * 3_600_000) {
    this.lru = new ByteLru(budgetBytes, ttlMs);
  }

  private key = (tenant: string, id: string) => `${tenant}\u0000${id}`;

  /** Loads ids already in a durable log once per tenant (after a restart, a retry of a logged event is a duplicate). */
  async prime(tenant: string, load: (() => Promise<string[]>) | undefined): Promise<void> {
    if (!load || this.primed.has(tenant)) return;
    this.primed.add(tenant);
    for (const id of await load()) this.lru.set(this.key(tenant, id), "done", 64 + id.length * 2);
  }

  /** Splits events into new ones (now pending) and duplicates (an id seen, pending, or repeated in this batch). */
  claim<T extends { eventId?: string | undefined }>(tenant: string, events: T[]): { fresh: T[]; duplicates: number } {
    const fresh: T[] = [];
    let duplicates = 0;
    for (const e of events) {
      if (e.eventId === undefined) {
        fresh.push(e);
        continue;
      }
      const k = this.key(tenant, e.eventId);
      if (this.lru.get(k) !== undefined) {
        duplicates++;
        continue;
      }
      this.lru.set(k, "pending", 64 + k.length * 2);
      fresh.push(e);
    }
    return { fresh, duplicates };
  }

  settle(tenant: string, ids: string[], ok: boolean): void {
    for (const id of ids) {
      const k = this.key(tenant, id);
      if (ok) this.lru.set(k, "done", 64 + k.length * 2);
      else this.lru.delete(k);
    }
  }
}
