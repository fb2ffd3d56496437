// The widget's IndexedDB layer on fake-indexeddb (the real IndexedDB is exercised in Chromium by e2e/widget.test.ts).
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { WidgetStore } from "./widget-store.ts";

const bytes = (...v: number[]) => Uint8Array.from(v);

describe("WidgetStore", () => {
  it("keeps one visitor id per browser", async () => {
    const a = await WidgetStore.open("store-test-1");
    const id = await a.visitorId();
    expect(id).toMatch(/^v:[0-9a-f]{32}$/);
    expect(await a.visitorId()).toBe(id);
    a.close();
    const b = await WidgetStore.open("store-test-1");
    expect(await b.visitorId()).toBe(id);
    b.close();
  });

  it("stores a version atomically and drops the tenant's other versions, not other tenants'", async () => {
    const s = await WidgetStore.open("store-test-2");
    await s.putVersion("t1", "v1", bytes(1), [{ name: "items.bin", sha256: "a".repeat(64), bytes: bytes(1, 2) }]);
    await s.putVersion("t2", "v1", bytes(2), [{ name: "items.bin", sha256: "b".repeat(64), bytes: bytes(3) }]);
    await s.putVersion("t1", "v2", bytes(9), [{ name: "items.bin", sha256: "c".repeat(64), bytes: bytes(4) }]);
    expect(await s.getFile("t1", "v1", "items.bin")).toBeNull();
    expect(await s.getFile("t1", "v2", "items.bin")).toMatchObject({ sha256: "c".repeat(64), bytes: bytes(4) });
    expect(await s.getFile("t2", "v1", "items.bin")).toMatchObject({ bytes: bytes(3) });
    expect(await s.activeManifest("t1")).toEqual(bytes(9));
    await s.dropVersion("t1", "v2");
    expect(await s.getFile("t1", "v2", "items.bin")).toBeNull();
    s.close();
  });

  it("keeps events in order per tenant, marks them, and prunes only old events that need no sending", async () => {
    const s = await WidgetStore.open("store-test-3");
    const seqs: number[] = [];
    for (let k = 0; k < 10; k++) seqs.push(await s.addEvent({ tenant: "t", itemId: `i${k}`, type: "view", ts: k, sent: 0, local: 0 }));
    await s.addEvent({ tenant: "other", itemId: "x", type: "click", ts: 0, sent: 0, local: 0 });
    expect((await s.events("t")).map((e) => e.itemId)).toEqual(["i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9"]);
    await s.markSent(seqs.slice(0, 3));
    await s.markLocal([seqs[4]!]);
    // Keep 4: of the 6 oldest, i0–i2 (sent) and i4 (local) go; i3 and i5 wait to be sent and stay.
    expect(await s.pruneEvents("t", 4)).toBe(4);
    expect((await s.events("t")).map((e) => e.itemId)).toEqual(["i3", "i5", "i6", "i7", "i8", "i9"]);
    expect((await s.events("other")).map((e) => e.itemId)).toEqual(["x"]);
    s.close();
  });
});
