// The item overlay format: records compacted to the latest per id with increasing seq, bounded by ids and bytes
// (409 overlay_full), refused when it is not this tenant's; vectors round-trip bit-exact through base64.

import { describe, expect, it } from "vitest";
import { EdgerecError } from "../../shared/errors.ts";
import { decodeOverlay, emptyOverlay, encodeOverlay, recordsAfter, vectorFromBase64, vectorToBase64, withRecord } from "./item-overlay.ts";

const put = (id: string) => ({ id, op: "put" as const, at: "2026-12-02T00:00:00Z", version: "v1", method: "explicit" as const, item: { title: id } });

describe("item overlay", () => {
  it("keeps the latest record per id, numbers changes in order, and decodes what it encodes", () => {
    let file = emptyOverlay("t");
    for (const id of ["a", "b", "a", "c"]) file = withRecord(file, put(id)).file;
    expect(file.seq).toBe(4);
    expect(file.records.map((r) => [r.id, r.seq])).toEqual([["b", 2], ["a", 3], ["c", 4]]);
    expect(recordsAfter(file, 2).map((r) => r.id)).toEqual(["a", "c"]);
    expect(decodeOverlay(encodeOverlay(file), "t")).toEqual(file);
  });

  it("refuses a new id past the item cap and an object past the byte cap, with 409 overlay_full", () => {
    let file = emptyOverlay("t");
    for (let i = 0; i < 3; i++) file = withRecord(file, put(`i${i}`), { items: 3, bytes: 1 << 20 }).file;
    const full = (() => {
      try {
        withRecord(file, put("i3"), { items: 3, bytes: 1 << 20 });
      } catch (e) {
        return e as EdgerecError;
      }
      return null;
    })();
    expect(full?.status).toBe(409);
    expect(full?.code).toBe("overlay_full");
    // Replacing a known id does not grow it.
    expect(withRecord(file, put("i1"), { items: 3, bytes: 1 << 20 }).file.records).toHaveLength(3);
    expect(() => withRecord(file, put("i1"), { items: 10, bytes: 100 })).toThrow(/over the 100/);
    // A full overlay drops what the caller calls redundant first.
    const next = withRecord(file, put("i3"), { items: 3, bytes: 1 << 20 }, (r) => r.id === "i0").file;
    expect(next.records.map((r) => r.id)).toEqual(["i1", "i2", "i3"]);
  });

  it("refuses another tenant's or a malformed overlay", () => {
    const bytes = encodeOverlay(withRecord(emptyOverlay("t"), put("a")).file);
    expect(() => decodeOverlay(bytes, "u")).toThrow(/names tenant 't'/);
    expect(() => decodeOverlay(new TextEncoder().encode('{"format":"edgerec-items-overlay/2"}'), "t")).toThrow(/invalid/);
    expect(() => decodeOverlay(new TextEncoder().encode("{"), "t")).toThrow(/not JSON/);
  });

  it("stores vectors bit-exact and refuses a wrong length or a non-finite value", () => {
    const v = Float32Array.from([0.1, -2.5e-8, 3.4e38, 0]);
    expect(vectorFromBase64(vectorToBase64(v), 4)).toEqual(v);
    expect(vectorFromBase64(vectorToBase64(v), 5)).toBeNull();
    expect(vectorFromBase64(vectorToBase64(Float32Array.from([1, Number.NaN])), 2)).toBeNull();
    expect(vectorFromBase64("%%%", 1)).toBeNull();
  });
});
