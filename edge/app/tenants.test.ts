// The per-isolate tenant cache is bounded: 100k lookups of random tenant ids do not grow it without bound.
import { describe, expect, it } from "vitest";
import { TenantDirectory } from "./tenants.ts";

describe("TenantDirectory cache", () => {
  it("stays within its byte budget under random tenant ids", async () => {
    const dir = new TenantDirectory({ get: async () => null, put: async () => {}, getVersioned: async () => null, putIfMatch: async () => true }, 60_000, 1 << 20);
    for (let i = 0; i < 100_000; i++) await dir.get(`random-${i}`);
    expect(dir.cached).toBeLessThan(10_000);
    expect(dir.cached).toBeGreaterThan(100);
  });
});
