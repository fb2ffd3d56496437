import { describe, expect, it } from "vitest";
import { InteractionsBuilder } from "./builder.ts";
import { mergeEvents } from "./merge.ts";

describe("mergeEvents", () => {
  it("adds events to base data by id, merging duplicates and keeping metadata", () => {
    const b = new InteractionsBuilder("base");
    b.add("u1", "a", 3, 10);
    b.add("u2", "b", 1, 11);
    b.setItemMeta("a", { title: "Alpha", categories: ["x"] });
    const merged = mergeEvents(b.build(), [
      { user_id: "u1", item_id: "a", type: "purchase", timestamp: 20 },
      { user_id: "new", item_id: "c", type: "view", timestamp: 21 },
    ]);
    expect(merged.userIds.ids).toEqual(["u1", "u2", "new"]);
    expect(merged.itemIds.ids).toEqual(["a", "b", "c"]);
    expect(merged.users.length).toBe(3);
    const k = Array.from(merged.users).findIndex((u, i) => u === 0 && merged.items[i] === 0);
    expect(merged.weights[k]).toBe(3 + 4); // purchase weighs 4
    expect(merged.timestamps[k]).toBe(20);
    expect(merged.itemMeta?.get(0)?.title).toBe("Alpha");
  });

  it("refuses an event with an empty id, naming its row", () => {
    const base = new InteractionsBuilder("base");
    base.add("u", "i");
    expect(() => mergeEvents(base.build(), [{ user_id: "", item_id: "i", type: "view", timestamp: 1 }])).toThrow(/event log row 1: empty user id/);
  });
});
