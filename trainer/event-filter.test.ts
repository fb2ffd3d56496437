import { describe, expect, it } from "vitest";
import { InteractionsBuilder } from "../shared/data/builder.ts";
import { trainingEvents } from "./event-filter.ts";

describe("trainingEvents", () => {
  it("keeps publishable-key events of unknown items out of the catalogue, unless a write key registered the item", () => {
    const b = new InteractionsBuilder("base");
    b.add("u1", "known", 1, 1);
    const base = b.build();
    const ev = (item_id: string, origin?: "publishable") => ({ user_id: "v:1", item_id, type: "view", timestamp: 2, ...(origin ? { origin } : {}) });
    const events = [ev("known", "publishable"), ev("spam", "publishable"), ev("new-sku"), ev("new-sku", "publishable")];
    const { kept, unknownItems } = trainingEvents(base, events);
    expect(unknownItems).toBe(1);
    expect(kept.map((e) => e.item_id)).toEqual(["known", "new-sku", "new-sku"]);
  });
});
