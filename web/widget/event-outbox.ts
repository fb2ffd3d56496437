// Sends the visitor's events to the edge (`POST /v1/tenants/{t}/events`) in batches, looping while more arrive, and
// marks them sent in IndexedDB. Offline or a 5xx: they wait for the next flush (next event, load, `online`).
// Each event carries an eventId, so a retried batch is logged once. 429 (rate limited) waits like a 5xx.
// 401/403: this key may not send events; no more tries until the widget reloads. Another 4xx: the batch is malformed
// by the edge's rules; it stays on the device for ranking but is not sent again. Private events are never sent.

import { type EdgeClient, EdgeRequestError } from "./edge-client.ts";
import type { StoredEvent, WidgetStore } from "./widget-store.ts";

/** Events per POST: the edge takes up to 50 of one visitor per request from a publishable key (edge/app/routes-events.ts). */
export const EVENT_BATCH = 50;

/** The idempotency id of a stored event. */
export const eventIdOf = (visitorId: string, seq: number): string => `${visitorId}:${seq}`;

export class EventOutbox {
  private flushing = false;
  private refused = false;

  constructor(
    private readonly edge: EdgeClient,
    private readonly store: WidgetStore,
    private readonly tenant: string,
    private readonly visitorId: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  /** Sends what in `history` is stored, not sent and not private; `history` entries are updated in place. */
  async flush(history: StoredEvent[]): Promise<void> {
    if (this.flushing || this.refused) return;
    this.flushing = true;
    try {
      for (;;) {
        const pending = history.filter((e) => e.sent === 0 && e.local === 0 && e.seq !== undefined && e.tenant === this.tenant).slice(0, EVENT_BATCH);
        if (pending.length === 0) return;
        const seqs = pending.map((e) => e.seq!);
        try {
          // Each stored event keeps one id (visitor + its IndexedDB sequence), so a retry after a 5xx or a lost answer
          // is recognised by the edge and logged once.
          await this.edge.sendEvents(
            pending.map((e) => ({ userId: this.visitorId, itemId: e.itemId, type: e.type, ts: e.ts, eventId: eventIdOf(this.visitorId, e.seq!), ...(e.recommId ? { recommId: e.recommId } : {}) })),
          );
        } catch (e) {
          const status = e instanceof EdgeRequestError ? e.httpStatus : 0;
          if (status === 401 || status === 403) {
            this.refused = true;
            this.onProblem(`events not sent: ${(e as Error).message}`);
          } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
            for (const p of pending) p.local = 1;
            await this.store.markLocal(seqs);
            this.onProblem(`events refused, kept on this device only: ${(e as Error).message}`);
            continue;
          }
          return;
        }
        for (const p of pending) p.sent = 1;
        await this.store.markSent(seqs);
      }
    } catch (e) {
      this.onProblem(`could not record sent events: ${(e as Error).message}`);
    } finally {
      this.flushing = false;
    }
  }
}
