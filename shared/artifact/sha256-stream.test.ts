import { describe, expect, it } from "vitest";
import { sha256Hex } from "./sha256.ts";
import { Sha256 } from "./sha256-stream.ts";

describe("incremental SHA-256", () => {
  it("equals Web Crypto's digest for any length and any chunking", async () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_001]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
      const want = await sha256Hex(bytes);
      expect(new Sha256().update(bytes).hex()).toBe(want);
      const h = new Sha256();
      for (let i = 0; i < n; ) {
        const step = 1 + ((i * 17) % 97);
        h.update(bytes.subarray(i, i + step));
        i += step;
      }
      expect(h.hex(), `length ${n}`).toBe(want);
    }
  });
});
