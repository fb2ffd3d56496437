// POST /v1/tenants/{t}/events: check the key, rate-limit, validate a batch (time bounds, visitor ids), drop events
// whose `eventId` was already taken, write the rest durably to the event log (202 only after that), then put the
// items in front of each user's recent list, so the very next recommendation folds them in.
// A publishable (read) key — the one a web page carries — may send one anonymous visitor's events, a few at a time;
// bulk ingestion and known users' ids need a write key (or the tenant's `publishableEvents: "any-user"`).

import type { Context, Hono } from "hono";
import { hashKey } from "./auth.ts";
import { readLimitedText } from "./body.ts";
import { HttpError } from "./errors.ts";
import { type EdgeDeps, background, requestDeps } from "./app.ts";
import { EventIdMemory, checkVisitorBatch, eventSeconds } from "./event-rules.ts";
import type { EventLine } from "./ports.ts";
import { MAX_BODY_BYTES, eventsBodySchema, parseBody } from "./schemas.ts";
import { IMPRESSION_TYPES, recordShown } from "./ranking.ts";
import type { TenantConfig } from "./tenant-config.ts";

export { eventSeconds, VISITOR_BATCH } from "./event-rules.ts";

/** The client's address: the Worker trusts Cloudflare's header; the Node host only its socket. */
function clientIp(c: Context, runtime: string): string {
  if (runtime === "cloudflare-workers") return c.req.header("CF-Connecting-IP") ?? "unknown";
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? "unknown";
}

async function rateLimit(deps: EdgeDeps, c: Context, config: TenantConfig, keyId: string, publishable: boolean): Promise<void> {
  const limiter = deps.rateLimiter;
  if (!limiter) return;
  const checks = [`key:${config.tenant}:${keyId}`];
  if (publishable) checks.push(`ip:${config.tenant}:${clientIp(c, deps.runtime)}`);
  for (const k of checks) {
    if (!(await limiter.limit(k))) {
      throw new HttpError(429, "rate_limited", `too many event requests for this ${k.startsWith("ip:") ? "client address" : "key"}; retry after ${limiter.periodSeconds} s`);
    }
  }
}

export function eventRoutes(app: Hono, deps: EdgeDeps): void {
  const ids = deps.eventIds ?? new EventIdMemory();
  app.post("/v1/tenants/:tenant/events", async (c) => {
    const header = c.req.header("Authorization");
    const config = await deps.tenants.authorized(c.req.param("tenant"), header, "read", background(c));
    const hash = await hashKey(header!.replace(/^Bearer\s+/i, "").trim());
    const key = config.keys.find((k) => k.hash === hash)!;
    const publishable = key.role === "read";
    await rateLimit(deps, c, config, key.id, publishable);
    const events = parseBody(await readLimitedText(c.req.raw, MAX_BODY_BYTES), eventsBodySchema);
    if (publishable) checkVisitorBatch(events, config.publishableEvents === "any-user");
    const now = Date.now();
    const seconds = events.map((e, i) => eventSeconds(e.ts, now, `${i}.ts`));

    await ids.prime(config.tenant, deps.events.recentEventIds && (() => deps.events.recentEventIds!(config.tenant)));
    const indexed = events.map((e, i) => ({ ...e, i }));
    const { fresh, duplicates } = ids.claim(config.tenant, indexed);
    const claimed = fresh.flatMap((e) => (e.eventId === undefined ? [] : [e.eventId]));
    const lines: EventLine[] = fresh.map((e) => ({
      user_id: e.userId,
      item_id: e.itemId,
      type: e.type,
      timestamp: seconds[e.i]!,
      ...(e.recommId ? { recomm_id: e.recommId } : {}),
      ...(e.eventId === undefined ? {} : { event_id: e.eventId }),
      ...(publishable ? { origin: "publishable" as const } : {}),
    }));
    if (lines.length > 0) {
      try {
        await deps.events.append(config.tenant, lines);
      } catch (e) {
        ids.settle(config.tenant, claimed, false);
        throw new HttpError(503, "event_log_unavailable", `events were not stored, retry with the same eventIds: ${(e as Error).message.slice(0, 120)}`);
      }
      ids.settle(config.tenant, claimed, true);
    }
    // Logged durably: from here on nothing may turn the answer into an error (the recent lists degrade on their own).
    // Impressions are what a user was shown (for rotation), not what they did: they go to the shown list.
    const byUser = new Map<string, string[]>();
    const shownByUser = new Map<string, string[]>();
    for (const e of fresh) {
      const map = IMPRESSION_TYPES.has(e.type) ? shownByUser : byUser;
      const list = map.get(e.userId) ?? [];
      list.push(e.itemId);
      map.set(e.userId, list);
    }
    const { recent } = requestDeps(deps, c);
    const note = (e: Error) => console.error(`edgerec: recent items not updated (${e.message}); the event is logged`);
    await Promise.all([
      ...[...byUser].map(([user, items]) => recent.push(config.tenant, user, items).catch(note)),
      ...[...shownByUser].map(([user, items]) => recordShown(recent, config.tenant, user, items).catch(note)),
    ]);
    return c.json({ accepted: lines.length, duplicates, users: new Set(fresh.map((e) => e.userId)).size }, 202);
  });
}
