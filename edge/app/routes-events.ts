// POST /v1/tenants/{t}/events: validate a batch, write it durably to the event log (202 only after that), then
// put the items in front of each user's recent list, so the very next recommendation folds them in.
// A publishable (read) key — the one a web page carries — may send one visitor's events, a few at a time; bulk
// ingestion of many users needs a write key.

import type { Hono } from "hono";
import { authorize } from "./auth.ts";
import { forbidden } from "./errors.ts";
import { type EdgeDeps, requestDeps } from "./app.ts";
import type { EventLine } from "./ports.ts";
import { readLimitedText } from "./body.ts";
import { type EventInput, MAX_BODY_BYTES, eventsBodySchema, parseBody } from "./schemas.ts";
import { IMPRESSION_TYPES, recordShown } from "./ranking.ts";

/** Event time in seconds (the training format), from epoch ms or ISO-8601, or now. */
export function eventSeconds(ts: EventInput["ts"], now = Date.now()): number {
  const ms = ts === undefined ? now : typeof ts === "number" ? ts : Date.parse(ts);
  return Math.floor(ms / 1000);
}

/** What a publishable key may send: at most VISITOR_BATCH events, all of one visitor. */
export const VISITOR_BATCH = 50;

function checkVisitorBatch(events: EventInput[]): void {
  const users = new Set(events.map((e) => e.userId));
  if (users.size > 1 || events.length > VISITOR_BATCH) {
    throw forbidden(`a publishable (read) key may send up to ${VISITOR_BATCH} events of one visitor per request; use a write key for bulk ingestion`);
  }
}

export function eventRoutes(app: Hono, deps: EdgeDeps): void {
  app.post("/v1/tenants/:tenant/events", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "read");
    const events = parseBody(await readLimitedText(c.req.raw, MAX_BODY_BYTES), eventsBodySchema);
    if ((await authorize(config, c.req.header("Authorization"), "read")) === "read") checkVisitorBatch(events);
    const now = Date.now();
    const lines: EventLine[] = events.map((e) => ({ user_id: e.userId, item_id: e.itemId, type: e.type, timestamp: eventSeconds(e.ts, now), ...(e.recommId ? { recomm_id: e.recommId } : {}) }));
    await deps.events.append(config.tenant, lines);
    // Impressions are what a user was shown (for rotation), not what they did: they go to the shown list.
    const byUser = new Map<string, string[]>();
    const shownByUser = new Map<string, string[]>();
    for (const e of events) {
      const map = IMPRESSION_TYPES.has(e.type) ? shownByUser : byUser;
      const list = map.get(e.userId) ?? [];
      list.push(e.itemId);
      map.set(e.userId, list);
    }
    const { recent } = requestDeps(deps, c.env);
    await Promise.all([
      ...[...byUser].map(([user, items]) => recent.push(config.tenant, user, items)),
      ...[...shownByUser].map(([user, items]) => recordShown(recent, config.tenant, user, items)),
    ]);
    return c.json({ accepted: lines.length, users: new Set(events.map((e) => e.userId)).size }, 202);
  });
}
