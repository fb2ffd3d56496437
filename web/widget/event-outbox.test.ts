// The outbox against a scripted edge: a batch that fails with a 5xx is sent again with the same eventIds (the edge
// logs each id once), and a 429 waits like a 5xx.
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { EdgeClient, type EdgeEvent } from "./edge-client.ts";
import { EventOutbox } from "./event-outbox.ts";
import { type StoredEvent, WidgetStore } from "./widget-store.ts";

describe("EventOutbox", () => {
  it("retries a failed batch with the same event ids, and the visitor id is anonymous", async () => {
    const store = await WidgetStore.open("outbox-test-1");
    const visitor = await store.visitorId();
    const sent: EdgeEvent[][] = [];
    const answers = [503, 429, 202];
    const edge = new EdgeClient({ endpoint: "http://edge", tenant: "t", key: "erk_x" }, async (_url, init) => {
      sent.push(JSON.parse(String(init!.body)) as EdgeEvent[]);
      const status = answers.shift()!;
      return new Response(status === 202 ? "{}" : JSON.stringify({ error: { code: "x", message: "x" } }), { status });
    });
    const history: StoredEvent[] = [];
    for (const itemId of ["a", "b"]) {
      const e: StoredEvent = { tenant: "t", itemId, type: "view", ts: Date.now(), sent: 0, local: 0 };
      e.seq = await store.addEvent(e);
      history.push(e);
    }
    const outbox = new EventOutbox(edge, store, "t", visitor, () => {});
    await outbox.flush(history);
    await outbox.flush(history);
    await outbox.flush(history);
    expect(sent).toHaveLength(3);
    const ids = sent.map((b) => b.map((e) => e.eventId));
    expect(ids[0]).toHaveLength(2);
    expect(new Set(ids[0])).toHaveProperty("size", 2);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    expect(sent[0]!.every((e) => /^v:[0-9a-f]{32}$/.test(e.userId))).toBe(true);
    expect(history.every((e) => e.sent === 1)).toBe(true);
    store.close();
  });
});
